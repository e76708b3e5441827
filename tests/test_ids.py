"""IDs as stored: NFKC, invisible characters dropped, trimmed; look-alike letters are warned of."""

from __future__ import annotations

import unicodedata

import duckdb
import pytest

from reach import metrics, normalize, store
from reach.validate import validate_dir

from .conftest import load_into, sources

EVENTS = (
    "event_id,title,event_type,start_date,country_code,parent_event_id\n"
    "E1,School,school,2024-03-01,KAZ,\n"
    "E2,Step-down,step_down,2024-04-01,KGZ,E1\n"
)


def people(*rows: tuple[str, str]) -> bytes:
    """A participants file of (participant_id, event_id) rows, IDs quoted as written."""
    lines = ["participant_id,event_id"] + [f'"{pid}",{event}' for pid, event in rows]
    return ("\n".join(lines) + "\n").encode()


def stored_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The distinct participant IDs in the store, sorted."""
    rows = con.execute("select distinct participant_id from participants order by 1").fetchall()
    return [r[0] for r in rows]


# The same person written with invisible characters, compatibility forms or white space.
SAME_PERSON = [
    pytest.param("P\u200b001", id="zero-width-space"),
    pytest.param("P\u200c001", id="zero-width-non-joiner"),
    pytest.param("P\u200d001", id="zero-width-joiner"),
    pytest.param("P001\u2060", id="word-joiner"),
    pytest.param("\ufeffP001", id="byte-order-mark-inside-the-file"),
    pytest.param("P\u00ad001", id="soft-hyphen"),
    pytest.param("\uff30\uff10\uff10\uff11", id="full-width-letters-and-digits"),
    pytest.param("\u00a0P001\u3000", id="no-break-and-ideographic-spaces-around"),
    pytest.param("\u2003P001 ", id="em-space-and-space-around"),
    pytest.param("P\u200b\u200d001\u00ad ", id="several-at-once"),
]


@pytest.mark.parametrize("spelling", SAME_PERSON)
def test_an_id_differing_only_in_invisible_or_compatibility_characters_is_one_person(
    memory_con, write_dir, spelling
):
    folder = write_dir(events=EVENTS, participants=people(("P001", "E1"), (spelling, "E2")))
    result = load_into(memory_con, folder)
    assert not result.report.issues, result.report.to_text()
    assert stored_ids(memory_con) == ["P001"]
    assert metrics.summary(memory_con).people_reached == 1


def test_a_decomposed_cyrillic_letter_is_the_same_person_as_the_composed_one(memory_con, write_dir):
    # Ё written as one character (U+0401), and as Е (U+0415) followed by a combining diaeresis.
    folder = write_dir(
        events=EVENTS, participants=people(("\u0401100", "E1"), ("\u0415\u0308100", "E2"))
    )
    load_into(memory_con, folder)
    assert stored_ids(memory_con) == ["\u0401100"]


def test_event_ids_and_parents_are_normalised_the_same_way(memory_con, write_dir):
    events = (
        "event_id,title,event_type,start_date,country_code,parent_event_id\n"
        "E\u200b1,School,school,2024-03-01,KAZ,\n"
        "\uff25\uff12,Step-down,step_down,2024-04-01,KGZ,E1\u00ad\n"
    )
    folder = write_dir(events=events, participants=people(("P001", "E1"), ("P002", "E2\u2060")))
    result = load_into(memory_con, folder)
    assert not result.report.issues, result.report.to_text()
    rows = memory_con.execute(
        "select event_id, parent_event_id, cascade_level from events order by 1"
    ).fetchall()
    assert rows == [("E1", None, 0), ("E2", "E1", 1)]
    assert memory_con.execute(
        "select event_id, count(*) from participants group by 1 order by 1"
    ).fetchall() == [("E1", 1), ("E2", 1)]


def test_an_id_of_only_invisible_characters_is_missing(write_dir):
    folder = write_dir(events=EVENTS, participants=people(("P001", "E1"), ("\u200b\u00ad", "E1")))
    report = validate_dir(folder)
    assert [(i.code, i.column, i.rows) for i in report.errors] == [
        ("missing_value", "participant_id", (3,))
    ]


# IDs with Latin and Cyrillic letters in one word; the warning shows them (they are codes).
MIXED = [
    pytest.param("\u0410100x", id="cyrillic-A-then-latin-x"),
    pytest.param("A\u043b\u0438\u044f", id="latin-A-then-cyrillic-lia"),
    pytest.param("KZ-2023-00\u041e1", id="cyrillic-O-in-a-latin-code"),
]


@pytest.mark.parametrize("participant_id", MIXED)
def test_an_id_mixing_latin_and_cyrillic_letters_is_a_warning_showing_it(write_dir, participant_id):
    folder = write_dir(
        events=EVENTS,
        participants=people(("P001", "E1"), (participant_id, "E1"), (participant_id, "E2")),
    )
    report = validate_dir(folder)
    assert report.ok
    (issue,) = report.issues
    assert (issue.severity, issue.code, issue.file, issue.column, issue.rows, issue.value) == (
        "warning", "mixed_script_id", "participants.csv", "participant_id", (3, 4),
        participant_id,
    )  # fmt: skip
    assert f"participant_id '{participant_id}' mixes Latin and Cyrillic letters" in issue.message


def test_an_event_id_mixing_latin_and_cyrillic_letters_is_a_warning(write_dir):
    # "EV" with a Cyrillic Е (U+0415) in front.
    events = EVENTS + "\u0415V3,Camp,camp,2024-05-01,KAZ,\n"
    report = validate_dir(write_dir(events=events, participants=people(("P001", "E1"))))
    assert [(i.code, i.file, i.column, i.rows, i.value) for i in report.issues] == [
        ("mixed_script_id", "events.csv", "event_id", (4,), "\u0415V3")
    ]


def test_a_mixed_script_id_that_looks_like_a_name_is_refused_without_showing_it(write_dir):
    # A Cyrillic С (U+0421) in a Latin name: the name error only, the value nowhere.
    name = "Aigerim \u0421adykova"
    report = validate_dir(write_dir(events=EVENTS, participants=people((name, "E1"))))
    assert [(i.code, i.value) for i in report.issues] == [("name_like_id", None)]
    assert "adykova" not in report.to_text() + report.to_frame().to_csv()


def test_cyrillic_and_latin_spellings_of_one_id_stay_two_people_with_a_warning(
    memory_con, write_dir
):
    # Row 2 has a Cyrillic А (U+0410), rows 3 and 4 a Latin A: not merged, but warned of.
    folder = write_dir(
        events=EVENTS,
        participants=people(("\u0410100", "E1"), ("A100", "E2"), ("A100", "E1"), ("B7", "E1")),
    )
    result = load_into(memory_con, folder)
    (issue,) = result.report.issues
    assert (issue.severity, issue.code, issue.column, issue.rows, issue.count, issue.value) == (
        "warning", "lookalike_id", "participant_id", (2, 3, 4), 3,
        "A100, \u0410100 (Cyrillic \u0410)",
    )  # fmt: skip
    assert "look the same but are written with different letters" in issue.message
    assert stored_ids(memory_con) == ["A100", "B7", "\u0410100"]


def test_a_cyrillic_spelling_of_a_stored_latin_id_is_warned_of_on_a_merge(memory_con, write_dir):
    load_into(memory_con, write_dir(events=EVENTS, participants=people(("A100", "E1"))))
    folder = write_dir(participants=people(("\u0410100", "E2"), ("B7", "E2")))
    result = store.load(memory_con, *sources(folder), require_events=False)
    assert result.applied, result.report.to_text()
    assert [(i.code, i.rows, i.value) for i in result.report.issues] == [
        ("lookalike_id", (2,), "A100, \u0410100 (Cyrillic \u0410)")
    ]


def test_replacing_a_stored_cyrillic_spelling_with_the_latin_one_is_no_warning(
    memory_con, write_dir
):
    load_into(memory_con, write_dir(events=EVENTS, participants=people(("\u0410100", "E1"))))
    # E1's list is replaced: the Cyrillic spelling leaves the store with this load.
    folder = write_dir(participants=people(("A100", "E1")))
    result = store.load(memory_con, *sources(folder), require_events=False)
    assert result.applied and not result.report.issues, result.report.to_text()
    assert stored_ids(memory_con) == ["A100"]


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param(("\u0410100", "\u041a\u0417-0042"), id="cyrillic-only"),
        pytest.param(("\u0410100", "\u041a\u0417-0042", "P001", "A200"), id="beside-latin-ones"),
    ],
)
def test_cyrillic_ids_that_read_differently_from_every_other_id_are_no_warning(write_dir, ids):
    folder = write_dir(events=EVENTS, participants=people(*[(pid, "E1") for pid in ids]))
    report = validate_dir(folder)
    assert report.ok and not report.issues, report.to_text()


def test_look_alike_ids_that_look_like_names_are_refused_and_never_shown(write_dir):
    # The same name with a Cyrillic А (U+0410) and with a Latin A: only the name error.
    folder = write_dir(
        events=EVENTS,
        participants=people(("\u0410igerim Sadykova", "E1"), ("Aigerim Sadykova", "E2")),
    )
    report = validate_dir(folder)
    assert [(i.code, i.rows, i.value) for i in report.issues] == [("name_like_id", (2, 3), None)]
    assert "Sadykova" not in report.to_text() + report.to_frame().to_csv()


def test_the_look_alike_map_is_one_to_one_from_cyrillic_to_latin():
    # One to one, so two IDs can read the same only if one of them holds a Latin letter.
    latin = list(normalize.LATIN_LOOKALIKES.values())
    assert len(set(latin)) == len(latin)
    assert all(unicodedata.name(c).startswith("CYRILLIC") for c in normalize.LATIN_LOOKALIKES)
    assert all(unicodedata.name(c).startswith("LATIN") for c in latin)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("P001", "P001"),
        ("  P001  ", "P001"),
        ("P\u200b0\u200c0\u200d1\u2060\ufeff\u00ad", "P001"),
        ("\uff30\uff10\uff10\uff11", "P001"),
        ("\u2460", "1"),  # a circled digit one
        ("\ufb01x", "fix"),  # the ligature fi
        ("\u0415\u0308", "\u0401"),  # Е and a combining diaeresis is Ё
        ("\u0410100", "\u0410100"),  # Cyrillic stays Cyrillic
        ("\u200b \u00ad", None),
    ],
)
def test_one_id_is_normalised_by_the_same_rule_as_the_staging(raw, stored):
    assert normalize.identifier(raw) == stored


def test_ascii_and_cyrillic_characters_have_no_compatibility_form():
    # The staging leaves IDs made of these (already in NFC) to DuckDB: NFKC cannot change them.
    chars = [chr(c) for c in [*range(0x20, 0x7F), *range(0x400, 0x530)]]
    compatible = [
        c for c in chars if unicodedata.normalize("NFKD", c) != unicodedata.normalize("NFD", c)
    ]
    assert compatible == []
