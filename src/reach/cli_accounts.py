"""`python -m reach accounts …`: create, list, change and remove local accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from . import accounts, extract, i18n, store
from .i18n import _

EXIT_OK, EXIT_ERRORS = 0, 1
NO_LANGUAGE = "none"  # what `set-language` takes for "no default language"


def actor() -> str:
    """Who runs the command line, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def add_parser(sub: argparse._SubParsersAction, db_help: str) -> None:
    """The `accounts` command and its sub-commands."""
    p = sub.add_parser(
        "accounts", help=_("manage sign-in accounts (donor, director, analyst, admin)")
    )
    acc = p.add_subparsers(dest="accounts_command", required=True)

    def db(q: argparse.ArgumentParser) -> None:
        q.add_argument("--db", type=Path, help=db_help)

    def password_stdin(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--password-stdin", action="store_true", help=_("read the password from stdin")
        )

    q = acc.add_parser("add", help=_("create an account (asks for the password)"))
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=accounts.ROLES)
    q.add_argument("--programs", action="append", default=[], metavar="PROGRAM",
                   help=_("limit the account to this program (repeat for several)"))  # fmt: skip
    q.add_argument("--lang", choices=i18n.LANGUAGES, dest="language",
                   help=_("the account's default language (none if left out)"))  # fmt: skip
    password_stdin(q)
    db(q)
    q = acc.add_parser("list", help=_("list the accounts"))
    db(q)
    q = acc.add_parser("remove", help=_("delete an account"))
    q.add_argument("name")
    db(q)
    q = acc.add_parser("set-password", help=_("give an account a new password"))
    q.add_argument("name")
    password_stdin(q)
    db(q)
    q = acc.add_parser("set-role", help=_("change an account's role"))
    q.add_argument("name")
    q.add_argument("role", choices=accounts.ROLES)
    db(q)
    q = acc.add_parser("set-programs", help=_("limit an account to programs (none: every program)"))
    q.add_argument("name")
    q.add_argument("--programs", action="append", default=[], metavar="PROGRAM")
    db(q)
    q = acc.add_parser(
        "set-language",
        # Translators: "none" is typed as written (a command-line value): keep it in English.
        help=_("set an account's default language (none: no default)"),
    )
    q.add_argument("name")
    q.add_argument("language", choices=(*i18n.LANGUAGES, NO_LANGUAGE))
    db(q)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        raise accounts.AccountError(_("The two passwords differ; nothing was changed."))
    return first


def sync_extract(store_path: Path, accounts_path: Path) -> None:
    """Give the published extract cells for every donor account's program scope."""
    store.ensure(store_path)
    with store.connect(store_path) as con:
        store.init_schema(con)
        extract.sync_scopes(con, accounts.donor_scopes(accounts_path))


def _language_message(name: str, language: str | None) -> str:
    if language is None:
        return _("{name} has no default language now.").format(name=name)
    # Translators: {language} is the language's name in itself: Русский, Қазақ тілі, English.
    return _("{name} now starts in {language}.").format(name=name, language=i18n.name(language))


def run(args: argparse.Namespace) -> int:
    """Run one `accounts` sub-command."""
    store_path = args.db or store.default_path()
    path = accounts.default_path(store_path)
    cmd, who = args.accounts_command, actor()
    try:
        if cmd == "list":
            table = accounts.listing(path)
            if table.empty:
                print(_("No accounts yet: the app runs in open mode (loopback only)."))
            else:
                table["language"] = table["language"].fillna("-")
                print(table.to_string(index=False))
            return EXIT_OK
        if cmd == "add":
            programs = tuple(args.programs)
            accounts.add(path, args.name, args.role, _password(args.password_stdin), programs,
                         args.language)  # fmt: skip
            detail = f"role {args.role}" + (f"; programs {', '.join(programs)}" if programs else "")
            detail += f"; language {args.language}" if args.language else ""
            message = _("Account {name} ({role}) created.").format(
                name=args.name, role=accounts.role_name(args.role)
            )
        elif cmd == "remove":
            accounts.remove(path, args.name)
            detail, message = "", _("Account {name} removed.").format(name=args.name)
        elif cmd == "set-password":
            accounts.set_password(path, args.name, _password(args.password_stdin))
            detail, message = "", _("Password of {name} changed.").format(name=args.name)
        elif cmd == "set-role":
            accounts.set_role(path, args.name, args.role)
            detail = f"role {args.role}"
            message = _("{name} is now {role}.").format(
                name=args.name, role=accounts.role_name(args.role)
            )
        elif cmd == "set-language":
            language = None if args.language == NO_LANGUAGE else args.language
            accounts.set_language(path, args.name, language)
            detail = f"language {language or NO_LANGUAGE}"
            message = _language_message(args.name, language)
        else:
            accounts.set_programs(path, args.name, tuple(args.programs))
            detail = ", ".join(args.programs) or "all programs"
            if args.programs:
                message = _("{name} now sees: {programs}.").format(
                    name=args.name, programs=", ".join(args.programs)
                )
            else:
                message = _("{name} now sees: all programs.").format(name=args.name)
    except accounts.AccountError as exc:
        print(f"ERROR   {exc}", file=sys.stderr)
        return EXIT_ERRORS
    accounts.audit(path, who, f"account {cmd}", f"{args.name}: {detail}".rstrip(": "))
    print(message)
    if cmd not in ("set-password", "set-language"):
        try:
            sync_extract(store_path, path)
        except store.StoreBusy:
            warning = _(
                "The store is busy: the donor numbers for this account's programs will be "
                "built by the next load, or run this command again."
            )
            print(f"WARNING {warning}", file=sys.stderr)
    return EXIT_OK
