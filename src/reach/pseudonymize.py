"""`python -m reach pseudonymize IN.csv --out OUT.csv [--db PATH]`: names out, IDs in.

An analyst's named attendance list becomes the same rows in the same order, with the columns
that say who a person is (names, phone, e-mail, UIC) removed and a participant_id added. Rows of
one person get one ID, and a person the store already knows gets their stored ID (reach.people,
on keyed encodings only); the store is not changed. The analyst can keep the ID in their own
spreadsheet and delete the names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import idcolumns, linkkey, mapping, people, read, store
from .contract import identifying_key
from .export import safe_csv
from .i18n import _

role = idcolumns.role  # the role of one header (kept here for the command's callers and tests)


class PseudonymizeError(ValueError):
    """A sentence for the analyst: the file cannot be pseudonymised as it is."""


def _names(header: list[str], name: str) -> list[str]:
    """The header as linking reads it: the Data page's synonyms applied (Пол → gender)."""
    renames, ambiguous = mapping.automatic(header, "participants")
    for target, headers in ambiguous.items():
        # Translators: {name} is a file name; {problem} a sentence about its header row.
        problem = _("{name} row 1: {problem}")
        raise PseudonymizeError(
            problem.format(name=name, problem=mapping.ambiguity(target, headers))
        )
    return [renames.get(h, identifying_key(h).replace(" ", "_")) for h in header]


def pseudonymize(
    data: bytes, name: str, key: bytes, db: Path | None = None
) -> tuple[bytes, dict[str, int]]:
    """The file's rows in order, identifying columns removed, participant_id filled in."""
    rows = read.records(data, name)
    if not rows:
        # Translators: {name} is the file's name.
        raise PseudonymizeError(_("{name}: is empty.").format(name=name))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    names = _names(header, name)
    found_roles = {i: idcolumns.role(h) for i, h in enumerate(header)}
    linkable = idcolumns.roles(header)
    if not linkable:
        raise PseudonymizeError(
            # Translators: {name} is the file's name; UIC: the unique identification code (УИК).
            _("{name}: has no column of names, phones, e-mails or UIC codes to replace.").format(
                name=name
            )
        )
    fields = people.row_fields(body, names, linkable)
    kept, taken = [], set()
    if db is not None:
        with store.connect(db, read_only=True) as con:  # read only: the store is not changed
            kept, taken = people.stored(con), people.known_ids(con)
    found = people.assign(key, fields, kept, taken)
    own = names.index("participant_id") if "participant_id" in names else None
    out_columns = [i for i in range(len(header)) if not found_roles[i]]
    columns = [header[i] for i in out_columns]
    lines = []
    for n, cells in enumerate(body):
        values = [cells[i] if i < len(cells) else "" for i in out_columns]
        pid = found.ids[n] or ""
        if own is None:
            lines.append([pid, *values])
        else:  # the file's own participant_id column is kept, its blank cells filled in
            at = out_columns.index(own)
            values[at] = values[at].strip() or pid
            lines.append(values)
    head = columns if own is not None else ["participant_id", *columns]
    frame = pd.DataFrame(lines, columns=head)
    counts = {
        "rows": len(body),
        "people": len({pid for pid in found.ids if pid}),
        "matched": found.matched,
        "new_people": found.new_people,
        "review_pairs": len(found.review),
        "columns_removed": sum(1 for r in found_roles.values() if r),
    }
    return safe_csv(frame), counts


def run(in_path: Path, out_path: Path, db: Path | None = None) -> dict[str, int]:
    """Pseudonymise IN.csv into OUT.csv with the linkage key ($REACH_KEY_FILE)."""
    if out_path.exists():
        raise PseudonymizeError(
            # Translators: {name} is a file name; --out is the command's option, as written.
            _("{name}: already exists; choose another --out.").format(name=out_path.name)
        )
    if db is not None and not db.is_file():
        raise PseudonymizeError(
            # Translators: {path} is where the user said Reach's store (database) is.
            _("{path}: there is no store here to link against.").format(path=db)
        )
    data, counts = pseudonymize(in_path.read_bytes(), in_path.name, linkkey.load_or_create(), db)
    out_path.write_bytes(data)
    return counts
