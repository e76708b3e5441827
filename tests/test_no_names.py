"""After named lists are loaded, no name, phone or e-mail is anywhere Reach writes.

Generated lists in both scripts (Cyrillic and Latin, every transliteration habit) are loaded
through the command line and the Data page, reviewed, exported, summarised, backed up and
pseudonymised; then the store file's bytes, every cell of every table, the logs, the printed
output and every exported file are searched for each name, phone and e-mail.
"""

from __future__ import annotations

import csv
import io
import logging
import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from reach import namegen, normalize, store
from reach.cli import main
from reach.export import contract_files, safe_csv

from .test_app import ROOT
from .test_identifiers import every_cell

NAME_KEYS = ("full_name", "last_name", "first_name", "patronymic")


def named_lists(seed: int) -> tuple[list[list[dict[str, str]]], str]:
    """Six generated lists (about 120 rows) and an events file for them."""
    people = namegen.make_population(60, seed=seed)
    lists = namegen.make_lists(people, 6, seed=seed, rows_per_list=(15, 25)).lists
    # One person known by name alone, in two scripts: a pair the review must list.
    lists[0].append({"full_name": "Назарбаева Айгуль", "event_id": "E00001", "gender": "Ж"})
    lists[1].append({"full_name": "Aigul Nazarbayeva", "event_id": "E00002", "gender": "Ж"})
    events = "event_id,title,event_type,start_date,country_code\n" + "".join(
        f"E{i + 1:05d},Training {i + 1},training,2025-0{i + 1}-10,KAZ\n" for i in range(6)
    )
    return lists, events


def as_csv(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def secrets_of(lists: list[list[dict[str, str]]]) -> set[str]:
    """Every name word (4+ letters), e-mail and phone (its last 7 digits) in the lists."""
    found: set[str] = set()
    for rows in lists:
        for row in rows:
            for key in NAME_KEYS:
                found.update(w for w in re.findall(r"\w+", row.get(key, "")) if len(w) >= 4)
            if row.get("email"):
                found.add(row["email"].strip())
            digits = re.sub(r"\D", "", row.get("phone", ""))
            if len(digits) >= 7:
                found.add(digits[-7:])
    return found


def shipped_spellings() -> str:
    """Every spelling Reach itself ships and a store keeps (countries and labels in every
    language Reach speaks), as one lower-case text."""
    with duckdb.connect() as con:
        normalize.install_lookups(con)
        return every_cell(con).lower()


# Digests and keyed encodings (HMAC-SHA256 in hex) are long runs of hex digits, and any run of
# digits can sit inside one by chance: here 51 phones' last 7 digits against about 190,000
# windows of 7 hex digits, keyed anew in every run, make 0.04 chance hits a run (one failed
# so). They are not searched. A phone alone is never this long (E.164 allows 15 digits), so a
# phone kept as it is, or as its digits, is still found.
HEX_RUN = re.compile(r"[0-9a-f]{16,}")


def leaked(text: str, secrets: set[str]) -> list[str]:
    folded = HEX_RUN.sub(" ", text.lower())
    return sorted(s for s in secrets if s.lower() in folded)


@pytest.fixture
def loaded(tmp_path, monkeypatch, caplog, capsys):
    """A store holding four named lists loaded by the command line and two by the Data page."""
    caplog.set_level(logging.DEBUG)
    lists, events = named_lists(seed=3)
    path = tmp_path / "reach.duckdb"
    monkeypatch.setenv("REACH_DB", str(path))
    printed = []
    for i, rows in enumerate(lists[:4]):
        folder = tmp_path / f"list{i}"
        folder.mkdir()
        (folder / "events.csv").write_text(events, encoding="utf-8")
        # Semicolons and Windows-1251 too, as Russian-locale Excel writes them.
        data = as_csv(rows, ";" if i % 2 else ",")
        if i == 3:
            data = data.decode("utf-8").encode("cp1251", errors="replace")
        (folder / "participants.csv").write_bytes(data)
        assert main(["validate", str(folder)]) == 0
        assert main(["load", str(folder), "--db", str(path)]) == 0
    printed.append(capsys.readouterr())
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    for i in (4, 5):
        at.file_uploader(key="file_participants").set_value(
            (f"list{i}.csv", as_csv(lists[i]), "text/csv")
        )
        at.run()
        at.button(key="commit").click().run()
        assert not at.exception and any("committed" in s.value for s in at.success)
    return path, secrets_of(lists), printed, lists


def test_no_name_phone_or_email_is_in_the_store_the_logs_the_output_or_any_export(
    loaded, tmp_path, caplog, capsys
):
    path, secrets, printed, lists = loaded
    assert len(secrets) > 200  # names in both scripts, phones and e-mails
    # A name inside a country's name ("Аскар" in "Мадагаскар", "Илья" in "Ангилья") is in
    # every store, whoever was loaded: such names are not looked for. They are few.
    shipped = shipped_spellings()
    inside = {s for s in secrets if s.lower() in shipped}
    assert len(inside) <= 10, sorted(inside)
    secrets -= inside
    assert any(re.search("[а-яәғқңөұүі]", s.lower()) for s in secrets)
    assert any(re.fullmatch("[a-z]+", s.lower()) for s in secrets)
    texts: dict[str, str] = {}
    # The printed output of validate and load, and of the commands below.
    texts["load output"] = "".join(p.out + p.err for p in printed)
    for command in (
        ["duplicates", "--db", str(path)],
        ["duplicates", "--db", str(path), "--json"],
        ["summary", "--db", str(path), "--json"],
        ["summary", "--db", str(path), "--audience", "donor"],
    ):
        assert main(command) == 0
        out = capsys.readouterr()
        texts[" ".join(command[:1] + command[3:])] = out.out + out.err
    # The review found pairs to show (so the commands above listed something).
    assert "pair " in texts["duplicates"]
    # Every export: the contract files, a backup, and a pseudonymised list.
    with store.connect(path, read_only=True) as con:
        for name, frame in contract_files(con).items():
            texts[name] = safe_csv(frame).decode("utf-8-sig")
        # Every cell of every table, in case the file compresses a string out of sight.
        texts["every cell"] = every_cell(con)
    assert main(["backup", str(tmp_path / "backup"), "--db", str(path)]) == 0
    named = tmp_path / "named.csv"
    named.write_bytes(as_csv(lists[0]))
    assert main(["pseudonymize", str(named), "--out", str(tmp_path / "coded.csv"),
                 "--db", str(path)]) == 0  # fmt: skip
    texts["pseudonymised"] = (tmp_path / "coded.csv").read_text(encoding="utf-8-sig")
    out = capsys.readouterr()
    texts["backup and pseudonymize output"] = out.out + out.err
    texts["logs"] = "\n".join(r.getMessage() for r in caplog.records)
    # The store's bytes (and its write-ahead log), the accounts file and the backup's files.
    files = [path, path.with_name(path.name + ".wal"), *path.parent.glob("*.sqlite*"),
             *(tmp_path / "backup").rglob("*")]  # fmt: skip
    for file in files:
        if file.is_file():
            raw = file.read_bytes()
            texts[str(file.name)] = raw.decode("utf-8", errors="ignore") + raw.decode(
                "cp1251", errors="ignore"
            )
    found = {name: leaked(text, secrets) for name, text in texts.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    # And the scan would find them: the lists themselves are full of them.
    assert len(leaked(as_csv(lists[0]).decode("utf-8"), secrets)) > 20
