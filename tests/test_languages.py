"""Reach in Russian, Kazakh and Kyrgyz: values read in those languages, and shown in the reader's;
numbers, dates and plurals each language's way; one language per session, never a global one."""

from __future__ import annotations

import datetime as dt
import threading

import duckdb
import pytest

from reach import i18n, labels, normalize, store

NBSP = "\u00a0"
NNBSP = "\u202f"  # CLDR's narrow no-break space, between a year and its abbreviation


# --- values written in Russian, Kazakh and Kyrgyz are read --------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Тренинг", "training"),
        ("тренинг", "training"),
        ("Семинар", "seminar"),
        ("Школа", "school"),
        ("лагерь", "camp"),
        ("Конференция", "conference"),
        ("Каскадный тренинг", "step_down"),
        ("каскадный  тренинг", "step_down"),
        ("обучающий тренинг", "training"),
        ("Мастер-класс", "workshop"),
        ("оқыту", "training"),  # kk: teaching, training
        ("Мектеп", "school"),  # kk and ky
        ("Каскадтық тренинг", "step_down"),  # kk
        ("шеберлік сабағы", "workshop"),  # kk
        ("окутуу", "training"),  # ky
        ("Каскаддык тренинг", "step_down"),  # ky
        ("Башка", "other"),  # ky
        ("Басқа", "other"),  # kk
    ],
)
def test_event_types_written_in_russian_kazakh_or_kyrgyz_are_read(written, code):
    assert normalize.event_type(written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("тренер", "trainer"),
        ("Фасилитатор", "facilitator"),
        ("участник", "participant"),
        ("Участница", "participant"),
        ("қатысушы", "participant"),  # kk
        ("Жаттықтырушы", "trainer"),  # kk: coach, used for trainers too
        ("катышуучу", "participant"),  # ky
        ("Кызматкер", "staff"),  # ky
        ("қызметкер", "staff"),  # kk
    ],
)
def test_roles_written_in_russian_kazakh_or_kyrgyz_are_read(written, code):
    assert normalize.spellings("role")[written.strip().lower()] == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Кыргызстан", "KGZ"),  # ky (and how Kyrgyzstan's own Russian speakers write it)
        ("Киргизия", "KGZ"),  # ru (CLDR)
        ("Қырғызстан", "KGZ"),  # kk
        ("Казахстан", "KAZ"),  # ru
        ("Қазақстан", "KAZ"),  # kk
        ("Казакстан", "KAZ"),  # ky
        ("Узбекистан", "UZB"),  # ru
        ("Өзбекстан", "UZB"),  # kk, ky
        ("Таджикистан", "TJK"),  # ru
        ("Тәжікстан", "TJK"),  # kk
        ("Тажикстан", "TJK"),  # ky
        ("Ресей", "RUS"),  # kk
        ("Россия", "RUS"),  # ru, ky
        ("Грузия", "GEO"),
        ("Армения", "ARM"),
        ("Туркменистан", "TKM"),
    ],
)
def test_country_names_written_in_russian_kazakh_or_kyrgyz_are_read(written, code):
    assert normalize.country(written) == code


def test_a_name_two_sources_give_to_different_countries_is_not_guessed():
    # "Конго" is the Republic of the Congo in one source and the DR Congo in another.
    assert normalize.country("Конго") is None


EVENTS_RU = """event_id,title,event_type,start_date,country_code,program
E1,Школа лидеров,Школа,10.01.2024,Казахстан,A
E2,Тренинг в Оше,Каскадный тренинг,01.03.2024,Кыргызстан,A
E3,Семинар,семинар,01.06.2024,Өзбекстан,A
"""
PARTICIPANTS_RU = """participant_id,event_id,gender,role
p1,E1,ж,участник
p2,E1,м,Тренер
p3,E2,Аял,Катышуучу
p4,E3,,фасилитатор
"""


def test_a_russian_kazakh_and_kyrgyz_spreadsheet_loads_with_codes_stored(tmp_path, write_dir):
    path = tmp_path / "store.duckdb"
    result = store.load_dir(path, write_dir(events=EVENTS_RU, participants=PARTICIPANTS_RU))
    assert result.applied
    with duckdb.connect(str(path), read_only=True) as con:
        events = con.execute(
            "select event_id, event_type, country_code from events order by event_id"
        ).fetchall()
        people = con.execute(
            "select participant_id, gender, role from participants order by participant_id"
        ).fetchall()
    assert events == [("E1", "school", "KAZ"), ("E2", "step_down", "KGZ"), ("E3", "seminar", "UZB")]
    assert people == [
        ("p1", "female", "participant"),
        ("p2", "male", "trainer"),
        ("p3", "female", "participant"),
        ("p4", "undisclosed", "facilitator"),
    ]


@pytest.mark.parametrize(
    ("lang", "row", "accepted"),
    [
        ("en", "row 2", "training, workshop, seminar"),
        ("ru", "строка 2", "тренинг, воркшоп, семинар, школа, лагерь, конференция, каскадный"),
        ("kk", "2-жол", "тренинг, шеберлік сабағы, семинар, мектеп"),
        ("ky", "2-сап", "тренинг, практикалык сабак, семинар, мектеп"),
    ],
)
def test_a_validation_message_in_each_language_keeps_file_row_column_and_value(
    tmp_path, write_dir, lang, row, accepted
):
    folder = write_dir(
        events="event_id,title,event_type,start_date,country_code\nE1,Школа,Вебинар,10.01.2024,KAZ\n"
    )
    with i18n.using(lang):
        result = store.load_dir(tmp_path / "store.duckdb", folder)
        text = result.to_text()
    assert not result.applied
    first = text.splitlines()[0]
    for kept in ("events.csv", row, "event_type", "Вебинар", accepted):
        assert kept in first


# --- values are shown in the reader's language, whatever they were loaded in ---------------


@pytest.mark.parametrize(
    ("lang", "kind", "code", "shown"),
    [
        ("en", "event_type", "step_down", "Step-down"),
        ("ru", "event_type", "step_down", "Каскадный тренинг"),
        ("kk", "event_type", "step_down", "Каскадтық тренинг"),
        ("ky", "event_type", "step_down", "Каскаддык тренинг"),
        ("ru", "event_type", "training", "Тренинг"),
        ("kk", "event_type", "school", "Мектеп"),
        ("ru", "role", "trainer", "Тренер"),
        ("kk", "role", "participant", "Қатысушы"),
        ("ky", "role", "participant", "Катышуучу"),
        ("ru", "gender", "female", "Женщины"),
        ("ky", "gender", "male", "Эркектер"),
        ("en", "country", "KGZ", "Kyrgyzstan"),
        ("ru", "country", "KGZ", "Киргизия"),
        ("kk", "country", "KGZ", "Қырғызстан"),
        ("ky", "country", "KGZ", "Кыргызстан"),
        ("ru", "country", "KAZ", "Казахстан"),
        ("kk", "country", "KAZ", "Қазақстан"),
        ("ru", "indicator", "people_reached", "Охвачено людей"),
        ("ru", "age_band", "unknown", "Возраст неизвестен"),
        ("ru", "age_band", "18-24", "18-24"),
        ("ru", "program", "Almaty school", "Almaty school"),
    ],
)
def test_codes_are_shown_in_the_readers_language(lang, kind, code, shown):
    with i18n.using(lang):
        assert labels.label(kind, code) == shown


# --- numbers, dates and plurals, each language's way (Babel) -------------------------------


@pytest.mark.parametrize(
    ("lang", "number", "share", "day", "month"),
    [
        ("en", "5,374", "69.4%", "2026-11-24", "Jan 2024"),
        ("ru", f"5{NBSP}374", f"69,4{NBSP}%", "24.11.2026", f"янв. 2024{NNBSP}г."),
        ("kk", f"5{NBSP}374", "69,4%", "24.11.2026", f"2024{NNBSP}ж. қаң."),
        ("ky", f"5{NBSP}374", "69,4%", "24.11.2026", "2024-ж. янв."),
    ],
)
def test_numbers_shares_and_dates_are_written_each_languages_way(lang, number, share, day, month):
    with i18n.using(lang):
        assert i18n.number(5374) == number
        assert i18n.percent(0.694, 1) == share
        assert i18n.day(dt.date(2026, 11, 24)) == day
        assert i18n.month(dt.date(2024, 1, 15)) == month


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", ["1 event", "2 events", "5 events", "21 events"]),
        ("ru", ["1 мероприятие", "2 мероприятия", "5 мероприятий", "21 мероприятие"]),
        ("kk", ["1 іс-шара", "2 іс-шара", "5 іс-шара", "21 іс-шара"]),
        ("ky", ["1 иш-чара", "2 иш-чара", "5 иш-чара", "21 иш-чара"]),
    ],
)
def test_counts_agree_with_their_number_in_each_language(lang, counts):
    with i18n.using(lang):
        shown = [i18n.n_("{n} event", "{n} events", n).format(n=n) for n in (1, 2, 5, 21)]
    assert shown == counts


# --- which language: URL, choice, account, setting, browser; one per session ---------------


@pytest.mark.parametrize(
    ("candidates", "lang"),
    [
        (("ru", "kk", "ky"), "ru"),  # the URL's wins
        ((None, "kk", "ky"), "kk"),  # then the choice
        ((None, None, "ky-KG"), "ky"),  # a browser's locale
        (("de", None, "ru_RU.UTF-8"), "ru"),  # a language Reach does not speak is passed over
        ((None, "", None), "en"),
    ],
)
def test_the_first_language_reach_speaks_is_picked(candidates, lang):
    assert i18n.pick(*candidates) == lang


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "kk_KZ.UTF-8"}, "kk"),
        ({"LC_ALL": "ky_KG.UTF-8", "LANG": "en_US.UTF-8"}, "ky"),
        ({"LANGUAGE": "de:ru", "LANG": "C.UTF-8"}, "ru"),
        ({"REACH_LANG": "kk", "LANG": "ru_RU.UTF-8"}, "kk"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_a_command_line_speaks_the_language_of_its_environment(env, lang):
    assert i18n.from_environment(env) == lang


def test_two_sessions_at_once_each_keep_their_own_language():
    # Streamlit runs each session's script in a thread of its own: a language activated in
    # one must never show in another, as a process-wide gettext.install() would.
    seen: dict[str, list[str]] = {}
    ready = threading.Barrier(2)

    def session(lang: str) -> None:
        i18n.activate(lang)
        ready.wait(timeout=30)  # both languages are active at the same moment
        seen[lang] = [i18n.active(), labels.label("event_type", "training"), i18n.number(5374)]

    threads = [threading.Thread(target=session, args=(lang,)) for lang in ("ru", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen == {"ru": ["ru", "Тренинг", f"5{NBSP}374"], "en": ["en", "Training", "5,374"]}
    assert i18n.active() == "en"  # this thread never changed language


def test_an_unknown_language_is_refused_with_the_languages_reach_speaks():
    with pytest.raises(i18n.UnknownLanguage, match="en, ru, kk, ky"):
        i18n.check("de")
