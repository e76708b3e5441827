"""`pseudonymize`: the same rows in the same order, names out, one ID per person."""

from __future__ import annotations

import csv
import io

import pytest

from reach import pseudonymize
from reach.cli import main

NAMED = (
    "ФИО;Телефон;E-mail;Мероприятие;Пол;Год рождения\n"
    "Жумабаева Жанар Ериковна;+7 774 000 12 34;Janar.S@example.org;E1;ж;1990\n"
    "Aigerim Sadykova;+7 701 111 22 33;;E1;ж;1993\n"
    "Janar Zhumabaeva;87740001234;;E2;ж;\n"
    "Aigerim Sadykova;+7 702 444 55 66;;E2;ж;1987\n"
    "Timur Khasanov;;timur.k@example.org;E2;м;1985\n"
    "Хасанов Тимур;;TIMUR.K@EXAMPLE.ORG;E3;м;\n"
)
SECRETS = ("Жумабаева", "Zhumabaeva", "Janar", "Aigerim", "Sadykova", "Khasanov", "Хасанов",
           "774 000", "7740001234", "111 22 33", "example.org")  # fmt: skip


@pytest.mark.parametrize(
    ("header", "role"),
    [("ФИО", "full_name"), ("Full name", "full_name"), ("Name", "full_name"),
     ("Фамилия", "last_name"), ("Имя", "first_name"), ("Отчество", "patronymic"),
     ("Телефон", "phone"), ("Phone number", "phone"), ("E-mail", "email"), ("UIC", "uic"),
     ("Мероприятие", None), ("Пол", None), ("Год рождения", None), ("Организация", None)],
)  # fmt: skip
def test_each_identifying_header_gets_its_role(header, role):
    assert pseudonymize.role(header) == role


def run(tmp_path, monkeypatch, text: str) -> list[list[str]]:
    monkeypatch.setenv("REACH_KEY_FILE", str(tmp_path / "keys" / "reach.key"))
    src, out = tmp_path / "named.csv", tmp_path / "coded.csv"
    src.write_text(text, encoding="utf-8")
    assert main(["pseudonymize", str(src), "--out", str(out)]) == 0
    return list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))


def test_rows_keep_their_order_and_count_and_lose_every_identifying_column(tmp_path, monkeypatch):
    rows = run(tmp_path, monkeypatch, NAMED)
    assert rows[0] == ["participant_id", "Мероприятие", "Пол", "Год рождения"]
    assert [r[1:] for r in rows[1:]] == [
        ["E1", "ж", "1990"], ["E1", "ж", "1993"], ["E2", "ж", ""], ["E2", "ж", "1987"],
        ["E2", "м", "1985"], ["E3", "м", ""],
    ]  # fmt: skip
    ids = [r[0] for r in rows[1:]]
    # Rows 1 and 3: the same phone. Rows 5 and 6: the same e-mail. Rows 2 and 4 are namesakes
    # with different phones and birth years: two people.
    assert ids[0] == ids[2] and ids[4] == ids[5]
    assert len({ids[0], ids[1], ids[3], ids[4]}) == 4
    written = (tmp_path / "coded.csv").read_bytes().decode("utf-8-sig")
    for secret in SECRETS:
        assert secret.lower() not in written.lower()


def test_a_file_without_names_or_contacts_is_refused_with_a_sentence(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REACH_KEY_FILE", str(tmp_path / "keys" / "reach.key"))
    src = tmp_path / "plain.csv"
    src.write_text("participant_id,event_id\np1,E1\n", encoding="utf-8")
    assert main(["pseudonymize", str(src), "--out", str(tmp_path / "o.csv")]) == 1
    assert "has no column of names, phones, e-mails or UIC codes" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
