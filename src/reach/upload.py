"""Uploaded files, before they are loaded: size, type, sheet, headers and column mapping."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import excel, i18n, limits, mapping, read, scratch
from .i18n import N_, _
from .read import InputError
from .validate import Source

KINDS = ("events", "participants", "countries", "targets")

# Offered by the upload widget so that these get Reach's own sentence, not a generic refusal.
UNREAD = {
    # Translators: {name} is the uploaded file's name.
    ".xlsm": N_(
        "{name}: is a macro-enabled workbook (.xlsm); Reach does not read those. In Excel, "
        "save it as an Excel workbook (.xlsx) or as CSV (UTF-8) and upload that."
    ),
    # Translators: {name} is the uploaded file's name.
    ".xls": N_(
        "{name}: is an Excel 97-2003 workbook (.xls); Reach does not read those. In Excel, "
        "save it as an Excel workbook (.xlsx) or as CSV (UTF-8) and upload that."
    ),
}
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", *(ext.lstrip(".") for ext in UNREAD)]


def max_upload_mb() -> int:
    """The size limit for one uploaded file: $REACH_MAX_UPLOAD_MB, default 50."""
    return limits.current().upload_mb


@dataclass
class Upload:
    """One uploaded file, read far enough to map its columns; `error` if it cannot be used."""

    kind: str
    name: str
    size: int
    sha256: str
    csv: bytes = b""
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    proposal: dict[str, str] = field(default_factory=dict)
    needs_mapping: bool = False
    error: str | None = None

    def source(self, chosen: dict[str, str] | None = None) -> Source:
        """The file as the validator reads it, with the chosen column mapping applied."""
        return Source(self.name, self.csv, rename=mapping.renames(chosen or self.proposal))


def open_upload(kind: str, name: str, data: bytes, sheet: str | None = None) -> Upload:
    """Check one uploaded file and read its header; never raises for bad input."""
    up = Upload(kind, name, len(data), hashlib.sha256(data).hexdigest())
    limit = max_upload_mb()
    if len(data) > limit * 1024 * 1024:
        up.error = _(
            "{name}: is {size} MB, over the {limit} MB limit for one file. Split it, or ask the "
            "administrator to raise REACH_MAX_UPLOAD_MB."
        ).format(name=name, size=i18n.number(len(data) / 1024 / 1024, 1), limit=i18n.number(limit))
        return up
    refusal = UNREAD.get(Path(name).suffix.lower())
    if refusal:
        up.error = _(refusal).format(name=name)
        return up
    try:
        if excel.is_workbook(data):
            up.sheets, up.sheet, up.csv = excel.read_sheet(data, name, prefer=sheet)
        else:
            up.csv = data
        with scratch.workspace("upload-") as tmp:
            text = read.prepare(up.csv, name, tmp)
        up.headers = [h.strip() for h in text.header]
    except InputError as exc:
        up.error = str(exc)
        return up
    up.proposal = mapping.propose(up.headers, kind)
    up.needs_mapping = mapping.needs_mapping(up.headers, kind)
    return up
