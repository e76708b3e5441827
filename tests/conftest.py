"""Shared fixtures: tiny CSV folders written by each test, and in-memory stores."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from reach import store
from reach.validate import Source

EVENTS_HEADER = (
    "event_id,title,program,event_type,start_date,end_date,city,country_code,"
    "parent_event_id,reported_participants,reported_female,reported_male"
)


@pytest.fixture(autouse=True)
def linkage_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test links with a key of its own, never the project's data/reach.key."""
    path = tmp_path_factory.mktemp("key") / "reach.key"
    monkeypatch.setenv("REACH_KEY_FILE", str(path))
    return path


@pytest.fixture(autouse=True)
def english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in English whatever the developer's locale; tests of other languages
    set their own (REACH_LANG, LANG, ?lang=)."""
    for name in ("REACH_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def csv(text: str) -> str:
    """Dedent a CSV written inline in a test."""
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def write_dir(tmp_path: Path) -> Callable[..., Path]:
    """Write events/participants/countries CSV text (str or bytes) into a new folder."""
    counter = iter(range(1000))

    def _write(
        events: str | bytes | None = None,
        participants: str | bytes | None = None,
        countries: str | bytes | None = None,
    ) -> Path:
        folder = tmp_path / f"data{next(counter)}"
        folder.mkdir()
        for name, content in (
            ("events.csv", events),
            ("participants.csv", participants),
            ("countries.csv", countries),
        ):
            if content is None:
                continue
            data = content if isinstance(content, bytes) else csv(content).encode("utf-8")
            (folder / name).write_bytes(data)
        return folder

    return _write


@pytest.fixture
def memory_con():
    """An in-memory DuckDB connection, closed after the test."""
    con = duckdb.connect()
    yield con
    con.close()


def sources(folder: Path) -> list[Source | None]:
    """The contract files of a folder as Sources."""
    out = []
    for name in ("events.csv", "participants.csv", "countries.csv", "targets.csv"):
        path = folder / name
        out.append(Source.from_path(path) if path.exists() else None)
    return out


def load_into(con: duckdb.DuckDBPyConnection, folder: Path, replace: bool = False):
    """Load a folder into a connection; fail the test if the data is refused."""
    result = store.load(con, *sources(folder), replace=replace)
    assert result.applied, result.report.to_text()
    return result


@pytest.fixture
def hand_db(tmp_path, monkeypatch, write_dir):
    """A store file holding the hand-counted cascade of test_metrics, used by the app
    (REACH_DB) with no accounts file of its own but the one beside it."""
    from .test_metrics import EVENTS, PARTICIPANTS

    path = tmp_path / "reach.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    return path
