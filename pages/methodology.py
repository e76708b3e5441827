"""Methodology: what each number means, in the contract's words."""

import streamlit as st

from reach.ui.router import guard

guard(__file__)

st.title("Methodology")
st.markdown(
    """
Reach counts people from **attendance lists** (one row per person per event, with a
pseudonymous ID, never a name) and, for events where no list was collected, from the
**reported headcount**. Every number on every page is computed by the same definitions below.

#### Scope
The events selected by the sidebar filters: program(s), event country(ies), event start date
from/to (inclusive), event type(s).

#### Cascades
An event's **cascade level** is 0 when it has no parent event, otherwise its parent's level + 1.
The parent is *the event whose trainees ran this one* (training of trainers, step-down
trainings, peer-to-peer waves). Levels are computed on all events, not only those in scope.
**Step-down events** are events in scope at level 1 or deeper.

#### People
- An event's **participants** are its attendance-list rows with role *participant*. An event
  without such rows counts its **reported participants** instead (0 when blank).
- **People reached** = distinct participant IDs over attendance rows in scope, plus the
  headcounts of in-scope events without lists.
- **Direct reach** = the same over level-0 events only. **Cascade reach** = people reached −
  direct reach: a person seen at a root event and in a cascade counts once, as direct.
- **Attendances** = attendance rows in scope plus headcounts (a person at three events counts
  three times).
- **Trainers** = distinct IDs with role trainer or facilitator in scope.
- **Countries reached** = distinct countries where events in scope were held.

#### Gender
Each person reached takes the gender of their latest (by event start date, then event ID)
in-scope attendance row that is not undisclosed; with none, they are **undisclosed**.
Headcount events add their reported women to female, reported men to male, and the rest to
undisclosed. Undisclosed is always shown, never dropped.
**Female share** = female / (female + male + other), blank when that is 0.

#### Rates
- **Cascade multiplier** = cascade reach / direct reach (blank when direct reach is 0).
- **Activation rate**: of the distinct people who attended, as participant, an in-scope event
  that has an in-scope step-down, the share who were trainer or facilitator at an in-scope
  step-down of an event they attended.
- **Change against the previous period**: the same filters moved back by the length of the
  selected date range.

#### Privacy
Reach stores pseudonymous IDs only and never shows or logs a name. Per-country and
per-program counts can be small; do not publish them where a small number could identify a
person.
"""
)
