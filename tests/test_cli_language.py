"""The command line speaks the language of its environment (REACH_LANG, else the POSIX locale).

The Russian, Kazakh and Kyrgyz cases read the main catalogs (src/reach/locale/<lang>/), into
which the command line's messages (src/reach/locale/parts/cli/) are merged: until that merge
they print English and fail, by design (their names say so).
"""

from __future__ import annotations

import json

import pytest

from reach import i18n
from reach.cli import main

from .test_metrics import EVENTS, PARTICIPANTS

LOCALE_VARIABLES = ("REACH_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def good_dir(write_dir):
    return write_dir(events=EVENTS, participants=PARTICIPANTS)


@pytest.fixture
def speak(monkeypatch):
    """Set the environment's language as a shell would, with nothing else overriding it."""

    def _speak(**env: str) -> None:
        for name in LOCALE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)

    return _speak


def summary(capsys, folder) -> str:
    assert main(["summary", "--data", str(folder), "--program", "B"]) == 0
    return capsys.readouterr().out


# Hand-written: the scope line and the female share row of `summary --program B` (66.7%:
# a decimal comma in all three languages; Russian puts a no-break space before %).
EXPECTED = {
    "ru_RU.UTF-8": ("Фильтры: программы: B", "Доля женщин", "66,7\u00a0%"),
    "kk_KZ.UTF-8": ("Сүзгілер: бағдарламалар: B", "Әйелдер үлесі", "66,7%"),
    "ky_KG.UTF-8": ("Чыпкалар: программалар: B", "Аялдардын үлүшү", "66,7%"),
}


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_cli_summary_speaks_the_locale_language_needs_cli_catalog_merge(
    capsys, good_dir, speak, lang
):
    speak(LANG=lang)
    out = summary(capsys, good_dir)
    scope, female_share, share = EXPECTED[lang]
    assert scope in out.splitlines()
    row = next(line for line in out.splitlines() if line.startswith(female_share))
    assert row.endswith(share)
    assert "Scope:" not in out and "Female share" not in out


def test_cli_help_and_usage_errors_speak_russian_needs_cli_catalog_merge(capsys, speak):
    speak(LANG="ru_RU.UTF-8")
    with pytest.raises(SystemExit):
        main(["summary", "--help"])
    assert "вывести один объект JSON" in capsys.readouterr().out
    assert main(["demo", "unused", "--rows", "0"]) == 2
    assert "--rows должен быть не меньше 1" in capsys.readouterr().err


@pytest.mark.parametrize("env", [{"LANG": "C"}, {"LANG": "C.UTF-8"}, {}, {"LANG": "de_DE.UTF-8"}])
def test_cli_speaks_english_under_the_c_locale_or_an_unknown_language(capsys, good_dir, speak, env):
    speak(**env)
    out = summary(capsys, good_dir)
    assert "Scope: programs: B" in out.splitlines()
    row = next(line for line in out.splitlines() if line.startswith("Female share"))
    assert row.endswith("66.7%")


def test_reach_lang_wins_over_the_locale_needs_cli_catalog_merge(capsys, good_dir, speak):
    speak(LANG="en_US.UTF-8", REACH_LANG="ru")
    assert "Фильтры: программы: B" in summary(capsys, good_dir).splitlines()
    speak(LANG="ru_RU.UTF-8", REACH_LANG="en")
    assert "Scope: programs: B" in summary(capsys, good_dir).splitlines()


@pytest.mark.parametrize("lang", ["C", *EXPECTED])
def test_cli_json_is_the_same_in_every_language(capsys, good_dir, speak, lang):
    speak(LANG=lang)
    assert main(["summary", "--data", str(good_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["female_share"] == 0.5882 and "people_reached" in data


def test_cli_leaves_the_callers_language_as_it_found_it(capsys, good_dir, speak):
    speak(LANG="ru_RU.UTF-8")
    summary(capsys, good_dir)
    assert i18n.active() == i18n.DEFAULT


def test_report_lang_defaults_to_the_environments_language():
    from reach.cli import _parser

    with i18n.using(i18n.from_environment({"LANG": "kk_KZ.UTF-8"})):
        args = _parser().parse_args(["report", "--out", "r.pdf"])
    assert args.lang == "kk"
    with i18n.using("en"):
        assert _parser().parse_args(["report", "--out", "r.pdf"]).lang == "en"
