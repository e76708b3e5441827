"""Methodology: what each number means, in the contract's words."""

import streamlit as st

from reach.i18n import _, p_
from reach.ui.router import guard

guard(__file__)


def heading(text: str) -> str:
    """A section heading of the page."""
    return f"#### {text}"


def bullets(*items: str) -> str:
    """A bulleted list, one item per paragraph given."""
    return "\n".join(f"- {item}" for item in items)


st.title(_("Methodology"))
# One paragraph (or one list item) per message, so a translator sees a whole thought at once.
# Bold terms are the names the pages use; keep the contract's words (participant, trainer,
# facilitator) as the pages word them.
blocks = [
    _(
        "Reach counts people from **attendance lists** (one row per person per event, with a "
        "pseudonymous ID, never a name) and, for events where no list was collected, from the "
        "**reported headcount**. Every number on every page is computed by the same "
        "definitions below."
    ),
    heading(_("Scope")),
    _(
        "The events selected by the sidebar filters: program(s), event country(ies), event "
        "start date from/to (inclusive), event type(s)."
    ),
    heading(_("Cascades")),
    _(
        "An event's **cascade level** is 0 when it has no parent event, otherwise its "
        "parent's level + 1. The parent is *the event whose trainees ran this one* (training "
        "of trainers, step-down trainings, peer-to-peer waves). Levels are computed on all "
        "events, not only those in scope. **Step-down events** are events in scope at level 1 "
        "or deeper."
    ),
    # Translators: the heading of the section defining people reached, direct reach etc.
    heading(p_("section heading", "People")),
    bullets(
        _(
            "An event's **participants** are its attendance-list rows with role "
            "*participant*. An event without such rows counts its **reported participants** "
            "instead (0 when blank)."
        ),
        _(
            "**People reached** = distinct participant IDs over attendance rows in scope, "
            "plus the headcounts of in-scope events without lists."
        ),
        _(
            "**Direct reach** = the same over level-0 events only. **Cascade reach** = people "
            "reached − direct reach: a person seen at a root event and in a cascade counts "
            "once, as direct."
        ),
        _(
            "**Attendances** = attendance rows in scope plus headcounts (a person at three "
            "events counts three times)."
        ),
        _("**Trainers** = distinct IDs with role trainer or facilitator in scope."),
        _("**Countries reached** = distinct countries where events in scope were held."),
    ),
    heading(_("Gender")),
    _(
        "Each person reached takes the gender of their latest (by event start date, then event "
        "ID) in-scope attendance row that is not undisclosed; with none, they are "
        "**undisclosed**. Headcount events add their reported women to female, reported men "
        "to male, and the rest to undisclosed. Undisclosed is always shown, never dropped. "
        "**Female share** = female / (female + male + other), blank when that is 0."
    ),
    heading(_("Age")),
    _(
        "Each person reached takes the birth year of their latest in-scope participant row "
        "that has one; their **age** is the start year of their first in-scope attendance as "
        "participant minus that birth year. Ages are grouped in bands: 0-9, 10-14, 15-19, "
        "20-24, 25-29, 30-39, 40-49 and 50+. People with no birth year (or one after that "
        "first event) and people counted from reported headcounts are **unknown**. The bands "
        "add up to people reached. A breakdown by period or program takes each group as its "
        "own scope."
    ),
    heading(_("Targets")),
    _(
        "A target is what a program promised for a period (a year, a quarter or a range of "
        "months), for one of the numbers above, perhaps for one gender, age band or country. "
        "Its **actual** is that number for the program's events that started in the period. "
        "A target is **on track** when the actual is at least the target times the share of "
        "the period's days gone by, **behind** from 80% of that, **off track** below; "
        "**achieved** once it is reached, **missed** when the period ended short of it. "
        "Donors see the actual rounded like every other count, and the status worked out from "
        "that published count only: for a count shown as <8, the status every count from 0 "
        "to 7 agrees on, or *too few to tell*."
    ),
    heading(_("Rates")),
    bullets(
        _("**Cascade multiplier** = cascade reach / direct reach (blank when direct reach is 0)."),
        _(
            "**Activation rate**: of the distinct people who attended, as participant, an "
            "in-scope event that has an in-scope step-down, the share who were trainer or "
            "facilitator at an in-scope step-down of an event they attended."
        ),
        _(
            "**Change against the previous period**: the same filters moved back by the "
            "length of the selected date range. When that period starts before the first "
            "event in the data, the page says so; when it lies wholly before it, no change is "
            "shown. A change of 0 is shown grey, with no arrow."
        ),
    ),
    heading(_("Over time and in charts")),
    _(
        "Every period (month, quarter or year) from the first to the last one in scope is "
        "shown, those without events as 0, so a gap is never drawn as a straight line. The "
        "cascade chart draws each level as tall as the people reached at it (direct reach at "
        "the root), on one scale for every program, programs without step-downs included. "
        "The map is fitted to the event countries in scope; neighbouring countries are grey, "
        "for orientation only."
    ),
    heading(_("Privacy and what donors see")),
    _(
        "Reach stores pseudonymous IDs only and never shows, logs or exports a name, phone or "
        "e-mail. A participant ID that looks like a name is refused, and columns of names or "
        "contact details are dropped when a file is read."
    ),
    _(
        "Donors see **published numbers**, made safe so that no one can be singled out. The "
        "rule is the output rule of OpenSAFELY, applied to every count of people: every tile, "
        "chart, hover, table, map, download and report."
    ),
    bullets(
        _(
            'A count of people from **0 to 7** is shown as **<8**. Zero is hidden too: "no '
            'men and no women, other <8" would tell that everyone at a place was transgender.'
        ),
        _("Every other count is **rounded to the nearest 5** (12 → 10, 13 → 15)."),
        _(
            "Rounding to 5 and hiding up to 7 work together: subtracting one published count "
            "from another, such as a part from its total, never pins a count to a single value "
            "from 1 to 7; it can narrow it (a total of 20 with a part of 10 leaves 3 to 14 for "
            "the rest), which is the protection this rule gives, not more."
        ),
        _(
            "Shares and ratios (female share, parity, cascade multiplier, activation rate) "
            "are worked out from the published, rounded counts, shown as whole percentages or "
            'with one decimal, and only when none of their counts is <8; otherwise they show "—".'
        ),
        _("Parts need not add up to their total exactly, because each is rounded on its own."),
        _(
            "Donors choose whole years, and one program, event country and event type (or "
            "all), never a narrower group. They never see event rows (titles, dates, cities), "
            "participant IDs or attendance lists; counts of events are shown as they are. When "
            "a choice narrows to a single event (one program, country, type and year), its "
            "counts are still published under the same rule."
        ),
    ),
    _(
        "Directors and analysts of the organisation see exact numbers, marked as being for use "
        "inside the organisation."
    ),
]
st.markdown("\n\n".join(blocks))
