"""Country names, codes, regions and populations from maintained registries."""

from __future__ import annotations

import gettext
from functools import cache

import countryinfo
import pandas as pd
import pycountry
from babel import Locale

from . import i18n


@cache
def reference() -> pd.DataFrame:
    """All ISO 3166-1 countries: country_code (alpha-3), name, region, population."""
    info = {}
    for c in countryinfo.all_countries():
        data = c.info()
        iso = data.get("ISO") or {}
        if iso.get("alpha3"):
            info[iso["alpha3"].upper()] = data
    rows = []
    for c in pycountry.countries:
        data = info.get(c.alpha_3, {})
        population = data.get("population")
        rows.append(
            {
                "country_code": c.alpha_3,
                "name": getattr(c, "common_name", None) or c.name,
                "region": data.get("subregion") or data.get("region") or None,
                "population": int(population) if population else None,
            }
        )
    return pd.DataFrame(rows).astype({"population": "Int64"})


@cache
def spellings() -> pd.DataFrame:
    """Every accepted spelling of a country (lower-cased) and its alpha-3 code."""
    pairs: dict[str, str] = {}
    for c in pycountry.countries:
        names = [c.alpha_3, c.alpha_2, c.name]
        names += [getattr(c, a, None) for a in ("common_name", "official_name")]
        for n in names:
            if n:
                pairs.setdefault(n.strip().lower(), c.alpha_3)
    iso3 = set(pairs.values())
    # countryinfo adds the short English names people actually type ("Russia", "Moldova")
    # and local spellings ("Казахстан"); ISO spellings win where the two disagree.
    for c in countryinfo.all_countries():
        data = c.info()
        code = ((data.get("ISO") or {}).get("alpha3") or "").upper()
        if code not in iso3:
            continue
        for n in [data.get("name"), *(data.get("altSpellings") or [])]:
            if n and isinstance(n, str):
                pairs.setdefault(n.strip().lower(), code)
    # Names in the other languages Reach speaks, from CLDR (Babel) and from ISO's own
    # translations (pycountry's gettext catalogs): "Кыргызстан", "Қазақстан", "Киргизия".
    # A name two sources give to different countries ("Конго") is left out, never guessed.
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    local: dict[str, set[str]] = {}
    for lang in i18n.LANGUAGES:
        for alpha2, n in Locale.parse(lang).territories.items():
            if alpha2 in alpha3:
                local.setdefault(n.strip().lower(), set()).add(alpha3[alpha2])
        iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [lang], fallback=True)
        for c in pycountry.countries:
            for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
                if n:
                    local.setdefault(iso.gettext(n).strip().lower(), set()).add(c.alpha_3)
    for n, codes in local.items():
        if len(codes) == 1:
            pairs.setdefault(n, next(iter(codes)))
    return pd.DataFrame({"spelling": list(pairs), "country_code": list(pairs.values())})


def resolve(value: str) -> str | None:
    """Return the alpha-3 code for a code or a name in any language Reach speaks, or None."""
    table = spellings()
    hit = table.loc[table["spelling"] == value.strip().lower(), "country_code"]
    return None if hit.empty else str(hit.iloc[0])
