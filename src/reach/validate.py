"""Validation: stage the input files in DuckDB and report every problem at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import (
    ages,
    i18n,
    idcolumns,
    labels,
    linkkey,
    mapping,
    normalize,
    people,
    read,
    review,
    scratch,
    sqlfiles,
)
from .contract import (
    EVENT_TYPES,
    IDENTIFYING_REASON,
    INDICATORS,
    ROLES,
    SPECS,
    FileSpec,
    is_identifying,
)  # fmt: skip
from .i18n import N_, _, n_, p_
from .read import InputError
from .sqlfiles import quote_ident

ERROR, WARNING = "error", "warning"

WARNING_CODES = {
    "unknown_columns",
    "unknown_gender",
    "gender_conflict",
    "headcount_and_rows",
    "unknown_participant_country",
    "duplicate_attendance",
    "identifying_column_dropped",
    "identifying_column_linked",
    "linkage_key_changed",
    "mixed_script_id",
    "lookalike_id",
    "unknown_target_program",
}


@dataclass(frozen=True)
class Source:
    """One input file: the name to report it by, its bytes (an upload), or its path on disk."""

    name: str
    data: bytes = b""
    path: Path | None = None
    # (header in the file, contract name) pairs from a column mapping.
    rename: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_path(cls, path: Path) -> Source:
        """A file on disk, read when it is needed: a load streams it rather than hold it."""
        return cls(path.name, b"", path)

    def read(self) -> bytes:
        """The file's bytes, whole."""
        if self.data or self.path is None:
            return self.data
        return self.path.read_bytes()

    def digest(self) -> tuple[int, str]:
        """The file's size and SHA-256, read in chunks from disk when it is there."""
        if self.data or self.path is None:
            return len(self.data), hashlib.sha256(self.data).hexdigest()
        sha = hashlib.sha256()
        size = 0
        with self.path.open("rb") as f:
            while chunk := f.read(read.CHUNK):
                sha.update(chunk)
                size += len(chunk)
        return size, sha.hexdigest()


@dataclass(frozen=True)
class Issue:
    """One problem, possibly on many rows: rows lists the first of them."""

    severity: str
    file: str
    code: str
    message: str
    column: str | None = None
    value: str | None = None
    count: int = 1
    rows: tuple[int, ...] = ()

    def where(self) -> str:
        """'events.csv row 5, column start_date' style location, in the active language."""
        # Row numbers are written as the spreadsheet shows them (no thousands separator).
        if self.rows and self.column:
            # Translators: where a problem is: a file name, a row number (the header is row 1)
            # and a column name as written in the file.
            return _("{file} row {row}, column {column}").format(
                file=self.file, row=self.rows[0], column=self.column
            )
        if self.rows:
            # Translators: where a problem is: a file name and a row number (the header is row 1).
            return _("{file} row {row}").format(file=self.file, row=self.rows[0])
        if self.column:
            # Translators: where a problem is: a file name and a column name as written in it.
            return _("{file}, column {column}").format(file=self.file, column=self.column)
        return self.file

    def row_list(self) -> str:
        """'in 120 rows: 2, 5, 9, …' for grouped problems, '' for single ones."""
        if self.count <= 1:
            return ""
        shown = ", ".join(str(r) for r in self.rows[:10])
        more = ", …" if self.count > 10 else ""
        # Translators: after a problem found on many rows: how many, then the first row numbers
        # ("2, 5, 9, …").
        text = n_("(in {count} row: {rows})", "(in {count} rows: {rows})", self.count)
        return " " + text.format(count=self.count, rows=f"{shown}{more}")


@dataclass
class Report:
    """All problems found in one set of files."""

    issues: list[Issue] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    # Named participants files: what linking did (IDs in memory, encodings, review pairs).
    linking: dict[str, people.Assignment] = field(default_factory=dict)
    key_check: str | None = None  # the linkage key's fingerprint, kept with a named load

    @property
    def errors(self) -> list[Issue]:
        """Problems that refuse the data."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Problems that let the data load."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks a load."""
        return not self.errors

    def add(self, issue: Issue) -> None:
        """Record one more problem."""
        self.issues.append(issue)

    def to_text(self) -> str:
        """A readable report, errors first, in the active language."""
        labels = line_labels()
        # Labels are padded to one width (7 in English); "LINKED" counts only where it is used.
        used = [ERROR, WARNING, "linked"] if self.linking else [ERROR, WARNING]
        width = max(len(labels[k]) for k in used)
        lines = [
            linking_line(name, found, width, labels["linked"])
            for name, found in self.linking.items()
        ]
        for issue in self.errors + self.warnings:
            label = labels[issue.severity].ljust(width)
            lines.append(f"{label} {issue.where()}: {issue.message}{issue.row_list()}")
        n_err, n_warn = len(self.errors), len(self.warnings)
        # Translators: the count of errors in a validation report; English keeps "(s)" in both
        # forms, translations use the form that agrees with the number.
        errors = n_("{n} error(s)", "{n} error(s)", n_err).format(n=n_err)
        # Translators: the count of warnings in a validation report (see "{n} error(s)").
        warnings = n_("{n} warning(s)", "{n} warning(s)", n_warn).format(n=n_warn)
        if self.ok:
            # Translators: the last line of a validation report: "2 errors, 1 warning: …".
            verdict = _("{errors}, {warnings}: the data can be loaded.")
        else:
            # Translators: the last line of a validation report: "2 errors, 1 warning: …".
            verdict = _("{errors}, {warnings}: the data is refused.")
        lines.append(verdict.format(errors=errors, warnings=warnings))
        return "\n".join(lines)

    def to_display(self) -> pd.DataFrame:
        """to_frame() for people: column titles and severities in the active language.

        to_frame() keeps its English column names and severity codes (a CSV's header, read by
        scripts); this is the table a page shows.
        """
        frame = self.to_frame()
        frame["severity"] = frame["severity"].map(lambda s: _(SEVERITY_WORDS.get(s, s)))
        return frame.rename(columns={k: _(v) for k, v in FRAME_TITLES.items()})

    def to_frame(self) -> pd.DataFrame:
        """One row per problem: severity, file, row, column, value, count, message."""
        return pd.DataFrame(
            [
                {
                    "severity": i.severity,
                    "file": i.file,
                    "row": i.rows[0] if i.rows else None,
                    "column": i.column,
                    "value": i.value,
                    "count": i.count,
                    "rows": ", ".join(str(r) for r in i.rows),
                    "message": i.message,
                }
                for i in self.issues
            ],
            columns=["severity", "file", "row", "column", "value", "count", "rows", "message"],
        )


# What a page's table of problems calls its columns and severities (to_display()).
FRAME_TITLES = {
    "severity": N_("severity"),
    "file": N_("file"),
    "row": N_("row"),
    "column": N_("column"),
    "value": N_("value"),
    "count": N_("count"),
    "rows": N_("rows"),
    "message": N_("message"),
}
SEVERITY_WORDS = {ERROR: N_("error"), WARNING: N_("warning")}


def line_labels() -> dict[str, str]:
    """The words that start a report's lines, in the active language."""
    return {
        # Translators: starts a line of a validation report (command line); upper case there.
        ERROR: _("ERROR"),
        # Translators: starts a line of a validation report (command line); upper case there.
        WARNING: _("WARNING"),
        # Translators: starts a line of a validation report on a list of people linked by name.
        "linked": _("LINKED"),
    }


def linking_line(
    name: str, found: people.Assignment, width: int = 7, label: str | None = None
) -> str:
    """One line on what linking a named file did (counts only, never a name).

    width: the width the line's label is padded to, as the report's other labels are.
    """
    # Translators: counts only. Russian, Kazakh and Kyrgyz may write "label: number" pairs so
    # that no noun has to agree with a number.
    text = _(
        "{file}: {rows} named rows: {matched} matched people already stored, {new_rows} rows "
        "are {new_people} new people, new pairs to review: {pairs}."
    ).format(
        file=name,
        rows=i18n.number(found.rows),
        matched=i18n.number(found.matched),
        new_rows=i18n.number(found.new_rows),
        new_people=i18n.number(found.new_people),
        pairs=i18n.number(len(found.review)),
    )
    return f"{(label or _('LINKED')).ljust(width)} {text}"


# The message of each problem code; {value} is the value as written in the file (never one
# that could identify a person: see _shown), {column} a contract column name.
# Translators: in these messages, column names (event_id, start_date…), file names
# (countries.csv), codes (female, male, other, people_reached) and the formats (YYYY-MM-DD)
# are written as the files spell them: keep them as they are.
_MESSAGES = {
    "missing_value": N_("{column} is required but blank."),
    # Never echo the value: it may be a person's name.
    # Translators: {reason} is the sentence "Names must never become IDs: …".
    "name_like_id": N_(
        "{column} looks like a person's name (two or more words of letters, or Cyrillic words "
        "with spaces); the value is not shown. {reason}"
    ),
    "duplicate_event_id": N_("event_id '{value}' is used by more than one event."),
    # Translators: {types} lists the event type codes: training, workshop, … (kept in English).
    "unknown_event_type": N_("unknown event type '{value}'; use one of {types}."),
    "reserved_program": N_(
        "the program name '{value}' is reserved by Reach (it means all programs, or events "
        "without a program); choose another name."
    ),
    "bad_date": N_("'{value}' is not a date; use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY."),
    "end_before_start": N_("end_date '{value}' is before start_date."),
    "unknown_country": N_(
        "unknown country '{value}'; use an ISO 3166-1 code (KAZ or KZ) or an English name, or "
        "add the code to countries.csv."
    ),
    "not_whole_number": N_("'{value}' is not a whole number."),
    "negative_number": N_("'{value}' is negative; counts cannot be below zero."),
    # Translators: {value} is the number in reported_participants.
    "split_above_total": N_(
        "reported_female + reported_male is more than reported_participants ({value})."
    ),
    "unknown_parent": N_("parent_event_id '{value}' is not an event in the data."),
    "parent_cycle": N_(
        "parent_event_id '{value}' leads back to this event: the cascade forms a cycle."
    ),
    "headcount_and_rows": N_(
        "event '{value}' has both reported_participants and an attendance list; the list is "
        "counted and the headcount ignored."
    ),
    "unknown_event": N_("unknown event_id '{value}': it is not in events."),
    # Translators: {roles} lists the role codes: participant, trainer, … (kept in English).
    "unknown_role": N_("unknown role '{value}'; use one of {roles}."),
    # Translators: {year} is the current year; 1900..{year} is the range of years allowed.
    "birth_year_out_of_range": N_("birth_year '{value}' is outside 1900..{year}."),
    "unknown_gender": N_("unrecognised gender '{value}'; stored as undisclosed."),
    "unknown_participant_country": N_("unknown country '{value}'; stored blank."),
    # Translators: {value} reads "P001 at E01 as participant" (ID, event ID and role code).
    "duplicate_attendance": N_("{value} is listed more than once; counted once."),
    "gender_conflict": N_(
        "participant '{value}' has different genders in different rows; the latest disclosed "
        "one is used."
    ),
    "bad_country_code": N_("'{value}' is neither an ISO 3166-1 country nor a three-letter code."),
    "duplicate_country_code": N_("country '{value}' is listed more than once."),
    "mixed_script_id": N_(
        "{column} '{value}' mixes Latin and Cyrillic letters, which look alike: check that it "
        "is typed the same way in every list."
    ),
    # Translators: {indicators} lists the indicator codes: people_reached, … (kept in English).
    "unknown_indicator": N_("unknown indicator '{value}'; use one of {indicators}."),
    "bad_period": N_(
        "'{value}' is not a period; use YYYY (2025), YYYY-Qn (2025-Q3) or YYYY-MM..YYYY-MM "
        "(2025-04..2026-03)."
    ),
    "target_not_positive": N_("the target '{value}' must be a whole number above 0."),
    # Translators: female, male and other are the codes a targets file uses: keep them.
    "unknown_target_gender": N_(
        "unknown gender '{value}' for a target; use female, male or other (any spelling the "
        "participants file accepts), or leave it blank."
    ),
    # Translators: {bands} lists the age bands: 15-17, 18-24, …
    "unknown_age_band": N_("unknown age band '{value}'; use one of {bands}."),
    # Translators: {value} is an indicator code; people_reached and female_reached are too.
    "split_not_people": N_(
        "a target of '{value}' cannot be split by gender or age band; only people_reached can "
        "(female_reached is people_reached for women)."
    ),
    # Translators: {value} is the period as written in the file: 2025, 2025-Q3, ….
    "duplicate_target": N_(
        "the target for this program, indicator and period '{value}' (and the same gender, age "
        "band and country) is given more than once."
    ),
    "unknown_target_program": N_(
        "no events of program '{value}' are stored or in this upload yet; the target is kept "
        "and shows 0 until they are."
    ),
    # Translators: {value} lists the IDs that look alike.
    "lookalike_id": N_(
        "the IDs {value} look the same but are written with different letters (Latin and "
        "Cyrillic), so they count as different people; spell each person's ID one way."
    ),
}


def _accepted(kind: str, codes: tuple[str, ...]) -> str:
    """The values a column accepts, as a reader of the active language would write them: the
    codes in English ("training, step_down"), the names elsewhere ("тренинг, каскадный
    тренинг"), which are read as well."""
    if i18n.active() == i18n.DEFAULT:
        return ", ".join(codes)
    return ", ".join(labels.label(kind, c).lower() for c in codes)


def _message(code: str, column: str | None, value: str | None) -> str:
    """The message of a problem code, in the active language."""
    return _(_MESSAGES[code]).format(
        column=column,
        value=value,
        year=dt.date.today().year,
        types=_accepted("event_type", EVENT_TYPES),
        roles=_accepted("role", ROLES),
        indicators=", ".join(INDICATORS),
        bands=", ".join(ages.BANDS.labels),
        reason=_(IDENTIFYING_REASON),
    )


def _read(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    source: Source | None,
    workdir: Path,
    report: Report,
    key: bytes | None = None,
) -> bool:
    """Load one file into raw_<kind>; return False if it could not be read at all.

    key: the linkage key for a participants file with names (None: $REACH_KEY_FILE).
    """
    spec: FileSpec = SPECS[kind]
    table = f"raw_{kind}"
    name = source.name if source else spec.name
    present: list[str] = []
    linked: dict[int, str] = {}
    loaded = False
    readable = True
    if source is not None:
        try:
            # A file on disk that DuckDB can read as it is never enters Python whole.
            streamed = None
            if source.path is not None and not source.data:
                streamed = read.prepare_file(source.path, source.name)
            csv_text = streamed or read.prepare(source.read(), source.name, workdir, source.path)
            rename = dict(source.rename) or _synonyms(csv_text.header, kind, name, report)
            # Names and contact details never enter a table: their cells are not even read.
            drop = [i for i, h in enumerate(csv_text.header) if is_identifying(h, kind)]
            present = read.load_raw(con, csv_text, table, rename, drop)
            loaded = True
            report.files[kind] = csv_text.encoding
            linked = idcolumns.roles(csv_text.header) if kind == "participants" else {}
            _identifying_issues(csv_text, rename, drop, spec, name, report, linked)
            if linked and present and _link(con, csv_text, rename, linked, name, report, key):
                present = list(dict.fromkeys([*present, "participant_id"]))
            if kind == "events" and not csv_text.has_rows:
                # Translators: follows a file name: "events.csv row 1: has a header …".
                message = _("has a header but no events.")
                report.add(Issue(ERROR, name, "header_only", message, rows=(1,)))
        except InputError as exc:
            row = (exc.row,) if exc.row else ()
            report.add(
                Issue(ERROR, exc.file, "unreadable", exc.message, column=exc.column, rows=row)
            )
            readable = False
    if not present:
        cols = ", ".join(f"null::varchar as {quote_ident(c)}" for c in spec.columns)
        con.execute(f"create or replace temp table {table} as select {cols} where false")
        if not loaded:
            return readable
    # Translators: no columns found in a file, in "(columns found: none)".
    found = ", ".join(present) or p_("columns found", "none")
    for col in spec.required:
        # Names, phones, e-mails or UIC codes stand in for participant_id: linking gives it.
        if col not in present and not (col == "participant_id" and linked):
            # Translators: {found} lists the file's column names, or reads "none".
            message = _("the required column '{column}' is missing (columns found: {found}).")
            report.add(
                Issue(
                    ERROR, name, "missing_column", message.format(column=col, found=found),
                    column=col, rows=(1,),
                )
            )  # fmt: skip
    # "_"-prefixed columns are survey-tool metadata or ones the analyst chose to ignore.
    unknown = [c for c in present if c not in spec.columns and not c.startswith("_")]
    if unknown:
        # One column or a list of them: the sentence's grammar, not a count, so no plural forms.
        if len(unknown) == 1:
            # Translators: {columns} is ONE column name as written in the file.
            message = p_("one column", "unknown column(s) ignored: {columns}.")
        else:
            # Translators: {columns} lists column names as written in the file.
            message = p_("several columns", "unknown column(s) ignored: {columns}.")
        report.add(
            Issue(
                WARNING, name, "unknown_columns", message.format(columns=", ".join(unknown)),
                rows=(1,),
            )
        )  # fmt: skip
    for col in spec.columns:
        if col not in present:
            con.execute(f"alter table {table} add column if not exists {quote_ident(col)} varchar")
    return readable


def _synonyms(header: list[str], kind: str, name: str, report: Report) -> dict[str, str]:
    """The Data page's header synonyms (Мероприятие → event_id), where each is one-to-one."""
    renames, ambiguous = mapping.automatic(header, kind)
    for target, headers in ambiguous.items():
        report.add(
            Issue(
                ERROR, name, "ambiguous_header", mapping.ambiguity(target, headers),
                column=" ".join(headers[-1].split()), rows=(1,),
            )
        )  # fmt: skip
    return renames


def _link(
    con: duckdb.DuckDBPyConnection,
    csv_text: read.CsvText,
    rename: dict[str, str],
    roles: dict[int, str],
    name: str,
    report: Report,
    key: bytes | None,
) -> bool:
    """Link a named file's rows to people and write their IDs into raw_participants."""
    try:
        key = key if key is not None else linkkey.load_or_create()
    except linkkey.KeyFileError as exc:
        report.add(Issue(ERROR, name, "linkage_key", str(exc)))
        return False
    check = people.key_check(key)
    kept = sqlfiles.has_table(con, "meta") and sqlfiles.scalar(
        con, "select value from meta where key = 'link_key_check'"
    )
    other_key = bool(kept) and kept != check
    if other_key:
        report.add(
            Issue(
                WARNING, name, "linkage_key_changed",
                _("the linkage key is not the one earlier lists were linked with (was "
                  "REACH_KEY_FILE changed or the key lost?), so these rows cannot be matched to "
                  "people already stored: each counts as a new person. Put the original key "
                  "back and load again to link them."),
            )
        )  # fmt: skip
    names = read.header_names(csv_text, rename)
    rows = people.read_rows(csv_text.path, csv_text.delimiter, names, roles)
    # With another key the kept encodings match nothing: linking within the file is all.
    stored = [] if other_key else people.stored(con)
    seen = {} if other_key else people.seen_at(con, rows)
    found = people.assign(key, rows, stored, people.known_ids(con), seen)
    del rows  # the names: in memory for this call only
    found.review = people.unknown_pairs(con, found.review)
    people.write_ids(con, "raw_participants", found)
    report.linking[name] = found
    report.key_check = check
    return True


def _identifying_issues(
    csv_text: read.CsvText,
    rename: dict[str, str],
    drop: list[int],
    spec: FileSpec,
    name: str,
    report: Report,
    linked: dict[int, str],
) -> None:
    """One issue per dropped column of names or contact details, by its header only."""
    names = read.header_names(csv_text, rename)
    for i in drop:
        header = " ".join(csv_text.header[i].split())
        if i in linked and names[i] not in spec.columns:
            report.add(
                Issue(
                    WARNING, name, "identifying_column_linked",
                    _("this column was used to link rows to people, through keyed encodings "
                      "only; the column itself is not stored."),
                    column=header, rows=(1,),
                )
            )  # fmt: skip
        elif names[i] in spec.columns:
            report.add(
                Issue(
                    ERROR, name, "identifying_column_mapped",
                    # Translators: {column} is the contract column it was mapped to
                    # (participant_id…); {reason} is "Names must never become IDs: …".
                    _("this column holds people's names or contact details and cannot be "
                      "{column}. {reason} The column was dropped and not stored.")
                    .format(column=names[i], reason=_(IDENTIFYING_REASON)),
                    column=header, rows=(1,),
                )
            )  # fmt: skip
        else:
            report.add(
                Issue(
                    WARNING, name, "identifying_column_dropped",
                    _("this column holds people's names or contact details: it was dropped "
                      "and is not stored."),
                    column=header, rows=(1,),
                )
            )  # fmt: skip


def _context_views(con: duckdb.DuckDBPyConnection, merge: bool) -> None:
    """Views of what the store would hold after the load, for cross-file checks."""
    known = """
        select spelling, country_code from country_spelling
        union select lower(country_code), country_code from stg_countries
        where country_code is not null
    """
    if merge and sqlfiles.has_table(con, "events"):
        known += " union select lower(country_code), country_code from main.countries"
    con.execute(f"create or replace temp view known_countries as {known}")


def _event_views(con: duckdb.DuckDBPyConnection, merge: bool) -> None:
    merge = merge and sqlfiles.has_table(con, "events")
    staged = "select event_id, parent_event_id from stg_events where event_id is not null"
    attending = (
        "select distinct event_id from stg_participants "
        "where role = 'participant' and event_id is not null"
    )
    if merge:
        staged += (
            " union all select event_id, parent_event_id from main.events "
            "where event_id not in (select event_id from stg_events where event_id is not null)"
        )
        attending += (
            " union select distinct event_id from main.participants where role = 'participant' "
            "and event_id not in (select event_id from stg_participants "
            "where event_id is not null)"
        )
    con.execute(f"create or replace temp view all_events as {staged}")
    # The events whose chains a cycle could run through: a merge's trees (touched_roots.sql),
    # not every stored event.
    if merge:
        sqlfiles.materialize(con, "_touched_roots", "touched_roots")
        chains = (
            "select * from all_events where event_id in "
            "(select event_id from stg_events where event_id is not null) "
            "or event_id in (select event_id from main.events where root_event_id is null "
            "or root_event_id in (select root_event_id from temp._touched_roots))"
        )
    else:
        chains = "select * from all_events"
    con.execute(f"create or replace temp view chain_events as {chains}")
    con.execute(f"create or replace temp view attendance_events as {attending}")
    programs = "select program from stg_events where program is not null"
    if merge:
        programs += " union select program from main.events where program is not null"
    con.execute(f"create or replace temp view all_programs as {programs}")
    # Everyone the store would list after the load, for look-alike IDs across loads.
    people = "select participant_id from stg_participants"
    if merge:
        people += (
            " union all select participant_id from main.participants "
            "where event_id not in (select event_id from stg_participants "
            "where event_id is not null)"
        )
    con.execute(f"create or replace temp view all_people as {people}")


# A value in an attendance list that looks like contact details or a name is never echoed:
# a phone column mapped by mistake to birth_year must not put phone numbers in the report.
_PHONE_LIKE = re.compile(r"(?:\d[\s().+-]*){7,}")
_NAME_LIKE = re.compile(r"[^\W\d_]{2,}[\s,]+[^\W\d_]{2,}")


def _shown(file: str, column: str | None, value: str | None) -> str | None:
    """The value a report may show, or None when it could identify a person."""
    if value is None or file != "participants.csv" or column == "participant_id":
        return value  # participant IDs are pseudonymous codes (name-like ones never get here)
    if "@" in value or _PHONE_LIKE.search(value) or _NAME_LIKE.search(value):
        return None
    return value


def _collect(con: duckdb.DuckDBPyConnection, query: str, file: str, report: Report) -> None:
    params = {"current_year": dt.date.today().year} if query == "issues_participants" else None
    sqlfiles.materialize(con, "issue_rows", query, params)
    for code, column, raw, n, rows, _first in sqlfiles.run(con, "group_issues").fetchall():
        value = _shown(file, column, raw)
        if raw is not None and value is None:
            # Translators: stands in a report for a value that is never shown.
            value = _("(not shown: it looks like contact details or a name)")
        severity = WARNING if code in WARNING_CODES else ERROR
        report.add(
            Issue(
                severity, file, code, _message(code, column, value),
                column=column, value=value, count=n, rows=tuple(rows),
            )
        )  # fmt: skip


def stage(
    con: duckdb.DuckDBPyConnection,
    events: Source | None,
    participants: Source | None,
    countries: Source | None = None,
    targets: Source | None = None,
    merge: bool = False,
    require_events: bool = True,
    key: bytes | None = None,
) -> Report:
    """Read the files into stg_events / stg_participants / stg_countries and validate them.

    With merge=True the checks see the store's events and countries as they would be after
    the load, so an upload may refer to events that are already stored. Named rows are linked
    to the people `con` keeps (key: the linkage key; None reads $REACH_KEY_FILE).
    """
    report = Report()
    normalize.install_lookups(con)
    given = {
        "events": events, "participants": participants, "countries": countries,
        "targets": targets,
    }  # fmt: skip
    names = {kind: (src.name if src else SPECS[kind].name) for kind, src in given.items()}
    if events is None and require_events:
        # Translators: follows a file name: "events.csv: is missing.".
        report.add(Issue(ERROR, names["events"], "missing_file", _("is missing.")))
    with scratch.workspace() as workdir:
        readable = {
            "countries": _read(con, "countries", countries, workdir, report),
            "events": _read(con, "events", events, workdir, report),
            "participants": _read(con, "participants", participants, workdir, report, key),
            "targets": _read(con, "targets", targets, workdir, report),
        }
        sqlfiles.materialize(con, "stg_countries", "stage_countries")
        _context_views(con, merge)
        sqlfiles.materialize(con, "stg_events", "stage_events")
        sqlfiles.materialize(con, "stg_participants", "stage_participants")
        sqlfiles.materialize(
            con, "stg_targets", "stage_targets",
            {"indicators": list(INDICATORS), "age_bands": list(ages.BANDS.labels)},
        )  # fmt: skip
        normalize.normalise_ids(con)
        # IDs an analyst merged in review count as the person kept, in every later load too.
        review.apply_merges(con)
    _event_views(con, merge)
    normalize.install_lookalikes(con)
    missing_columns = {(i.file, i.column) for i in report.issues if i.code == "missing_column"}
    before = len(report.issues)
    _collect(con, "issues_countries", names["countries"], report)
    _collect(con, "issues_events", names["events"], report)
    _collect(con, "issues_participants", names["participants"], report)
    _collect(con, "issues_targets", names["targets"], report)
    # A missing column is reported once, not once per row; an unreadable events file would
    # make every participant row look orphaned, so those checks wait until it is fixed.
    kept = [
        i
        for i in report.issues[before:]
        if (i.file, i.column) not in missing_columns
        and not (i.code in {"unknown_event", "unknown_parent"} and not readable["events"])
    ]
    report.issues[before:] = kept
    if (
        readable["events"]
        and events is not None
        and not any(i.code in {"header_only", "unreadable"} for i in report.issues)
    ):
        if not sqlfiles.scalar(con, "select count(*) from stg_events"):
            # Translators: follows a file name: "events.csv row 1: has no events.".
            message = _("has no events.")
            report.add(Issue(ERROR, names["events"], "header_only", message, rows=(1,)))
    return report


def validate_dir(directory: Path) -> Report:
    """Validate DIR/events.csv, DIR/participants.csv and DIR/countries.csv on their own."""
    con = sqlfiles.quiet(duckdb.connect())
    try:
        # Checking links a named list within itself only, so a throwaway key will do: no key
        # file is created just to check files.
        return stage(con, *sources_in(directory), key=secrets.token_bytes(32))
    finally:
        con.close()


def sources_in(
    directory: Path,
) -> tuple[Source | None, Source | None, Source | None, Source | None]:
    """The contract files in a folder: events, participants, countries, targets (None where
    absent)."""
    found = []
    for kind in ("events", "participants", "countries", "targets"):
        path = directory / SPECS[kind].name
        found.append(Source.from_path(path) if path.is_file() else None)
    return found[0], found[1], found[2], found[3]
