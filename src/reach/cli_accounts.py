"""`python -m reach accounts …`: create, list, change and remove local accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from . import accounts, extract, store

EXIT_OK, EXIT_ERRORS = 0, 1


def actor() -> str:
    """Who runs the command line, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def add_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """The `accounts` command and its sub-commands."""
    p = sub.add_parser("accounts", help="manage sign-in accounts (donor, director, analyst, admin)")
    acc = p.add_subparsers(dest="accounts_command", required=True)

    def db(q: argparse.ArgumentParser) -> None:
        q.add_argument("--db", type=Path, help=db_help)

    q = acc.add_parser("add", help="create an account (asks for the password)")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=accounts.ROLES)
    q.add_argument("--programs", action="append", default=[], metavar="PROGRAM",
                   help="limit the account to this program (repeat for several)")  # fmt: skip
    q.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    db(q)
    q = acc.add_parser("list", help="list the accounts")
    db(q)
    q = acc.add_parser("remove", help="delete an account")
    q.add_argument("name")
    db(q)
    q = acc.add_parser("set-password", help="give an account a new password")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    db(q)
    q = acc.add_parser("set-role", help="change an account's role")
    q.add_argument("name")
    q.add_argument("role", choices=accounts.ROLES)
    db(q)
    q = acc.add_parser("set-programs", help="limit an account to programs (none: every program)")
    q.add_argument("name")
    q.add_argument("--programs", action="append", default=[], metavar="PROGRAM")
    db(q)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise accounts.AccountError("The two passwords differ; nothing was changed.")
    return first


def sync_extract(store_path: Path, accounts_path: Path) -> None:
    """Give the published extract cells for every donor account's program scope."""
    store.ensure(store_path)
    with store.connect(store_path) as con:
        store.init_schema(con)
        extract.sync_scopes(con, accounts.donor_scopes(accounts_path))


def run(args: argparse.Namespace) -> int:
    """Run one `accounts` sub-command."""
    store_path = args.db or store.default_path()
    path = accounts.default_path(store_path)
    cmd, who = args.accounts_command, actor()
    try:
        if cmd == "list":
            table = accounts.listing(path)
            if table.empty:
                print("No accounts yet: the app runs in open mode (loopback only).")
            else:
                print(table.to_string(index=False))
            return EXIT_OK
        if cmd == "add":
            programs = tuple(args.programs)
            accounts.add(path, args.name, args.role, _password(args.password_stdin), programs)
            detail = f"role {args.role}" + (f"; programs {', '.join(programs)}" if programs else "")
            message = f"Account {args.name} ({args.role}) created."
        elif cmd == "remove":
            accounts.remove(path, args.name)
            detail, message = "", f"Account {args.name} removed."
        elif cmd == "set-password":
            accounts.set_password(path, args.name, _password(args.password_stdin))
            detail, message = "", f"Password of {args.name} changed."
        elif cmd == "set-role":
            accounts.set_role(path, args.name, args.role)
            detail, message = f"role {args.role}", f"{args.name} is now {args.role}."
        else:
            accounts.set_programs(path, args.name, tuple(args.programs))
            detail = ", ".join(args.programs) or "all programs"
            message = f"{args.name} now sees: {detail}."
    except accounts.AccountError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    accounts.audit(path, who, f"account {cmd}", f"{args.name}: {detail}".rstrip(": "))
    print(message)
    if cmd != "set-password":
        try:
            sync_extract(store_path, path)
        except store.StoreBusy:
            print(
                "WARNING The store is busy: the donor numbers for this account's programs "
                "will be built by the next load, or run this command again.",
                file=sys.stderr,
            )
    return EXIT_OK
