"""Accepted spellings: encodings, delimiters, dates, countries, genders, roles, event types."""

from __future__ import annotations

import datetime as dt

import pytest

from reach import store
from reach.contract import GENDER_SPELLINGS

from .conftest import EVENTS_HEADER, load_into, sources

ONE_EVENT = EVENTS_HEADER + "\nE1,Школа лидеров,A,school,2024-03-01,,Алматы,KAZ,,,,\n"


def _stored(con, sql):
    return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("label", "events", "participants"),
    [
        (
            "utf-8",
            ONE_EVENT.encode("utf-8"),
            "participant_id,event_id,gender\nA,E1,Ж\n".encode(),
        ),
        (
            "utf-8 with BOM and CRLF",
            ("\ufeff" + ONE_EVENT.replace("\n", "\r\n")).encode("utf-8"),
            "\ufeffparticipant_id,event_id,gender\r\nA,E1,Ж\r\n".encode(),
        ),
        (
            "windows-1251, semicolons",
            ONE_EVENT.replace(",", ";").encode("cp1251"),
            "participant_id;event_id;gender\nA;E1;Ж\n".encode("cp1251"),
        ),
        (
            "tabs",
            ONE_EVENT.replace(",", "\t").encode("utf-8"),
            "participant_id\tevent_id\tgender\nA\tE1\tЖ\n".encode(),
        ),
    ],
)
def test_every_accepted_encoding_and_delimiter_reads_the_same(
    memory_con, write_dir, label, events, participants
):
    load_into(memory_con, write_dir(events=events, participants=participants))
    assert _stored(memory_con, "select title, city from events") == [("Школа лидеров", "Алматы")]
    assert _stored(memory_con, "select participant_id, gender from participants") == [
        ("A", "female")
    ]


def test_quoted_fields_keep_their_commas_and_newlines(memory_con, write_dir):
    events = EVENTS_HEADER + '\nE1,"Leaders, school\nday one",A,school,2024-03-01,,Almaty,KAZ,,,,\n'
    participants = 'participant_id,event_id,organization\nA,E1,"Rainbow, Inc"\nB,E1,x\n'
    load_into(memory_con, write_dir(events=events, participants=participants))
    assert _stored(memory_con, "select title from events") == [("Leaders, school\nday one",)]
    assert _stored(memory_con, "select organization from participants order by 1") == [
        ("Rainbow, Inc",),
        ("x",),
    ]


def test_headers_are_trimmed_case_insensitive_and_in_any_order(memory_con, write_dir):
    events = (
        " Country_Code ,EVENT_ID,Start_Date,Title , event_type\nkz,E1,2024-03-01,School,SCHOOL\n"
    )
    load_into(memory_con, write_dir(events=events, participants="Event_ID,Participant_ID\nE1,a\n"))
    assert _stored(memory_con, "select event_id, country_code, event_type from events") == [
        ("E1", "KAZ", "school")
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-09", dt.date(2024, 3, 9)),
        ("09.03.2024", dt.date(2024, 3, 9)),
        ("09/03/2024", dt.date(2024, 3, 9)),
        ("9.3.2024", dt.date(2024, 3, 9)),
    ],
)
def test_dates_are_read_day_first(memory_con, write_dir, raw, expected):
    events = EVENTS_HEADER + f"\nE1,T,A,school,{raw},{raw},Almaty,KAZ,,,,\n"
    load_into(memory_con, write_dir(events=events, participants="participant_id,event_id\n"))
    assert _stored(memory_con, "select start_date, end_date from events") == [(expected, expected)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KAZ", "KAZ"),
        ("kaz", "KAZ"),
        ("KZ", "KAZ"),
        ("kz", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("KYRGYZSTAN", "KGZ"),
        ("Kyrgyz Republic", "KGZ"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("tj", "TJK"),
        ("Uzbekistan", "UZB"),
        ("Georgia", "GEO"),
        ("Türkiye", "TUR"),
    ],
)
def test_countries_are_read_as_alpha3(memory_con, write_dir, raw, expected):
    events = EVENTS_HEADER + f'\nE1,T,A,school,2024-03-01,,City,"{raw}",,,,\n'
    participants = f'participant_id,event_id,country_code\na,E1,"{raw}"\n'
    load_into(memory_con, write_dir(events=events, participants=participants))
    assert _stored(memory_con, "select country_code from events") == [(expected,)]
    assert _stored(memory_con, "select country_code from participants") == [(expected,)]


GENDER_CASES = [
    *[(s, g) for s, g in GENDER_SPELLINGS.items()],
    *[(s.upper(), g) for s, g in GENDER_SPELLINGS.items()],
    ("Female", "female"),
    ("  Женщина ", "female"),
    ("Prefer not to say", "undisclosed"),
    ("", "undisclosed"),
]


def test_gender_spellings_cover_the_contract():
    expected = {
        "female": "f female w woman women girl ж жен женский женщина әйел аял",
        "male": "m male man men boy м муж мужской мужчина ер эркек",
        "other": "other non-binary nonbinary nb trans transgender другое другой",
        "undisclosed": "unknown n/a - undisclosed",
    }
    for gender, words in expected.items():
        for word in words.split():
            assert GENDER_SPELLINGS[word] == gender, word
    assert GENDER_SPELLINGS["prefer not to say"] == "undisclosed"
    assert GENDER_SPELLINGS["не указано"] == "undisclosed"


def test_every_gender_spelling_in_any_case_is_normalised(memory_con, write_dir):
    rows = "\n".join(f'p{i},E1,"{raw}"' for i, (raw, _) in enumerate(GENDER_CASES))
    events = EVENTS_HEADER + "\nE1,T,A,school,2024-03-01,,Almaty,KAZ,,,,\n"
    result = load_into(
        memory_con, write_dir(events=events, participants="participant_id,event_id,gender\n" + rows)
    )
    assert not [i for i in result.report.warnings if i.code == "unknown_gender"]
    got = dict(_stored(memory_con, "select participant_id, gender from participants"))
    assert got == {f"p{i}": g for i, (_, g) in enumerate(GENDER_CASES)}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "participant"),
        ("Participant", "participant"),
        ("TRAINER", "trainer"),
        ("Facilitator", "facilitator"),
        ("staff", "staff"),
        ("Тренер", "trainer"),
    ],
)
def test_roles_in_any_case(memory_con, write_dir, raw, expected):
    events = EVENTS_HEADER + "\nE1,T,A,school,2024-03-01,,Almaty,KAZ,,,,\n"
    load_into(
        memory_con,
        write_dir(events=events, participants=f"participant_id,event_id,role\na,E1,{raw}\n"),
    )
    assert _stored(memory_con, "select role from participants") == [(expected,)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Training", "training"),
        ("WORKSHOP", "workshop"),
        ("Seminar", "seminar"),
        ("school", "school"),
        ("Camp", "camp"),
        ("Conference", "conference"),
        ("step_down", "step_down"),
        ("Step-down", "step_down"),
        ("step down", "step_down"),
        ("Other", "other"),
    ],
)
def test_event_types_in_any_case(memory_con, write_dir, raw, expected):
    events = EVENTS_HEADER + f"\nE1,T,A,{raw},2024-03-01,,Almaty,KAZ,,,,\n"
    load_into(memory_con, write_dir(events=events, participants="participant_id,event_id\n"))
    assert _stored(memory_con, "select event_type from events") == [(expected,)]


def test_countries_csv_adds_a_code_the_registry_does_not_know(memory_con, write_dir):
    folder = write_dir(
        events=EVENTS_HEADER + "\nE1,T,A,school,2024-03-01,,Pristina,XKX,,,,\n",
        participants="participant_id,event_id\n",
        countries="country_code,name,region,population\nXKX,Kosovo,Southern Europe,1800000\n",
    )
    result = store.load(memory_con, *sources(folder))
    assert result.applied, result.report.to_text()
    assert _stored(memory_con, "select country_code from events") == [("XKX",)]
    assert _stored(memory_con, "select name, population from countries") == [("Kosovo", 1800000)]
