"""Accepted spellings as DuckDB lookup tables, and the same rules for single values."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

import babel
import countryinfo
import duckdb
import pandas as pd
import pycountry

from . import contract, countries, i18n, labels, sqlfiles
from .contract import EVENT_TYPE_SPELLINGS, GENDER_SPELLINGS, ROLE_SPELLINGS
from .i18n import _

# Characters that show nothing yet make two IDs differ: zero-width space, non-joiner and joiner,
# word joiner, zero-width no-break space (a byte-order mark inside a file) and soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE)

# The staged ID columns, rewritten in place by normalise_ids.
ID_COLUMNS = (
    ("stg_events", "event_id"),
    ("stg_events", "parent_event_id"),
    ("stg_participants", "participant_id"),
    ("stg_participants", "event_id"),
)

# Printable ASCII and Cyrillic: no character there has a compatibility form, so NFKC leaves
# an ID of them that is already in NFC as it is (tests/test_ids.py checks the characters).
_NFKC_STABLE = r"[\x20-\x7e\x{0400}-\x{052f}]*"

# Cyrillic letters and the Latin letters they look like (common ones of Unicode's confusables),
# one to one: Ү, not У, is Y; Н, not Һ, is H. Two IDs that read the same once these are
# swapped look the same on screen.
LATIN_LOOKALIKES = dict(
    zip(
        "АВЕКМНОРСТХҮЅІЈԚԜЁЇаеорсухѕіјһԛԝԁёїӏ",
        "ABEKMHOPCTXYSIJQWËÏaeopcyxsijhqwdëïl",
        strict=True,
    )
)
_TO_LATIN = str.maketrans(LATIN_LOOKALIKES)


def identifier(value: str) -> str | None:
    """An ID as stored: invisible characters dropped, NFKC, white space trimmed; None if blank."""
    return unicodedata.normalize("NFKC", value.translate(_DROP_INVISIBLE)).strip() or None


def normalise_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the staged IDs through `identifier`; Python sees each distinct changeable ID once."""
    ids = " union all ".join(f"select {column} as id from {table}" for table, column in ID_COLUMNS)
    # DuckDB has nfc_normalize but no NFKC, so Python takes the distinct IDs NFKC could change.
    # An all-ASCII ID needs only the staging SQL's trim; DuckDB's column statistics answer
    # `strlen <> length` (a character beyond ASCII) at once for an all-ASCII list.
    candidates = con.execute(
        f"""
        select id from (select distinct id from ({ids}) where strlen(id) <> length(id))
        where not (regexp_full_match(id, $stable) and nfc_normalize(id) = id)
        """,
        {"stable": _NFKC_STABLE},
    ).fetchall()
    normalised = ((raw, identifier(raw)) for (raw,) in candidates)
    changed = [(raw, new) for raw, new in normalised if new != raw]
    if not changed:
        return
    con.register("_id_df", pd.DataFrame(changed, columns=["raw", "id"], dtype="object"))
    con.execute("create or replace temp table id_spelling as select * from _id_df")
    con.unregister("_id_df")
    for table, column in ID_COLUMNS:
        con.execute(
            f"update {table} set {column} = m.id from id_spelling as m "
            f"where {table}.{column} = m.raw"
        )


def install_lookalikes(con: duckdb.DuckDBPyConnection) -> None:
    """Table id_lookalike: each ID in all_people with a Cyrillic look-alike letter, in Latin."""
    cyrillic, latin = "".join(LATIN_LOOKALIKES), "".join(LATIN_LOOKALIKES.values())
    # The column statistics skip an all-ASCII list at once. DuckDB's translate() rebuilds its
    # map for every value, so Python swaps the letters of the distinct IDs that need it.
    ids = con.execute(
        """
        select distinct participant_id from all_people
        where strlen(participant_id) <> length(participant_id)
            and regexp_matches(participant_id, $cyrillic)
        """,
        {"cyrillic": f"[{cyrillic}]"},
    ).df()
    # As the map is one to one, two IDs read the same only if one holds the Latin letter that
    # the other's Cyrillic letter looks like: a list of Cyrillic IDs alone needs nothing more.
    if len(ids) and not sqlfiles.scalar(
        con,
        "select exists (select 1 from all_people where regexp_matches(participant_id, $latin))",
        {"latin": f"[{latin}]"},
    ):
        ids = ids.iloc[:0]
    ids["skeleton"] = ids["participant_id"].str.translate(_TO_LATIN)
    con.register("_lookalike_df", ids)
    con.execute(
        "create or replace temp table id_lookalike as "
        "select participant_id::varchar as participant_id, skeleton::varchar as skeleton "
        "from _lookalike_df"
    )
    con.unregister("_lookalike_df")


def _pairs(mapping: dict[str, str], key: str, value: str) -> pd.DataFrame:
    return pd.DataFrame({key: list(mapping), value: list(mapping.values())})


@cache
def spellings(kind: str) -> dict[str, str]:
    """Every accepted spelling of an event type, role or gender (folded as the staging SQL
    folds it) and its code: the contract's list, then each code's name as the pages show it
    in every language Reach speaks ("Каскадный тренинг", "Қатысушы", "Аялдар")."""
    contract = {
        "event_type": EVENT_TYPE_SPELLINGS, "role": ROLE_SPELLINGS, "gender": GENDER_SPELLINGS,
    }[kind]  # fmt: skip
    fold = event_type_key if kind == "event_type" else (lambda v: v.strip().lower())
    out = dict(contract)
    for spelling, code in labels.spellings(kind).items():
        out.setdefault(fold(spelling), code)
    return out


# The lookup tables staging joins against, each kept in the store as main.lookup_<name>.
LOOKUPS = (
    "gender_spelling", "role_spelling", "event_type_spelling", "country_spelling",
    "country_reference",
)  # fmt: skip


@cache
def lookups_fingerprint() -> str:
    """What the lookup tables are made from: the code that makes them, the catalogs and the
    versions of the registries they read (SHA-256). Another fingerprint: make them again."""
    digest = hashlib.sha256()
    for module in (contract, labels, countries, i18n, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    locale = resources.files("reach").joinpath("locale")
    for lang in i18n.LANGUAGES:
        po = locale.joinpath(lang, "LC_MESSAGES", f"{i18n.DOMAIN}.po")
        digest.update(po.read_bytes() if po.is_file() else b"")
    for library in (babel, pycountry, countryinfo):
        digest.update(str(getattr(library, "__version__", "")).encode())
    return digest.hexdigest()


def _lookup_frames() -> dict[str, pd.DataFrame]:
    return {
        "gender_spelling": _pairs(spellings("gender"), "spelling", "gender"),
        "role_spelling": _pairs(spellings("role"), "spelling", "role"),
        "event_type_spelling": _pairs(spellings("event_type"), "spelling", "event_type"),
        "country_spelling": countries.spellings(),
        "country_reference": countries.reference(),
    }


def _kept_lookups(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store keeps the lookup tables made from what Reach has now."""
    found = sqlfiles.scalar(
        con,
        "select count(*) from duckdb_tables() where not temporary and schema_name = 'main' "
        "and database_name = current_database() and list_contains($names, table_name)",
        {"names": ["meta", *(f"lookup_{name}" for name in LOOKUPS)]},
    )
    if found != len(LOOKUPS) + 1:
        return False
    kept = sqlfiles.scalar(con, "select value from main.meta where key = 'lookups'")
    return kept == lookups_fingerprint()


def install_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp lookup tables the staging SQL joins against: copies of the store's kept
    ones when they are current, else made here (every language's spellings, worked out from
    the catalogs and registries in a few tenths of a second: what a small merge would pay)."""
    if _kept_lookups(con):
        for name in LOOKUPS:
            con.execute(f"create or replace temp table {name} as from main.lookup_{name}")
        return
    for name, df in _lookup_frames().items():
        con.register("_lookup_df", df)
        con.execute(f"create or replace temp table {name} as select * from _lookup_df")
        con.unregister("_lookup_df")


def keep_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the lookup tables staging used in the store (inside a load's transaction), unless
    it keeps these already: the next load in another process reads them instead. An in-memory
    store (a preview's, a test's) lives in this process, which has them already."""
    if not sqlfiles.database_path(con) or _kept_lookups(con):
        return
    for name in LOOKUPS:
        con.execute(f"create or replace table main.lookup_{name} as select * from temp.{name}")
    con.execute(
        "insert or replace into main.meta values ('lookups', $v)", {"v": lookups_fingerprint()}
    )


def event_type_key(value: str) -> str:
    """Fold case, spaces and hyphens the way the staging SQL does."""
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def event_type(value: str) -> str | None:
    """The contract's event type for a spelling, or None."""
    return spellings("event_type").get(event_type_key(value))


def country(value: str) -> str | None:
    """The alpha-3 code for a code or a country's name in any language Reach speaks, or None."""
    return countries.resolve(value)


def country_codes(raws: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The alpha-3 codes of --country values; ValueError naming the first unknown one."""
    codes = []
    for raw in raws:
        code = country(raw)
        if code is None:
            raise ValueError(
                _("--country '{value}' is not a known country code or name").format(value=raw)
            )
        codes.append(code)
    return tuple(codes)
