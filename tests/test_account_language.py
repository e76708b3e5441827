"""An account's default language: set with the accounts API, the command line and the
Accounts page, refused when Reach does not speak it, and carried into the signed-in session."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reach import accounts
from reach.cli import main

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The expectations are in English, whatever language this machine's locale speaks."""
    monkeypatch.setenv("REACH_LANG", "en")


@pytest.fixture
def path(tmp_path, monkeypatch):
    """An accounts file of its own in tmp_path, used by the command line too."""
    file = tmp_path / "acc.sqlite"
    monkeypatch.setenv("REACH_ACCOUNTS", str(file))
    return file


def cli(monkeypatch, capsys, tmp_path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["accounts", *argv, "--db", str(tmp_path / "reach.duckdb")])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


def test_an_account_is_created_with_the_language_given_and_none_otherwise(path):
    assert accounts.add(path, "ann", "donor", PASSWORD, language="ru").language == "ru"
    accounts.add(path, "bob", "admin", PASSWORD)
    assert accounts.get(path, "ann") == accounts.Account("ann", "donor", (), "ru")
    assert accounts.get(path, "bob") == accounts.Account("bob", "admin", (), None)


def test_set_language_changes_the_default_and_none_clears_it(path):
    accounts.add(path, "ann", "director", PASSWORD, ("A",))
    accounts.set_language(path, "ann", "ky")
    assert accounts.get(path, "ann").language == "ky"
    # Signing in hands the language over with the account.
    assert accounts.authenticate(path, "ann", PASSWORD) == accounts.Account(
        "ann", "director", ("A",), "ky"
    )
    accounts.set_language(path, "ann", None)
    assert accounts.get(path, "ann").language is None


def test_a_language_reach_does_not_speak_is_refused_with_a_sentence_and_nothing_changes(path):
    accounts.add(path, "ann", "donor", PASSWORD, language="kk")
    with pytest.raises(accounts.AccountError) as refused:
        accounts.set_language(path, "ann", "de")
    assert str(refused.value) == "Reach does not speak de: use one of en, ru, kk, ky, or none."
    assert accounts.get(path, "ann").language == "kk"
    # A code with a region is not a code Reach stores.
    with pytest.raises(accounts.AccountError, match="Reach does not speak ru-RU"):
        accounts.add(path, "bob", "donor", PASSWORD, language="ru-RU")
    assert accounts.get(path, "bob") is None


def test_setting_the_language_of_an_unknown_account_says_there_is_none(path):
    with pytest.raises(accounts.AccountError, match="^There is no account named ghost.$"):
        accounts.set_language(path, "ghost", "ru")


def test_the_listing_shows_each_accounts_language_code_or_none(path):
    accounts.add(path, "ann", "donor", PASSWORD, language="ru")
    accounts.add(path, "bob", "donor", PASSWORD)
    table = accounts.listing(path)
    assert list(table["name"]) == ["ann", "bob"]
    assert table["language"].iloc[0] == "ru" and table["language"].isna().iloc[1]


def test_the_command_line_adds_with_lang_changes_with_set_language_and_audits_both(
    path, tmp_path, monkeypatch, capsys
):
    code, out, _ = cli(monkeypatch, capsys, tmp_path, "add", "ann", "--role", "donor",
                       "--lang", "kk", "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert (code, out) == (0, "Account ann (donor) created.")
    assert accounts.get(path, "ann").language == "kk"
    assert cli(monkeypatch, capsys, tmp_path, "set-language", "ann", "ru")[:2] == (
        0,
        "ann now starts in Русский.",
    )
    assert accounts.get(path, "ann").language == "ru"
    code, out, _ = cli(monkeypatch, capsys, tmp_path, "list")
    assert code == 0 and out.splitlines()[1].split()[:4] == ["ann", "donor", "(all)", "ru"]
    assert cli(monkeypatch, capsys, tmp_path, "set-language", "ann", "none")[:2] == (
        0,
        "ann has no default language now.",
    )
    assert accounts.get(path, "ann").language is None
    code, out, _ = cli(monkeypatch, capsys, tmp_path, "list")
    assert out.splitlines()[1].split()[:4] == ["ann", "donor", "(all)", "-"]
    log = accounts.audit_log(path)
    assert list(zip(log["action"], log["detail"], strict=True))[::-1] == [
        ("account add", "ann: role donor; language kk"),
        ("account set-language", "ann: language ru"),
        ("account set-language", "ann: language none"),
    ]


def test_the_command_line_refuses_an_unknown_language_and_an_unknown_account(
    path, tmp_path, monkeypatch, capsys
):
    with pytest.raises(SystemExit) as usage:
        cli(monkeypatch, capsys, tmp_path, "set-language", "ann", "de")
    assert usage.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
    code, _, err = cli(monkeypatch, capsys, tmp_path, "set-language", "ghost", "ky")
    assert (code, err) == (1, "ERROR   There is no account named ghost.")
    assert accounts.audit_log(path).empty


def app(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_signing_in_carries_the_accounts_language_and_a_change_reaches_the_next_run(hand_db):
    path = accounts.default_path(hand_db)
    accounts.add(path, "ada", "admin", PASSWORD, language="kk")
    at = app()
    at.text_input(key="signin_name").input("ada")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button(key="signin_submit").click().run()
    assert not at.exception, at.exception
    assert at.session_state["viewer"].language == "kk"
    accounts.set_language(path, "ada", None)
    at.run()
    assert at.session_state["viewer"].language is None


def test_an_admin_sets_an_accounts_language_on_the_accounts_page(hand_db):
    from reach.ui.auth import Viewer

    path = accounts.default_path(hand_db)
    accounts.add(path, "ada", "admin", PASSWORD)
    accounts.add(path, "don", "donor", PASSWORD)
    at = app(viewer=Viewer("ada", "admin"))
    at.switch_page("pages/accounts.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="acc_new_language").options == [
        "No default (the browser's language)", "English", "Русский", "Қазақ тілі", "Кыргызча",
    ]  # fmt: skip
    at.selectbox(key="acc_change").set_value("don")
    at.selectbox(key="acc_new_language").set_value("ky")
    at.button(key="acc_set_language").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved: set-language don."]
    assert accounts.get(path, "don").language == "ky"
    log = accounts.audit_log(path)
    assert tuple(log.iloc[0][["actor", "action", "detail"]]) == (
        "ada", "account set-language", "don: language ky",
    )  # fmt: skip
