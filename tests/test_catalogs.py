"""The gettext catalogs: complete, never fuzzy, in step with the code, right for each language.

The code's messages are extracted with Babel the way a translator would (babel.cfg), then
compared with each catalog; a scan of the code finds words shown to people outside `_()`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from reach import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "reach" / "locale"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
KEYWORDS = {"_": None, "n_": (1, 2), "p_": ((1, "c"), 2), "N_": None}
METHODS = [("dashboard.py", "python"), ("pages/**.py", "python"), ("src/reach/**.py", "python")]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "reach.po").open("rb") as f:
        return read_po(f, locale=lang)


def _extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message the code marks for translation."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, directory_filter=lambda d: ".venv" not in d
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    return _extracted()


def test_the_code_marks_several_hundred_messages(extracted):
    assert len(extracted) > 400


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_code_is_in_the_catalog_and_nothing_else(lang, extracted):
    catalog = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalog(lang)}
    catalog.discard((None, ""))
    assert sorted(extracted - catalog, key=str) == [], "run the catalog update (README)"
    assert sorted(catalog - extracted, key=str) == [], "obsolete entries: update the catalog"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_entry_is_untranslated_or_fuzzy(lang):
    catalog = _catalog(lang)
    assert not catalog.fuzzy
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    empty = [m.id for m in catalog if m.id and not all(_forms(m.string))]
    assert fuzzy == [] and empty == []


def _built(arg: ast.expr) -> bool:
    """True for a message put together at run time: an f-string, a sum, a format or a join."""
    return isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr in ("format", "join", "replace")
    )


def _english(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


@pytest.mark.parametrize(
    ("lang", "forms"),
    [("ru", 3), ("kk", 2), ("ky", 2)],  # ru: one, few, many; kk and ky: one, other (CLDR)
)
def test_plural_entries_have_the_languages_number_of_forms(lang, forms):
    catalog = _catalog(lang)
    assert catalog.num_plurals == forms == get_plural(lang).num_plurals
    plurals = [m for m in catalog if m.pluralizable]
    assert plurals, "the code counts things: some entries are plural"
    assert all(len(m.string) == forms and all(m.string) for m in plurals)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder_of_the_english(lang):
    wrong = []
    for m in _catalog(lang):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for form in _forms(m.string):
            if set(PLACEHOLDER.findall(form)) - wanted or (
                not m.pluralizable and set(PLACEHOLDER.findall(form)) != wanted
            ):
                wrong.append(m.id)
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_are_written_in_cyrillic(lang):
    # An entry copied from the English would pass the other checks; a sentence with no
    # Cyrillic letter at all is one (short codes and names such as "CSV" or "ISO" excepted).
    latin_only = [
        m.id
        for m in _catalog(lang)
        if m.id
        and len(re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", _english(m.id)))) > 1
        and not any(re.search("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіҢң]", f) for f in _forms(m.string))
    ]
    assert latin_only == []


# --- the code: every message literal, and no words for people outside the catalogs --------

SOURCES = sorted(
    [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "src/reach").rglob("*.py")]
)
MARKERS = {"_", "n_", "p_", "N_"}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            yield name, node


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_message_is_a_plain_literal_babel_can_extract(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # A literal, or a name holding a literal marked with N_ where it was written (a table of
    # titles); never an f-string, a sum or a call, whose text Babel cannot see.
    bad = [
        node.lineno
        for name, node in _calls(tree)
        if name in MARKERS
        and isinstance(node.func, ast.Name)
        and any(_built(a) for a in node.args[: 2 if name in ("n_", "p_") else 1])  # not n
    ]
    assert bad == [], f"f-string or expression inside a message at lines {bad}"


# Streamlit calls whose first argument, and keywords, people read.
SHOWN = {
    "title", "header", "subheader", "caption", "markdown", "write", "info", "warning", "error",
    "success", "toast", "button", "download_button", "form_submit_button", "link_button",
    "selectbox", "multiselect", "radio", "checkbox", "toggle", "text_input", "text_area",
    "number_input", "date_input", "file_uploader", "slider", "select_slider", "metric",
    "expander", "popover", "spinner", "status", "tabs", "page_link", "segmented_control", "pills",
}  # fmt: skip
SHOWN_KEYWORDS = {
    "label", "help", "placeholder", "title", "caption", "xaxis_title", "yaxis_title",
    "legend_title_text", "text", "page_title", "body",
}  # fmt: skip
# Words that read the same in every language: formats, standards and the disclosure mark.
ALLOWED = {"CSV", "PDF", "HTML", "ISO", "SHA-256", "UTC", "JSON", "XLSX", "Reach"}


def _words(text: str) -> bool:
    """True when the text holds words a person reads (not a format, code or template)."""
    text = re.sub(r"%\{[^}]*\}|\{[^}]*\}|:material/\w+:|<[^>]+>|`[^`]*`", " ", text)
    words = re.findall(r"[^\W\d_]{2,}", text)
    return any(w not in ALLOWED for w in words)


def _shown_literals(node: ast.Call) -> list[ast.expr]:
    args = list(node.args[:1]) if node.args else []
    if isinstance(node.func, ast.Attribute) and node.func.attr == "tabs" and node.args:
        first = node.args[0]
        args = list(first.elts) if isinstance(first, (ast.List, ast.Tuple)) else []
    args += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
    return [
        a
        for a in args
        if (isinstance(a, ast.Constant) and isinstance(a.value, str) and _words(a.value))
        or (
            isinstance(a, ast.JoinedStr)
            and _words("".join(v.value for v in a.values if isinstance(v, ast.Constant)))
        )
    ]


# Reach's own modules, whose functions share names with Streamlit's ("frames.metric").
OURS = {
    "frames", "session", "charts", "charts_age", "charts_targets", "metrics", "donor", "labels",
    "targets_view", "report_view", "i18n", "filters", "auth", "language", "history", "review",
    "people", "store", "accounts", "targets", "router", "duplicates", "upload", "mapping",
}  # fmt: skip


def _streamlit(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and not (
        isinstance(func.value, ast.Name) and func.value.id in OURS
    )


UI_SOURCES = [
    p
    for p in SOURCES
    if p.parent.name in ("pages", "ui") or p.name in ("dashboard.py",) or "charts" in p.name
]


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_words_for_people_are_left_outside_the_catalogs(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    left = [
        (node.lineno, ast.unparse(arg)[:60])
        for name, node in _calls(tree)
        if name
        and (
            (_streamlit(node) and (name in SHOWN or name.startswith("update_")))
            or name in ("Page", "Figure", "dict")
        )
        for arg in _shown_literals(node)
    ]
    assert left == []
