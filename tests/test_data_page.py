"""The Data page in AppTest: uploads, mapping, refusals that change nothing, commit, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import mapping, store
from reach.cli import main

from .test_identifiers import every_cell
from .test_metrics import EVENTS, PARTICIPANTS
from .test_store import dump
from .test_upload import xlsx

ROOT = Path(__file__).resolve().parents[1]

NEW_EVENTS = b"event_id,title,event_type,start_date,country_code\nE6,Camp,camp,2024-08-01,KGZ\n"
NEW_PARTICIPANTS = b"participant_id,event_id,gender\nq1,E6,f\nq2,E6,m\nq3,E6,f\n"


@pytest.fixture
def db(tmp_path, monkeypatch, write_dir):
    path = tmp_path / "reach.duckdb"
    assert store.load_dir(path, write_dir(events=EVENTS, participants=PARTICIPANTS)).applied
    monkeypatch.setenv("REACH_DB", str(path))
    return path


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, kind: str, name: str, data: bytes) -> None:
    at.file_uploader(key=f"file_{kind}").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception


def summary_json(db: Path, capsys) -> dict:
    assert main(["summary", "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_valid_upload_previews_then_commits_and_every_page_shows_it(db, capsys):
    at = data_page()
    upload(at, "events", "new-events.csv", NEW_EVENTS)
    upload(at, "participants", "new-participants.csv", NEW_PARTICIPANTS)
    shown = tiles(at)
    assert (shown["Errors"], shown["Events added"], shown["Participant rows added"]) == (
        "0", "1", "3",
    )  # fmt: skip
    preview = next(d.value for d in at.dataframe if "after commit" in d.value.columns)
    pairs = zip(preview["now"], preview["after commit"], strict=True)
    numbers = dict(zip(preview["number"], pairs, strict=True))
    # Camp E6 is a new root with three new people: all direct.
    assert numbers["People reached"] == ("26", "29")
    assert numbers["Direct reach"] == ("6", "9")
    # f10 m6 o1 (10/17) gains q1 and q3 (f) and q2 (m): f12 m7 o1, 12/20.
    assert numbers["Female share"] == ("58.8%", "60.0%")
    at.button(key="commit").click().run()
    assert not at.exception
    assert any("Load 2 committed: 1 event added" in s.value for s in at.success)
    after = summary_json(db, capsys)
    assert after["people_reached"] == 26 + 3 and after["events"] == 6
    at.switch_page("pages/overview.py").run()
    assert tiles(at)["People reached"] == "29"


def test_replace_mode_replaces_everything(db, capsys):
    at = data_page()
    upload(at, "events", "e.csv", NEW_EVENTS)
    upload(at, "participants", "p.csv", NEW_PARTICIPANTS)
    at.radio(key="load_mode").set_value("replace").run()
    assert tiles(at)["Participant rows replaced"] == "15"
    at.button(key="commit").click().run()
    after = summary_json(db, capsys)
    assert (after["people_reached"], after["events"]) == (3, 1)


def test_a_file_that_needs_a_mapping_loads_after_the_proposal_and_the_mapping_is_saved(db, capsys):
    at = data_page()
    kobo = "ID,Event,Sex,_uuid,_submission_time\nk1,E1,Ж,u1,2024\nk2,E1,м,u2,2024\n".encode()
    upload(at, "participants", "kobo-export.csv", kobo)
    assert any("Some required columns" in w.value for w in at.warning)
    assert tiles(at)["Errors"] == "0"
    at.text_input(key="map_name_participants").set_value("KoBo form").run()
    at.button(key="save_map_participants").click().run()
    assert any("Mapping 'KoBo form' saved" in s.value for s in at.success)
    at.button(key="commit").click().run()
    # E1's list becomes k1 k2: p1-p4 leave E1 (p1 p2 p3 are still reached elsewhere, p4 is not).
    assert summary_json(db, capsys)["people_reached"] == 26 - 1 + 2
    with store.connect(db, read_only=True) as con:
        kinds = con.execute("select name, kind from mappings").fetchall()
    assert kinds == [("KoBo form", "participants")]


BAD_FILES = [
    pytest.param("events", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                 "is not a text file", id="not-text"),
    pytest.param("events", "book.xlsx", b"PK\x03\x04 broken", "is not a readable Excel workbook",
                 id="not-a-workbook"),
    pytest.param("participants", "empty.csv", b"", "is empty", id="empty"),
    pytest.param("events", "blank.xlsx", xlsx({"Sheet1": []}), "has no sheet with a header row",
                 id="workbook-without-a-usable-sheet"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "name", "data", "message"), BAD_FILES)
def test_a_bad_file_gets_a_sentence_and_changes_nothing(db, kind, name, data, message):
    before = dump(db)
    at = data_page()
    upload(at, kind, name, data)
    assert any(message in e.value and name in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert not [b for b in at.button if b.key == "commit"]
    assert dump(db) == before


def test_a_file_over_the_size_limit_is_refused(db, monkeypatch):
    monkeypatch.setenv("REACH_MAX_UPLOAD_MB", "1")
    before = dump(db)
    at = data_page()
    assert any("up to **1 MB** per file" in m.value for m in at.markdown)
    upload(at, "participants", "big.csv", b"participant_id,event_id\n" + b"a,E1\n" * 300_000)
    assert any("over the 1 MB limit" in e.value for e in at.error)
    assert dump(db) == before


def test_a_missing_required_column_blocks_the_commit(db):
    before = dump(db)
    at = data_page()
    upload(at, "events", "events.csv", b"event_id,title,start_date\nE9,T,2024-01-01\n")
    assert tiles(at)["Errors"] != "0"
    report = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert "missing_column" not in report.columns  # the table speaks in sentences
    assert any("the required column 'event_type' is missing" in m for m in report["message"])
    assert any("Nothing has been written" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "commit"]
    assert dump(db) == before


def test_undo_restores_the_exact_previous_numbers(db, capsys):
    before = summary_json(db, capsys)
    at = data_page()
    upload(at, "events", "e.csv", NEW_EVENTS)
    upload(at, "participants", "p.csv", NEW_PARTICIPANTS)
    at.button(key="commit").click().run()
    assert summary_json(db, capsys) != before
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo").click().run()
    assert not at.exception
    assert any("Load 2 was undone" in s.value for s in at.success)
    assert summary_json(db, capsys) == before
    history = at.dataframe[-1].value
    assert history["undone at (UTC)"].notna().tolist() == [True, False]


def page_text(at: AppTest) -> str:
    """Everything the page shows as text: notes, messages and tables."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]  # fmt: skip
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_a_names_column_mapped_to_participant_id_is_refused_and_offers_no_commit(db):
    with store.connect(db) as con:
        saved = {"ФИО": "participant_id", "Мероприятие": "event_id", "Пол": "gender"}
        mapping.save(con, "Names form", "participants", saved)
    before = dump(db)
    at = data_page()
    names = "ФИО,Мероприятие,Пол\nЖумабаева Жанар,E1,ж\nAigerim Sadykova,E1,f\n".encode()
    upload(at, "participants", "names.csv", names)
    # The proposal leaves ФИО out, and says what it is for.
    assert any("'ФИО' name people" in i.value and "names, phones and e-mails are not stored"
               in i.value for i in at.info)  # fmt: skip
    at.selectbox(key="use_map_participants").set_value("Names form").run()
    assert not at.exception
    refusal = "names.csv: 'ФИО' (mapped to participant_id) holds people's names or contact details"
    assert any(refusal in e.value and "Names must never become IDs" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "commit"]
    assert "Errors" not in tiles(at)  # stopped before the check and the preview
    assert not [b for b in at.button if b.key == "save_map_participants" and not b.disabled]
    text = page_text(at)
    assert "Жанар" not in text and "Sadykova" not in text
    assert dump(db) == before


def test_identifying_columns_are_noted_dropped_on_commit_and_never_stored(db):
    at = data_page()
    people = (
        "participant_id,event_id,ФИО,gender,Телефон\n"
        "q1,E1,Жумабаева Жанар,ж,+77011234567\nq2,E1,Aigerim Sadykova,f,+77017654321\n"
    ).encode()
    upload(at, "participants", "with-names.csv", people)
    note = (
        "with-names.csv: 'ФИО', 'Телефон' name people. Reach links each row to a person it "
        "already knows, or to a new one, and gives it a pseudonymous participant_id. Only keyed "
        "encodings are kept; the names, phones and e-mails are not stored."
    )
    assert note in [i.value for i in at.info]
    assert (tiles(at)["Errors"], tiles(at)["Warnings"]) == ("0", "2")
    report = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert list(report["column"]) == ["ФИО", "Телефон"] and report["value"].isna().all()
    at.button(key="commit").click().run()
    assert any("Load 2 committed" in s.value for s in at.success)
    text = page_text(at)
    with store.connect(db, read_only=True) as con:
        assert con.execute(
            "select count(*) from participants where event_id = 'E1'"
        ).fetchone() == (2,)
        text += every_cell(con)
    for secret in ("Жанар", "Sadykova", "7011234567", "7017654321"):
        assert secret not in text


def test_the_review_names_only_people_of_the_open_upload_and_a_merge_updates_the_numbers(
    db, capsys
):
    first = "ФИО,event_id,Пол\nНазарбаева Айгуль,E1,ж\n".encode()
    second = b"Full name,event_id,gender\nAigul Nazarbayeva,E2,f\n"
    at = data_page()
    upload(at, "participants", "first.csv", first)
    at.button(key="commit").click().run()
    upload(at, "participants", "second.csv", second)
    linked = next(d.value for d in at.dataframe if "new pairs to review" in d.value.columns)
    assert linked.iloc[0].to_dict() == {
        "file": "second.csv", "rows": 1, "matched people already stored": 0,
        "rows of new people": 1, "new people": 1, "new pairs to review": 1,
    }  # fmt: skip
    at.button(key="commit").click().run()
    before = summary_json(db, capsys)["people_reached"]
    pairs = next(d.value for d in at.dataframe if "evidence that agrees" in d.value.columns)
    (row,) = pairs.to_dict("records")
    # The second list is open: its row shows the name written there; the first list's person
    # shows the ID alone.
    shown = {row["person A"], row["person B"]}
    assert sum("(Aigul Nazarbayeva)" in s for s in shown) == 1
    assert not any("Назарбаева" in s for s in shown)
    assert (row["names alike"], row["evidence that agrees"]) == ("100%", "names 100% alike")
    at.button(key="review_merge").click().run()
    assert not at.exception
    assert any("Done: merge" in s.value for s in at.success)
    assert summary_json(db, capsys)["people_reached"] == before - 1
    # A fresh session with no upload open sees IDs only, and the decision to undo.
    other = data_page()
    assert "Aigul" not in page_text(other) and "No possible duplicates" in page_text(other)
    other.button(key="review_undo").click().run()
    assert summary_json(db, capsys)["people_reached"] == before
