"""Names never become IDs: name-like IDs are refused, identifying columns are never stored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reach import mapping, store, upload
from reach.cli import main
from reach.validate import Source, stage, validate_dir

from .conftest import csv, sources

EVENTS = """
event_id,title,event_type,start_date,country_code
E1,School,school,2024-03-01,KAZ
E2,Step-down,step_down,2024-04-01,KGZ
"""

# A participants file with a column of names and a column of phone numbers beside the IDs.
WITH_NAMES_AND_PHONES = """
participant_id,event_id,ФИО,gender,Телефон
P001,E1,Жумабаева Жанар,ж,+7 701 123 45 67
P002,E1,Aigerim Sadykova,f,+77017654321
P003,E2,Нурбек Төлөнбаев,m,8 (705) 111-22-33
"""
SECRETS = [
    "Жумабаева", "Жанар", "Sadykova", "Aigerim", "Нурбек", "Төлөнбаев",
    "7011234567", "123 45 67", "7017654321", "111-22-33",
]  # fmt: skip


def every_cell(con: duckdb.DuckDBPyConnection) -> str:
    """Every value of every table on the connection (temporary ones too), as one text."""
    tables = con.execute(
        "select database_name, schema_name, table_name from duckdb_tables()"
    ).fetchall()
    assert tables
    texts = []
    for database, schema, table in tables:
        name = ".".join(f'"{part}"' for part in (database, schema, table))
        for row in con.execute(f"select * from {name}").fetchall():
            texts.append(" ".join(str(v) for v in row))
    return "\n".join(texts)


def leaked(text: str) -> list[str]:
    """The secrets (names, phone digits) found in a text."""
    folded = " ".join(text.split()).lower()
    return [s for s in SECRETS if s.lower() in folded]


def participants_with_id(participant_id: str) -> str:
    # The ID is quoted so spaces, tabs and no-break spaces stay inside the cell.
    return f'participant_id,event_id,gender\nP999,E1,f\n"{participant_id}",E1,f\n'


# A participant_id that looks like a name: two or more words of letters (any script, any case,
# any spacing), or Cyrillic words with spaces.
NAME_LIKE = [
    pytest.param("Aigerim Sadykova", id="latin"),
    pytest.param("Жумабаева Жанар", id="cyrillic"),
    pytest.param("Әсел Қасымқызы", id="kazakh-letters"),
    pytest.param("Нурбек Төлөнбаев", id="kyrgyz-letters"),
    pytest.param("JANAR  ZHUMABAEVA", id="upper-case-two-spaces"),
    pytest.param("  aigerim   sadykova  ", id="extra-spaces"),
    pytest.param("Айбек\u00a0Асанов", id="no-break-space"),
    pytest.param("Aigerim\tSadykova", id="tab"),
    pytest.param("Sadykova A.", id="initial"),
    pytest.param("Анна-Мария Иванова", id="hyphenated"),
    pytest.param("O'Brien Sean", id="apostrophe"),
    pytest.param("Жанар 1990", id="cyrillic-word-and-a-year"),
]

# IDs that are not names: one word, or a digit in every word, or a lone letter and a number.
NOT_NAMES = [
    pytest.param("P001", id="code"),
    pytest.param("KZ-0042", id="country-and-number"),
    pytest.param("KZ-2023-0042", id="country-year-number"),
    pytest.param("ab12cd", id="letters-and-digits"),
    pytest.param("А100", id="cyrillic-letter-and-number"),
    pytest.param("id 17", id="word-and-number"),
    pytest.param("p 17", id="letter-and-number"),
    pytest.param("п 17", id="cyrillic-letter-and-number-with-a-space"),
    pytest.param("А100 Б200", id="digits-in-every-word"),
]


@pytest.mark.parametrize("participant_id", NAME_LIKE)
def test_an_id_that_looks_like_a_name_is_refused_without_echoing_it(write_dir, participant_id):
    report = validate_dir(
        write_dir(events=EVENTS, participants=participants_with_id(participant_id))
    )
    (issue,) = [i for i in report.issues if i.code == "name_like_id"]
    assert (issue.severity, issue.file, issue.column, issue.rows, issue.value) == (
        "error", "participants.csv", "participant_id", (3,), None,
    )  # fmt: skip
    assert not report.ok
    assert "looks like a person's name" in issue.message
    text = report.to_text()
    assert "participants.csv row 3, column participant_id" in text
    frame = report.to_frame()
    assert frame.loc[frame["message"] == issue.message, "value"].isna().all()
    shown = text + "\n" + frame.to_csv()
    for word in participant_id.split():
        if len(word) >= 3:
            assert word not in shown


@pytest.mark.parametrize("participant_id", NOT_NAMES)
def test_an_id_that_is_not_a_name_is_accepted(write_dir, participant_id):
    report = validate_dir(
        write_dir(events=EVENTS, participants=participants_with_id(participant_id))
    )
    assert report.ok and not report.issues, report.to_text()


def test_a_name_like_id_repeated_is_one_grouped_error_and_no_warning_repeats_it(write_dir):
    # Rows 2 and 3 list the same "ID" twice at E1 (a duplicate) and row 4 gives it another
    # gender (a conflict): both warnings would quote the ID, so only the error is reported.
    folder = write_dir(
        events=EVENTS,
        participants="participant_id,event_id,gender\n"
        "Aigerim Sadykova,E1,f\nAigerim Sadykova,E1,f\nAigerim Sadykova,E2,m\nP9,E2,m\n",
    )
    report = validate_dir(folder)
    assert [(i.code, i.count, i.rows, i.value) for i in report.issues] == [
        ("name_like_id", 3, (2, 3, 4), None)
    ]
    assert "in 3 rows: 2, 3, 4" in report.to_text()
    assert "Sadykova" not in report.to_text() + report.to_frame().to_csv()


def test_a_load_with_a_name_like_id_changes_nothing(tmp_path, write_dir):
    path = tmp_path / "reach.duckdb"
    folder = write_dir(events=EVENTS, participants=participants_with_id("Aigerim Sadykova"))
    result = store.load_dir(path, folder)
    assert not result.applied and not path.exists()
    assert "Sadykova" not in result.to_text()


# Headers the participants file may give to names and contact details (and their Russian,
# Kazakh and Kyrgyz spellings). Names, phones, e-mails and UIC codes are read only to link
# rows to people (keyed encodings); an address is dropped unread. Either way the warning
# names the header only, and no cell is stored.
LINKED = [
    "ФИО", "Ф.И.О.", "Фамилия", "Имя", "Отчество", "Аты-жөні", "Аты-жөнү", "Телефон", "Тел.",
    "Моб.", "E-mail", "Email", "Эл. почта", "full_name", "first_name", "last_name",
    "patronymic", "phone", "email", "Full name", "Name", "NAME", "Номер телефона",
    "ФИО участника", "Phone number", "UIC", "УИК", "_phone",
]  # fmt: skip
DROPPED = ["Адрес", "Мекенжай", "address", "Паспорт", "ИИН"]


@pytest.mark.parametrize(
    ("header", "code", "words"),
    [(h, "identifying_column_linked", "used to link rows to people") for h in LINKED]
    + [(h, "identifying_column_dropped", "dropped and is not stored") for h in DROPPED],
)
def test_an_identifying_column_is_linked_or_dropped_with_a_warning_naming_only_its_header(
    memory_con, write_dir, header, code, words
):
    folder = write_dir(
        events=EVENTS,
        participants=f"participant_id,event_id,{header}\nP001,E1,Aigerim Sadykova\n",
    )
    result = store.load(memory_con, *sources(folder))
    assert result.applied, result.report.to_text()
    (issue,) = result.report.issues
    assert (issue.severity, issue.code, issue.column, issue.rows, issue.value) == (
        "warning", code, header, (1,), None,
    )  # fmt: skip
    assert words in issue.message
    # The row keeps its own ID: a name beside an ID only adds the person's encodings.
    assert memory_con.execute("select participant_id from participants").fetchall() == [("P001",)]
    assert not leaked(result.to_text() + every_cell(memory_con))


def test_names_and_phone_numbers_reach_no_table_and_no_report(memory_con, write_dir):
    folder = write_dir(events=EVENTS, participants=WITH_NAMES_AND_PHONES)
    result = store.load(memory_con, *sources(folder))
    assert result.applied, result.report.to_text()
    warnings = [(i.code, i.column, i.value) for i in result.report.warnings]
    assert warnings == [
        ("identifying_column_linked", "ФИО", None),
        ("identifying_column_linked", "Телефон", None),
    ]  # and no "unknown column(s)" warning for them
    stored = memory_con.execute(
        "select participant_id, event_id, gender from participants order by participant_id"
    ).fetchall()
    assert stored == [("P001", "E1", "female"), ("P002", "E1", "female"), ("P003", "E2", "male")]
    # Every table, the staging ones too, and the report.
    assert not leaked(every_cell(memory_con))
    assert not leaked(result.to_text() + result.report.to_frame().to_csv())


def test_the_cli_prints_the_warning_and_the_store_file_holds_no_name(tmp_path, write_dir, capsys):
    folder = write_dir(events=EVENTS, participants=WITH_NAMES_AND_PHONES)
    path = tmp_path / "reach.duckdb"
    assert main(["validate", str(folder)]) == 0
    assert main(["load", str(folder), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    line = (
        "WARNING participants.csv row 1, column ФИО: this column was used to link rows to "
        "people, through keyed encodings only; the column itself is not stored."
    )
    assert out.count(line) == 2  # once from validate, once from load
    assert "column Телефон" in out and "unknown column" not in out
    assert not leaked(out)
    with store.connect(path, read_only=True) as con:
        assert not leaked(every_cell(con))
    assert not leaked(path.read_bytes().decode("utf-8", errors="ignore"))


def test_a_file_of_only_identifying_columns_is_refused_for_its_missing_columns(write_dir):
    report = validate_dir(
        write_dir(events=EVENTS, participants="ФИО,Телефон\nAigerim Sadykova,+77017654321\n")
    )
    # Names and phones stand in for participant_id (linking gives the IDs): only the event
    # is missing.
    assert [(i.code, i.column) for i in report.issues] == [
        ("identifying_column_linked", "ФИО"),
        ("identifying_column_linked", "Телефон"),
        ("missing_column", "event_id"),
    ]
    assert not leaked(report.to_text())


def test_a_rename_of_names_to_participant_id_is_refused_by_the_validator(memory_con):
    # The Data page never sends this mapping; the validator refuses it all the same.
    events = Source("events.csv", csv(EVENTS).encode())
    people = Source(
        "participants.csv",
        "ФИО,event_id\nAigerim Sadykova,E1\n".encode(),
        rename=(("ФИО", "participant_id"),),
    )
    report = stage(memory_con, events, people)
    assert [(i.code, i.column, i.value) for i in report.errors] == [
        ("identifying_column_mapped", "ФИО", None),
    ]
    assert "Names must never become IDs" in report.errors[0].message
    assert not leaked(report.to_text() + every_cell(memory_con))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["ФИО", "Код участника", "Мероприятие", "Пол", "Телефон"],
         ["(ignore)", "participant_id", "event_id", "gender", "(ignore)"]),
        (["Name", "ID", "Event", "E-mail", "Address"],
         ["(ignore)", "participant_id", "event_id", "(ignore)", "(ignore)"]),
        (["Аты-жөні", "Full name", "Participant", "Event", "Sex"],
         ["(ignore)", "(ignore)", "participant_id", "event_id", "gender"]),
    ],
)  # fmt: skip
def test_the_proposal_never_maps_an_identifying_header(headers, expected):
    assert list(mapping.propose(headers, "participants").values()) == expected


@pytest.mark.parametrize("header", ["ФИО", "Full name", "Name", "Аты-жөні", "Телефон"])
def test_mapping_an_identifying_header_to_participant_id_is_refused_with_a_reason(header):
    chosen = {header: "participant_id", "Event": "event_id", "Sex": "gender"}
    headers, why = mapping.refused(chosen, "participants")
    assert headers == [header]
    assert f"'{header}' (mapped to participant_id) holds people's names" in why
    assert "Names must never become IDs" in why and "pseudonymous" in why


def test_ignored_identifying_headers_and_other_files_are_not_refused():
    assert mapping.refused({"ФИО": mapping.IGNORE, "ID": "participant_id"}, "participants") == (
        [],
        "",
    )
    assert mapping.refused({"Name": "title"}, "events") == ([], "")
    assert mapping.refused({"Name": "name"}, "countries") == ([], "")
    assert mapping.identifying(["ID", "ФИО", "Event", "Тел."], "participants") == ["ФИО", "Тел."]
    assert mapping.identifying(["Name", "Country"], "events") == []


def test_name_still_means_the_title_in_events_and_the_country_in_countries(memory_con):
    data = b"ID,Name,Type,Date,Country\nE1,Leaders school,school,2024-03-01,KZ\n"
    events = upload.open_upload("events", "events.csv", data)
    assert events.proposal["Name"] == "title"
    countries = Source("countries.csv", b"country_code,name\nXKX,Kosovo\n")
    people = Source("participants.csv", b"participant_id,event_id\nP001,E1\n")
    result = store.load(memory_con, events.source(), people, countries)
    assert result.applied and not result.report.issues, result.report.to_text()
    assert memory_con.execute("select title from events").fetchall() == [("Leaders school",)]
    assert memory_con.execute(
        "select name from countries where country_code = 'XKX'"
    ).fetchall() == [("Kosovo",)]


def test_a_file_without_identifying_columns_reads_as_before(memory_con, tmp_path: Path):
    # Dropping reads only the kept columns; nothing else about the file changes.
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "events.csv").write_text(csv(EVENTS), encoding="utf-8")
    (folder / "participants.csv").write_text(
        "participant_id;event_id;gender;Notes\nP001;E1;f;x\n", encoding="cp1251"
    )
    result = store.load(memory_con, *sources(folder))
    assert [i.code for i in result.report.issues] == ["unknown_columns"]
    assert memory_con.execute("select participant_id, gender from participants").fetchall() == [
        ("P001", "female")
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("birth_year", "+7 701 000 12 34"),
        ("birth_year", "87010001234"),
        ("country_code", "janar.s@example.org"),
        ("country_code", "Жумабаева Жанар"),
        ("gender", "Aigerim Sadykova"),
    ],
)
def test_a_contact_detail_or_name_in_a_checked_column_is_never_echoed(
    memory_con, write_dir, column, value
):
    from reach import store as reach_store

    from .conftest import sources

    folder = write_dir(
        events="event_id,title,event_type,start_date,country_code\nE1,School,school,2024-01-10,KAZ\n",
        participants=f'participant_id,event_id,{column}\np1,E1,"{value}"\n',
    )
    result = reach_store.load(memory_con, *sources(folder))
    text = result.report.to_text() + result.report.to_frame().to_string()
    assert value not in text
    assert "not shown" in text
