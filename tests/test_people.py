"""Named lists at the door: linked to stored people, reviewed, merged, kept apart, undone."""

from __future__ import annotations

import json

import pytest

from reach import history, metrics, review, store
from reach.cli import main

from .test_store import dump

EVENTS = (
    "event_id,title,event_type,start_date,country_code,program\n"
    "E1,School,school,2025-03-01,KAZ,Leaders\n"
    "E2,Seminar,seminar,2025-05-01,KGZ,Leaders\n"
    "E3,Camp,camp,2025-07-01,KAZ,Leaders\n"
)
# A Russian-locale list: ФИО, phones in three formats, an e-mail, Russian headers throughout.
FIRST = (
    "ФИО;Телефон;E-mail;Мероприятие;Пол;Год рождения;Роль\n"
    "Жумабаева Жанар Ериковна;+7 774 000 12 34;;E1;Ж;1990;участник\n"
    "Иванов Сергей;8 (701) 111-22-33;Ivanov.S@mail.ru;E1;М;1985;тренер\n"
    "Назарбаева Айгуль;;;E1;ж;;участник\n"
    "Ким Саша;;;E1;м;1990;участник\n"
)
# The same people written by another NGO in Latin letters, plus a woman named like Ким Саша.
SECOND = (
    "Full name,Phone,Email,event_id,gender,birth_year\n"
    "Janar Zhumabaeva,87740001234,,E2,female,1990\n"
    "SERGEY  IVANOV,,IVANOV.S@MAIL.RU,E2,male,1985\n"
    "Aigul Nazarbayeva,,,E2,female,\n"
    "Sasha Kim,,,E2,female,1990\n"
)


@pytest.fixture
def folders(write_dir):
    """Two folders, each with the events and one named list."""
    return write_dir(events=EVENTS, participants=FIRST), write_dir(
        events=EVENTS, participants=SECOND
    )


def ids(path, event: str) -> list[tuple[str, str, str]]:
    with store.connect(path, read_only=True) as con:
        return con.execute(
            "select participant_id, gender, role from participants where event_id = $e "
            "order by gender, role, birth_year nulls first",
            {"e": event},
        ).fetchall()


def people_reached(path) -> int:
    with store.connect(path, read_only=True) as con:
        return metrics.summary(con).people_reached


def person_at(path, event: str, year: int | None, gender: str) -> str:
    with store.connect(path, read_only=True) as con:
        return con.execute(
            "select participant_id from participants where event_id = $e and gender = $g "
            "and birth_year is not distinct from $y",
            {"e": event, "g": gender, "y": year},
        ).fetchone()[0]


def test_two_lists_in_two_scripts_link_to_the_same_people_and_leave_a_pair_for_review(
    tmp_path, folders
):
    path = tmp_path / "reach.duckdb"
    first = store.load_dir(path, folders[0])
    assert first.applied, first.report.to_text()
    found = first.report.linking["participants.csv"]
    assert (found.rows, found.matched, found.new_people, len(found.review)) == (4, 0, 4, 0)
    second = store.load_dir(path, folders[1])
    found = second.report.linking["participants.csv"]
    # Zhumabaeva (phone in another format) and Ivanov (e-mail in another case) are matched;
    # Aigul (the name alone) is a new person and a pair to review; Sasha the woman is new and
    # never merged with Sasha the man.
    assert (found.rows, found.matched, found.new_people, len(found.review)) == (4, 2, 2, 1)
    zhumabaeva = person_at(path, "E1", 1990, "female")
    assert zhumabaeva in {pid for pid, *_ in ids(path, "E2")}
    ivanov = person_at(path, "E1", 1985, "male")
    assert person_at(path, "E2", 1985, "male") == ivanov
    sasha_man = person_at(path, "E1", 1990, "male")
    assert sasha_man not in {pid for pid, *_ in ids(path, "E2")}
    with store.connect(path, read_only=True) as con:
        pairs = review.pending(con)
    assert len(pairs) == 1
    pair = pairs.iloc[0]
    assert {pair.a, pair.b} == {person_at(path, "E1", None, "female"),
                                person_at(path, "E2", None, "female")}  # fmt: skip
    assert (pair.score, pair.evidence, pair.events_in_common) == (1.0, "names 100% alike", 0)
    # Six people attended as participants: Zhumabaeva, Aigul twice (not merged yet), Sasha
    # the man, Sasha the woman, and Ivanov (a trainer at E1, a participant at E2).
    assert people_reached(path) == 6


def test_loading_the_same_named_list_again_changes_no_id_and_adds_no_person(tmp_path, folders):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    store.load_dir(path, folders[1])
    before = {e: ids(path, e) for e in ("E1", "E2")}
    again = store.load_dir(path, folders[1])
    found = again.report.linking["participants.csv"]
    assert (found.matched, found.new_people, len(found.review)) == (4, 0, 0)
    assert {e: ids(path, e) for e in ("E1", "E2")} == before


def test_merge_keep_apart_and_undo_change_the_numbers_at_once_and_hold_on_later_loads(
    tmp_path, folders
):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    store.load_dir(path, folders[1])
    with store.connect(path, read_only=True) as con:
        (pair_id,) = review.pending(con)["pair_id"]
    assert people_reached(path) == 6
    assert history.decide(path, "merge", int(pair_id), "ana") == "merge"
    assert people_reached(path) == 5
    aigul = person_at(path, "E1", None, "female")
    assert person_at(path, "E2", None, "female") == aigul
    with store.connect(path, read_only=True) as con:
        assert review.pending(con).empty
        assert history.undoable(con) is None  # the last load's undo would bring back rows
    # The decision holds when the list is loaded again: Aigul at E2 is still Aigul at E1.
    store.load_dir(path, folders[1])
    assert person_at(path, "E2", None, "female") == aigul and people_reached(path) == 5
    with store.connect(path, read_only=True) as con:
        decision = int(review.decisions(con)["decision_id"].iloc[0])
    assert history.decide(path, "undo", decision, "ana") == "merge"
    assert people_reached(path) == 6
    assert person_at(path, "E2", None, "female") != person_at(path, "E1", None, "female")
    with store.connect(path, read_only=True) as con:
        assert list(review.pending(con)["pair_id"]) == [pair_id]
    # Keep apart: the pair is gone from review and stays gone on a later load.
    history.decide(path, "apart", int(pair_id), "ana")
    store.load_dir(path, folders[1])
    with store.connect(path, read_only=True) as con:
        assert review.pending(con).empty
    assert people_reached(path) == 6
    # Undoing keep-apart puts the pair back.
    with store.connect(path, read_only=True) as con:
        apart = int(review.decisions(con)["decision_id"].iloc[0])
    history.decide(path, "undo", apart, "ana")
    with store.connect(path, read_only=True) as con:
        assert list(review.pending(con)["pair_id"]) == [pair_id]


def test_a_merge_of_two_ids_rewrites_that_id_in_every_later_list(tmp_path, write_dir):
    # Lists with IDs (no names) whose two IDs the analyst knows to be one person.
    path = tmp_path / "reach.duckdb"
    named = write_dir(
        events=EVENTS,
        participants="participant_id,ФИО,event_id,gender,birth_year\n"
        "P1,Aigerim Sadykova,E1,f,\nP2,Aigerim Sadykova,E2,f,\n",
    )
    result = store.load_dir(path, named)
    assert len(result.report.linking["participants.csv"].review) == 1
    with store.connect(path, read_only=True) as con:
        (pair_id,) = review.pending(con)["pair_id"]
    history.decide(path, "merge", int(pair_id))
    assert people_reached(path) == 1
    later = write_dir(events=EVENTS, participants="participant_id,event_id,gender\nP2,E3,f\n")
    assert store.load_dir(path, later).applied
    assert ids(path, "E3") == [("P1", "female", "participant")]
    assert people_reached(path) == 1


def test_undoing_a_load_removes_the_encodings_and_pairs_it_brought(tmp_path, folders):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    with store.connect(path, read_only=True) as con:
        kept = con.execute("select count(*) from person_encodings").fetchone()[0]
    store.load_dir(path, folders[1])
    assert history.undo_last(path) is not None
    with store.connect(path, read_only=True) as con:
        assert con.execute("select count(*) from person_encodings").fetchone()[0] == kept
        assert con.execute("select count(*) from link_pairs").fetchone()[0] == 0
        assert con.execute("select count(*) from seen_at where load_id = 2").fetchone()[0] == 0


def test_a_replaced_key_is_named_and_nothing_is_matched_to_the_old_people(
    tmp_path, folders, monkeypatch
):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    monkeypatch.setenv("REACH_KEY_FILE", str(tmp_path / "other.key"))
    result = store.load_dir(path, folders[1])
    assert result.applied
    assert [i.code for i in result.report.warnings if i.code == "linkage_key_changed"] == [
        "linkage_key_changed"
    ]
    assert result.report.linking["participants.csv"].matched == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Russian headers the Data page proposes are read by the command line the same way.
        ("ФИО;Мероприятие;Пол;Год рождения;Роль\nАйгерим Садыкова;E1;ж;1993;тренер\n", None),
        # Two columns that could each be event_id: an error that names both.
        ("participant_id,event_id,Мероприятие\nP1,E1,E1\n",
         "the columns 'event_id', 'Мероприятие' could each be event_id"),
    ],
)  # fmt: skip
def test_the_command_line_applies_the_header_synonyms_and_refuses_an_ambiguous_one(
    tmp_path, write_dir, capsys, header, expected
):
    folder = write_dir(events=EVENTS, participants=header)
    code = main(["load", str(folder), "--db", str(tmp_path / "reach.duckdb")])
    out = capsys.readouterr()
    if expected is None:
        assert code == 0, out.out
        assert ids(tmp_path / "reach.duckdb", "E1")[0][1:] == ("female", "trainer")
    else:
        assert code == 1
        assert expected in out.out
        assert "participants.csv row 1, column Мероприятие" in out.out


def test_the_duplicates_command_lists_and_decides_pairs_by_id_only(tmp_path, folders, capsys):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    store.load_dir(path, folders[1])
    capsys.readouterr()
    assert main(["duplicates", "--db", str(path), "--json"]) == 0
    (pair,) = json.loads(capsys.readouterr().out)
    assert (pair["score"], pair["evidence"], pair["events_in_common"]) == (
        1.0, "names 100% alike", 0,
    )  # fmt: skip
    assert main(["duplicates", "--db", str(path)]) == 0
    listed = capsys.readouterr().out
    assert f"pair {pair['pair_id']}: {pair['a']} and {pair['b']}, score 100%" in listed
    assert "Nazarbayeva" not in listed and "Назарбаева" not in listed
    assert main(["duplicates", "--db", str(path), "--merge", str(pair["pair_id"])]) == 0
    assert "No possible duplicates" in capsys.readouterr().out
    assert main(["duplicates", "--db", str(path), "--merge", "99"]) == 1
    assert "There is no review pair 99." in capsys.readouterr().err


def test_pseudonymize_with_db_gives_stored_people_their_ids_and_changes_no_byte(
    tmp_path, folders, capsys
):
    path = tmp_path / "reach.duckdb"
    store.load_dir(path, folders[0])
    before = dump(path)
    named = tmp_path / "named.csv"
    named.write_text(
        "Фамилия;Имя;Тел.;Мероприятие;Пол\n"
        "Петров;Олег;+7 705 000 11 22;E9;м\n"
        "Жумабаева;Жанар;8(774)000-12-34;E9;ж\n"
        "Петров;Олег;87050001122;E9;м\n",
        encoding="utf-8",
    )
    out = tmp_path / "coded.csv"
    assert main(["pseudonymize", str(named), "--out", str(out), "--db", str(path)]) == 0
    rows = [line.split(",") for line in out.read_text(encoding="utf-8-sig").splitlines()]
    assert rows[0] == ["participant_id", "Мероприятие", "Пол"]
    assert [r[1:] for r in rows[1:]] == [["E9", "м"], ["E9", "ж"], ["E9", "м"]]
    assert rows[2][0] == person_at(path, "E1", 1990, "female")  # the stored ID
    assert rows[1][0] == rows[3][0] != rows[2][0]
    assert dump(path) == before
