"""Accounts: hashing, throttling, the command line and the audit log."""

from __future__ import annotations

import io
import json
import sqlite3
import threading

import pytest

from reach import accounts, extract, store
from reach.cli import main

from .test_metrics import EVENTS, PARTICIPANTS

PASSWORD = "a long enough password"


@pytest.fixture
def db(hand_db):
    return hand_db


def cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_accounts_file_sits_beside_the_store(tmp_path, monkeypatch):
    monkeypatch.delenv("REACH_ACCOUNTS", raising=False)
    assert accounts.default_path(tmp_path / "x" / "reach.duckdb") == (
        tmp_path / "x" / "reach-accounts.sqlite"
    )
    monkeypatch.setenv("REACH_ACCOUNTS", str(tmp_path / "elsewhere.sqlite"))
    assert accounts.default_path(tmp_path / "reach.duckdb") == tmp_path / "elsewhere.sqlite"


def test_a_password_is_stored_only_as_an_argon2_hash(tmp_path):
    path = tmp_path / "acc.sqlite"
    accounts.add(path, "ann", "donor", PASSWORD)
    raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                               if path.with_name(path.name + "-wal").exists() else b"")  # fmt: skip
    assert PASSWORD.encode() not in raw
    (hashed,) = sqlite3.connect(path).execute("select password_hash from accounts").fetchone()
    assert hashed.startswith("$argon2id$")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("bad name", "donor", PASSWORD, "A user name is"),
        ("ann", "viewer", PASSWORD, "The role must be one of"),
        ("ann", "donor", "short", "at least 10 characters"),
    ],
)
def test_bad_account_details_get_a_sentence(tmp_path, name, role, password, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add(tmp_path / "acc.sqlite", name, role, password)


def test_the_wait_after_five_failures_doubles_with_each_further_failure(tmp_path):
    path = tmp_path / "acc.sqlite"
    accounts.add(path, "ann", "analyst", PASSWORD)
    now = 1_000_000.0
    for _ in range(4):
        assert accounts.authenticate(path, "ann", "wrong", now=now) is None
    assert accounts.authenticate(path, "ann", "wrong", now=now) is None  # 5th: wait 15 s
    with pytest.raises(accounts.Throttled) as waited:
        accounts.authenticate(path, "ann", PASSWORD, now=now + 10)
    assert 4 <= waited.value.seconds <= 5
    assert accounts.authenticate(path, "ann", "wrong", now=now + 16) is None  # 6th: 30 s
    with pytest.raises(accounts.Throttled):
        accounts.authenticate(path, "ann", PASSWORD, now=now + 16 + 29)
    assert accounts.authenticate(path, "ann", PASSWORD, now=now + 16 + 31).role == "analyst"
    # Success clears the count: one more failure does not wait.
    assert accounts.authenticate(path, "ann", "wrong", now=now + 100) is None
    assert accounts.authenticate(path, "ann", PASSWORD, now=now + 100) is not None


def test_an_unknown_name_is_throttled_like_a_known_one(tmp_path):
    path = tmp_path / "acc.sqlite"
    accounts.add(path, "ann", "analyst", PASSWORD)
    for _ in range(accounts.FREE_FAILURES):
        assert accounts.authenticate(path, "ghost", "x", now=0.0) is None
    with pytest.raises(accounts.Throttled):
        accounts.authenticate(path, "ghost", "x", now=1.0)


def test_the_hash_checked_for_an_unknown_name_uses_the_hashers_own_parameters():
    # A wrong name must cost what a wrong password costs: the stand-in hash verified for an
    # unknown name (written out in the module) is one the hasher would not rehash, so its
    # memory and time costs are the ones every stored hash has.
    assert accounts._DUMMY_HASH.startswith("$argon2id$")
    assert not accounts._HASHER.check_needs_rehash(accounts._DUMMY_HASH)
    assert accounts._HASHER.verify(accounts._DUMMY_HASH, "reach-timing-equaliser")


def test_the_account_commands_manage_accounts_and_leave_an_audit_trail(db, monkeypatch, capsys):
    d = ("--db", str(db))
    code, out, _ = cli(monkeypatch, capsys, "accounts", "add", "ann", "--role", "donor",
                       "--programs", "A", "--programs", "B", "--password-stdin", *d,
                       stdin=PASSWORD + "\n")  # fmt: skip
    assert (code, out.strip()) == (0, "Account ann (donor) created.")
    code, _, err = cli(monkeypatch, capsys, "accounts", "add", "ann", "--role", "admin",
                       "--password-stdin", *d, stdin=PASSWORD + "\n")  # fmt: skip
    assert (code, err.strip()) == (1, "ERROR   An account named ann already exists.")
    assert cli(monkeypatch, capsys, "accounts", "set-role", "ann", "director", *d)[0] == 0
    assert cli(monkeypatch, capsys, "accounts", "set-password", "ann", "--password-stdin", *d,
               stdin="another long password\n")[0] == 0  # fmt: skip
    code, out, _ = cli(monkeypatch, capsys, "accounts", "list", *d)
    assert "ann" in out and "director" in out and "A, B" in out and "$argon2" not in out
    path = accounts.default_path(db)
    assert accounts.authenticate(path, "ann", "another long password").role == "director"
    assert cli(monkeypatch, capsys, "accounts", "remove", "ann", *d)[0] == 0
    assert accounts.get(path, "ann") is None
    assert cli(monkeypatch, capsys, "accounts", "remove", "ann", *d)[0] == 1
    log = accounts.audit_log(path)
    assert list(log["action"])[::-1] == [
        "account add", "account set-role", "account set-password", "account remove",
    ]  # fmt: skip
    assert all(a.startswith("cli") for a in log["actor"])
    assert PASSWORD not in log.to_string() and "another long password" not in log.to_string()


def test_a_multi_program_donor_gets_its_own_cells_in_the_extract(db, monkeypatch, capsys):
    cli(monkeypatch, capsys, "accounts", "add", "ab", "--role", "donor", "--programs", "A",
        "--programs", "B", "--password-stdin", "--db", str(db), stdin=PASSWORD)  # fmt: skip
    with store.connect(db, read_only=True) as con:
        keys = {
            r[0] for r in con.execute("select distinct scope_key from published.cells").fetchall()
        }
    assert keys == {"*", extract.scope_key(["A", "B"])}
    cli(monkeypatch, capsys, "accounts", "remove", "ab", "--db", str(db))
    with store.connect(db, read_only=True) as con:
        keys = {
            r[0] for r in con.execute("select distinct scope_key from published.cells").fetchall()
        }
    assert keys == {"*"}


def test_a_load_from_the_command_line_says_who_made_it(db, monkeypatch, capsys, write_dir):
    folder = write_dir(events=EVENTS, participants=PARTICIPANTS)
    code, _, _ = cli(monkeypatch, capsys, "load", str(folder), "--db", str(db))
    assert code == 0
    with store.connect(db, read_only=True) as con:
        by = con.execute("select loaded_by from loads order by load_id desc limit 1").fetchone()
    assert by[0].startswith("cli")
    log = accounts.audit_log(accounts.default_path(db))
    assert log.iloc[0]["action"] == "load"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2024-01-01"], "--audience donor takes --year, not --from/--to"),
        (["--program", "A", "--program", "B"], "--audience donor takes at most one --program"),
        (["--country", "KAZ", "--country", "UZB"], "at most one --country"),
    ],
)
def test_the_donor_summary_refuses_scopes_a_donor_cannot_choose(db, capsys, argv, message):
    assert main(["summary", "--db", str(db), "--audience", "donor", *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_donor_summary_json_has_the_same_keys_with_strings_for_suppressed(db, capsys):
    assert main(["summary", "--db", str(db), "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert main(["summary", "--db", str(db), "--json", "--audience", "donor", "--year",
                 "2024"]) == 0  # fmt: skip
    published = json.loads(capsys.readouterr().out)
    assert list(published) == list(exact)
    # 2024: E1 E2 E3 E5 (program A and E5): listed p1..p6 + headcounts 10 + 8 = 24 → 25.
    assert published["people_reached"] == 25
    assert published["trainers"] == "<8"


def test_analysts_and_admins_cannot_be_limited_to_programs(tmp_path):
    path = tmp_path / "acc.sqlite"
    with pytest.raises(accounts.AccountError, match="cannot be limited to programs"):
        accounts.add(path, "ann", "analyst", PASSWORD, ("A",))
    accounts.add(path, "dora", "director", PASSWORD, ("A",))
    with pytest.raises(accounts.AccountError, match="cannot be limited to programs"):
        accounts.set_role(path, "dora", "admin")
    accounts.add(path, "ana", "analyst", PASSWORD)
    with pytest.raises(accounts.AccountError, match="cannot be limited to programs"):
        accounts.set_programs(path, "ana", ("A",))
    assert accounts.get(path, "dora").role == "director"


def test_a_password_typed_as_the_username_is_never_kept_in_plain(tmp_path):
    path = tmp_path / "acc.sqlite"
    accounts.add(path, "ann", "analyst", PASSWORD)
    typed = "Tr0ub4dor&3 secret"
    assert accounts.authenticate(path, typed, "x", now=0.0) is None
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("acc.sqlite"))
    assert typed.encode() not in raw
    # ...and yet that typed name is throttled like any other.
    for _ in range(accounts.FREE_FAILURES - 1):
        accounts.authenticate(path, typed, "x", now=0.0)
    with pytest.raises(accounts.Throttled):
        accounts.authenticate(path, typed, "x", now=1.0)


class _HeldCheck:
    """A stand-in for an Argon2 check that holds its place until released, counting how many
    are inside at once."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.inside = self.most = self.arrived = 0
        self.release = threading.Event()

    def arrive(self) -> None:
        with self.lock:
            self.arrived += 1
            self.lock.notify_all()

    def check(self, *_args: str) -> bool:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
            self.lock.notify_all()
        self.release.wait(timeout=30)
        with self.lock:
            self.inside -= 1
        return True


def test_at_most_the_allowed_number_of_password_checks_run_at_once(monkeypatch):
    # Each Argon2 check holds 64 MiB: six sign-ins at once may run only two checks together.
    monkeypatch.setattr(accounts, "_CHECKS", threading.BoundedSemaphore(2))
    held = _HeldCheck()

    def sign_in() -> None:
        held.arrive()
        accounts._argon2(held.check, "hash", "password")

    threads = [threading.Thread(target=sign_in) for _ in range(6)]
    for t in threads:
        t.start()
    with held.lock:
        assert held.lock.wait_for(lambda: held.arrived == 6 and held.inside == 2, timeout=30)
    held.release.set()
    for t in threads:
        t.join(timeout=30)
    assert held.most == 2 and held.inside == 0


def test_concurrent_sign_ins_all_get_their_accounts(tmp_path):
    path = tmp_path / "accounts.sqlite"
    accounts.add(path, "amina", "director", "correct horse battery")
    found: list[str] = []

    def sign_in() -> None:
        found.append(accounts.authenticate(path, "amina", "correct horse battery").name)

    threads = [threading.Thread(target=sign_in) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert found == ["amina"] * 5
