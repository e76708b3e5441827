"""`python -m reach pseudonymize IN.csv --out OUT.csv`: names out, pseudonymous IDs in.

An analyst's named attendance list becomes the same rows in the same order, with the columns
that say who a person is (names, phone, e-mail, UIC) removed and a participant_id added. Rows of
the same person get the same ID (reach.link, on keyed encodings only); the store is not
changed. The analyst can keep the ID in their own spreadsheet and delete the names.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import link, linkkey, read
from .contract import identifying_key, is_identifying
from .export import safe_csv

# Which part of a person an identifying header holds (compared after identifying_key()).
# Checked in this order: "отчество" before "имя", any name that is not a part is a full name.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("patronymic", ("patronymic", "middle name", "отчеств", "әкесінің аты", "атасынын аты",
                    "otasining ismi")),
    ("last_name", ("last name", "lastname", "surname", "family name", "фамили", "тегі",
                   "familiya")),
    ("first_name", ("first name", "firstname", "given name", "имя", "ism")),
    ("phone", ("phone", "tel", "mobile", "mob", "cell", "whatsapp", "телефон", "тел", "моб",
               "сотов", "байланыс")),
    ("email", ("e mail", "email", "mail", "почт", "пошта")),
    ("uic", ("uic", "уик")),
)  # fmt: skip


class PseudonymizeError(ValueError):
    """A sentence for the analyst: the file cannot be pseudonymised as it is."""


def role(header: str) -> str | None:
    """The identifying role of a header (full_name, last_name, phone…), or None to keep it."""
    key = identifying_key(header)
    words = key.split()
    if key in ("uic", "уик"):
        return "uic"
    if not is_identifying(header, "participants"):
        return None
    for name, starts in ROLES:
        if any(key == s or key.startswith(s) or any(w.startswith(s) for w in words)
               for s in starts):  # fmt: skip
            return name
    return "full_name"


def new_ids(count: int, taken: Iterable[str] = ()) -> list[str]:
    """Fresh pseudonymous IDs (random, so they say nothing about the person or the order)."""
    used, out = set(taken), []
    while len(out) < count:
        candidate = "R" + secrets.token_hex(5).upper()
        if candidate not in used:
            used.add(candidate)
            out.append(candidate)
    return out


def pseudonymize(data: bytes, name: str, key: bytes) -> tuple[bytes, dict[str, int]]:
    """The file's rows in order, identifying columns removed, participant_id added."""
    text, _ = read._decode(data, name)
    delimiter = read._sniff_delimiter(read._first_line(text))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise PseudonymizeError(f"{name}: is empty.")
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    roles = {i: role(h) for i, h in enumerate(header)}
    if not any(roles.values()):
        raise PseudonymizeError(
            f"{name}: has no column of names, phones, e-mails or UIC codes to replace."
        )
    if any(identifying_key(h) == "participant id" for h in header):
        raise PseudonymizeError(f"{name}: already has a participant_id column.")
    encoded = []
    for n, cells in enumerate(body):
        fields: dict[str, object] = {}
        for i, value in enumerate(cells):
            r = roles.get(i)
            if r:
                fields[r] = f"{fields.get(r, '')} {value}".strip() if r == "full_name" else value
        encoded.append(link.encode_row(key, n, fields))
    result = link.link(encoded)
    ids: dict[object, str] = {}
    for cluster, pid in zip(result.clusters, new_ids(len(result.clusters)), strict=True):
        for ref in cluster:
            ids[ref] = pid
    kept = [i for i in range(len(header)) if not roles[i]]
    out = [["participant_id", *(header[i] for i in kept)]]
    for n, cells in enumerate(body):
        out.append([ids[n], *(cells[i] if i < len(cells) else "" for i in kept)])
    frame = pd.DataFrame(out[1:], columns=out[0])
    counts = {
        "rows": len(body),
        "people": len(result.clusters),
        "review_pairs": len(result.review),
        "columns_removed": sum(1 for r in roles.values() if r),
    }
    return safe_csv(frame), counts


def run(in_path: Path, out_path: Path) -> dict[str, int]:
    """Pseudonymise IN.csv into OUT.csv with the linkage key ($REACH_KEY_FILE)."""
    if out_path.exists():
        raise PseudonymizeError(f"{out_path.name}: already exists; choose another --out.")
    data, counts = pseudonymize(in_path.read_bytes(), in_path.name, linkkey.load_or_create())
    out_path.write_bytes(data)
    return counts
