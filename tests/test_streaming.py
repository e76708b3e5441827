"""A file on disk is checked in chunks and read by DuckDB in place, never held whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reach import metrics, read, store
from reach.validate import Source

from .conftest import EVENTS_HEADER, csv

EVENTS = (
    EVENTS_HEADER
    + """
E1,Школа лидеров,A,school,2024-01-10,,Алматы,KAZ,,,,
E2,Step-down,A,step_down,2024-03-01,,Шымкент,KAZ,E1,,,
"""
)
PEOPLE = """
participant_id,event_id,gender,role
Айгуль-01,E1,f,participant
p2,E1,m,participant
p3,E2,f,participant
"""


def test_a_folder_loads_without_any_file_read_whole_into_python(write_dir, monkeypatch):
    def whole(self):
        raise AssertionError(f"{self.name} was read whole")

    monkeypatch.setattr(Source, "read", whole)
    folder = write_dir(EVENTS, PEOPLE)
    con = duckdb.connect()
    files = (Source.from_path(folder / n) for n in ("events.csv", "participants.csv"))
    result = store.load(con, *files)
    assert result.applied, result.to_text()
    assert metrics.summary(con).people_reached == 3


def test_a_loads_history_names_each_file_by_its_size_and_sha256_read_in_chunks(
    write_dir, monkeypatch
):
    monkeypatch.setattr(read, "CHUNK", 5)
    folder = write_dir(EVENTS, PEOPLE)
    size, sha = Source.from_path(folder / "events.csv").digest()
    data = (folder / "events.csv").read_bytes()
    assert size == len(data)
    assert Source("events.csv", data).digest() == (size, sha)


@pytest.mark.parametrize(
    ("why", "content"),
    [
        ("a byte-order mark", "\ufeff" + csv(PEOPLE)),
        ("a blank line between rows", csv(PEOPLE).replace("p2,", "\np2,")),
        ("a blank line in CRLF", csv(PEOPLE).replace("\n", "\r\n").replace("p2,", "\r\np2,")),
        ("an odd number of quotes", csv(PEOPLE).replace("p2,", '"p2,')),
        ("Windows-1251", csv(PEOPLE).encode("cp1251")),
        ("UTF-16", csv(PEOPLE).encode("utf-16")),
        ("nothing but spaces", "   \n"),
    ],
)
def test_a_file_that_needs_the_whole_text_is_left_to_prepare(tmp_path, why, content):
    path = tmp_path / "participants.csv"
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    path.write_bytes(data)
    assert read.prepare_file(path, path.name) is None, why


def test_the_chunked_checks_see_across_chunk_boundaries(tmp_path, monkeypatch):
    # A 16-byte head and 3-byte chunks: Cyrillic letters (2 bytes each) and "\n\n" are cut.
    monkeypatch.setattr(read, "HEAD", 16)
    monkeypatch.setattr(read, "CHUNK", 3)
    path = tmp_path / "participants.csv"
    text = "participant_id,event_id\nАйгуль,E1\nБолат,E2\n"
    path.write_text(text, encoding="utf-8")
    assert read.prepare_file(path, path.name) is None  # the header goes past a 16-byte head
    monkeypatch.setattr(read, "HEAD", 40)
    found = read.prepare_file(path, path.name)
    assert found is not None
    assert (found.header, found.delimiter, found.has_rows) == (
        ["participant_id", "event_id"],
        ",",
        True,
    )
    path.write_text(text + "\nВера,E3\n", encoding="utf-8")  # a blank line, past the head
    assert read.prepare_file(path, path.name) is None
    path.write_bytes(text.encode("utf-8") + b"\xd0")  # a cut character at the very end
    assert read.prepare_file(path, path.name) is None


def test_a_character_cut_short_before_an_ascii_chunk_is_not_taken_for_utf8(tmp_path, monkeypatch):
    # ASCII chunks are not decoded, unless a character was cut short just before them: here
    # \xd0 (a Cyrillic letter's first byte) is followed by "ab," and only then by \x90, its
    # missing half. Decoded apart, the two halves would pass for "А".
    head = b"participant_id,event_id\np1,E1\n"
    monkeypatch.setattr(read, "HEAD", len(head))
    monkeypatch.setattr(read, "CHUNK", 3)
    path = tmp_path / "participants.csv"
    path.write_bytes(head + b"pq\xd0" + b"ab," + b"\x90\n")
    assert read.prepare_file(path, path.name) is None
    path.write_bytes(head + b"pq\xd0" + b"\x90b," + b"E2\n")  # the same letter, whole
    assert read.prepare_file(path, path.name) is not None


def test_a_file_with_more_lines_than_rows_allowed_is_left_to_prepare(tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_MAX_ROWS", "2")
    path = tmp_path / "participants.csv"
    path.write_text(csv(PEOPLE), encoding="utf-8")  # three rows
    assert read.prepare_file(path, path.name) is None
    with pytest.raises(read.InputError, match="more than 2 rows"):
        read.prepare(path.read_bytes(), path.name, tmp_path, path)


def test_a_header_too_wide_is_refused_in_chunks_as_in_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_MAX_COLUMNS", "3")
    path = tmp_path / "events.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(read.InputError) as chunked:
        read.prepare_file(path, path.name)
    with pytest.raises(read.InputError) as whole:
        read.prepare(path.read_bytes(), path.name, tmp_path, path)
    assert str(chunked.value) == str(whole.value)


def test_only_the_head_is_decoded_for_the_header(tmp_path: Path):
    path = tmp_path / "participants.csv"
    path.write_text(csv(PEOPLE), encoding="utf-8")
    found = read.prepare_file(path, path.name)
    assert found is not None and found.path == path and found.encoding == "utf-8"
    assert found.header == ["participant_id", "event_id", "gender", "role"]
