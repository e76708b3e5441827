"""Column mapping: propose contract names for the headers of other tools' exports."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd

from . import idcolumns, sqlfiles
from .contract import IDENTIFYING_REASON, SPECS, is_identifying
from .i18n import N_, _, n_

# The mapping's value for a column that is not loaded (a code: shown with option_label()).
# Translators: what a column of an uploaded file maps to when it is not loaded.
IGNORE = N_("(ignore)")

# Headers (compared lower-cased, with spaces, dashes and underscores folded) that mean a
# contract column. Survey tools (KoBo, ODK) add "_"-prefixed metadata, which is ignored.
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "participants": {
        "participant_id": ["id", "participant id", "participant", "person id", "code",
                           "код участника", "идентификатор", "код", "id участника"],
        "event_id": ["event", "event id", "training id", "мероприятие", "код мероприятия",
                     "id мероприятия", "тренинг"],
        "gender": ["sex", "gender", "пол", "гендер", "жынысы"],
        "role": ["role", "роль", "status", "статус"],
        "birth_year": ["year of birth", "birth year", "born", "год рождения"],
        "country_code": ["country", "country code", "страна", "home country", "страна проживания"],
        "organization": ["organisation", "organization", "org", "ngo", "организация"],
    },
    "events": {
        "event_id": ["event", "event id", "id", "code", "код мероприятия", "мероприятие"],
        "title": ["name", "event name", "title", "название", "тема"],
        "program": ["programme", "program", "project", "программа", "проект"],
        "event_type": ["type", "event type", "format", "тип", "формат"],
        "start_date": ["date", "start", "start date", "from", "дата", "дата начала"],
        "end_date": ["end", "end date", "to", "until", "дата окончания"],
        "city": ["city", "town", "location", "город", "место"],
        "country_code": ["country", "country code", "страна"],
        "organizer": ["organiser", "organizer", "host", "организатор"],
        "parent_event_id": ["parent", "parent event", "parent id", "cascade of"],
        "reported_participants": ["headcount", "participants", "number of participants",
                                  "количество участников"],
        "reported_female": ["women", "female", "женщины"],
        "reported_male": ["men", "male", "мужчины"],
    },
    "targets": {
        "program": ["programme", "program", "project", "программа", "проект"],
        "indicator": ["indicator", "measure", "показатель", "индикатор"],
        "period": ["period", "year", "период", "год"],
        "target": ["target", "goal", "plan", "цель", "план", "целевое значение"],
        "gender": ["sex", "gender", "пол"],
        "age_band": ["age", "age group", "age band", "возраст", "возрастная группа"],
        "country_code": ["country", "country code", "страна"],
    },
    "countries": {
        "country_code": ["country", "code", "iso", "iso3", "страна"],
        "name": ["country name", "name", "название"],
        "region": ["region", "регион"],
        "population": ["population", "население"],
    },
}  # fmt: skip


def _fold(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.strip().lower())


def _lookup(kind: str) -> dict[str, str]:
    """Folded header → contract column, from the contract's names and the synonyms."""
    lookup: dict[str, str] = {_fold(c): c for c in SPECS[kind].columns}
    for column, words in SYNONYMS[kind].items():
        for word in words:
            lookup.setdefault(_fold(word), column)
    return lookup


def propose(headers: list[str], kind: str) -> dict[str, str]:
    """For each header, the contract column it most likely means, or IGNORE."""
    lookup = _lookup(kind)
    proposal: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        # Names and contact details are never proposed as anything: they are dropped.
        if header.strip().startswith("_") or is_identifying(header, kind):
            proposal[header] = IGNORE
            continue
        column = lookup.get(_fold(header))
        if column and column not in taken:
            proposal[header] = column
            taken.add(column)
        else:
            proposal[header] = IGNORE
    return proposal


def automatic(headers: list[str], kind: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Renames the command line applies as the Data page proposes them, and the ambiguous ones.

    A header is renamed only when it is the one header that means its contract column; when
    two or more headers could mean one column (Мероприятие and event_id), that column is
    returned with its headers, and none of them is renamed.
    """
    lookup = _lookup(kind)
    wanted: dict[str, list[str]] = {}
    for header in headers:
        if header.strip().startswith("_") or is_identifying(header, kind):
            continue
        column = lookup.get(_fold(header))
        if column:
            wanted.setdefault(column, []).append(header)
    renames = {hs[0]: c for c, hs in wanted.items() if len(hs) == 1 and _fold(hs[0]) != _fold(c)}
    return renames, {c: hs for c, hs in wanted.items() if len(hs) > 1}


def ambiguity(target: str, headers: list[str]) -> str:
    """The sentence for headers that could each be one contract column."""
    shown = ", ".join(f"'{' '.join(h.split())}'" for h in headers)
    # Translators: {columns} lists a file's headers ('Мероприятие', 'event_id'); {column} is
    # the contract's column name (event_id), kept as written.
    return _("the columns {columns} could each be {column}; rename or remove all but one.").format(
        columns=shown, column=target
    )


def identifying(headers: list[str], kind: str) -> list[str]:
    """The headers that hold people's names or contact details: dropped, never stored."""
    return [h for h in headers if is_identifying(h, kind)]


def refused(mapping: dict[str, str], kind: str) -> tuple[list[str], str]:
    """Identifying headers mapped to a contract column, and why that is refused ('' if none).

    A column of names mapped to participant_id would store and export every name, so the
    Data page offers no commit while this returns any header.
    """
    headers = [h for h, target in mapping.items() if target != IGNORE and is_identifying(h, kind)]
    if not headers:
        return [], ""
    # Translators: a file's header and the contract column it was mapped to: 'ФИО' (mapped to
    # participant_id).
    what = ", ".join(
        _("'{header}' (mapped to {column})").format(header=h, column=mapping[h]) for h in headers
    )
    # Translators: {columns} lists headers as "'ФИО' (mapped to participant_id)"; {reason} is
    # a sentence on why names must not become IDs; {ignore} is the option "(ignore)".
    sentence = n_(
        "{columns} holds people's names or contact details and cannot be mapped to a contract "
        "column. {reason} Set it to {ignore}: columns with names or contact details are dropped "
        "and not stored.",
        "{columns} hold people's names or contact details and cannot be mapped to a contract "
        "column. {reason} Set them to {ignore}: columns with names or contact details are "
        "dropped and not stored.",
        len(headers),
    )
    return headers, sentence.format(columns=what, reason=_(IDENTIFYING_REASON), ignore=_(IGNORE))


def needs_mapping(headers: list[str], kind: str) -> bool:
    """False when the headers already use the contract's names for every required column."""
    have = {_fold(h) for h in headers}
    # Names, phones, e-mails or UIC codes stand in for participant_id: linking gives it.
    linked = kind == "participants" and bool(idcolumns.roles(headers))
    required = [c for c in SPECS[kind].required if not (linked and c == "participant_id")]
    return any(_fold(c) not in have for c in required)


def renames(mapping: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """(header, new name) pairs for the reader; ignored headers become '_' metadata."""
    pairs = []
    for header, target in mapping.items():
        new = f"_{header.strip()}" if target == IGNORE else target
        if _fold(new) != _fold(header):
            pairs.append((header, new))
    return tuple(pairs)


def save(con: duckdb.DuckDBPyConnection, name: str, kind: str, mapping: dict[str, str]) -> None:
    """Keep a mapping in the store under a name, for the next file from the same tool."""
    con.execute(
        "insert or replace into mappings values ($name, $kind, $mapping, now())",
        {"name": name, "kind": kind, "mapping": json.dumps(mapping, ensure_ascii=False)},
    )


def saved(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, dict[str, str]]:
    """The mappings saved for one kind of file, by name."""
    if not sqlfiles.has_table(con, "mappings"):
        return {}
    rows = con.execute(
        "select name, mapping from mappings where kind = $kind order by name", {"kind": kind}
    ).fetchall()
    return {name: json.loads(text) for name, text in rows}


def apply_saved(headers: list[str], kind: str, mapping: dict[str, str]) -> dict[str, str]:
    """A saved mapping applied to this file's headers (new headers get a fresh proposal)."""
    fresh = propose(headers, kind)
    return {h: mapping.get(h, fresh[h]) for h in headers}


def option_label(column: str) -> str:
    """A choice of the mapping as a person reads it: a contract column as written, IGNORE in
    the active language."""
    return _(IGNORE) if column == IGNORE else column


def as_frame(mapping: dict[str, str]) -> pd.DataFrame:
    """The mapping as an editable table."""
    return pd.DataFrame({"column in file": list(mapping), "maps to": list(mapping.values())})
