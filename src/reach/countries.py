"""Country names, codes, regions and populations from maintained registries."""

from __future__ import annotations

from functools import cache

import countryinfo
import pandas as pd
import pycountry


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
    return pd.DataFrame({"spelling": list(pairs), "country_code": list(pairs.values())})


def resolve(value: str) -> str | None:
    """Return the alpha-3 code for a code or English name, or None."""
    table = spellings()
    hit = table.loc[table["spelling"] == value.strip().lower(), "country_code"]
    return None if hit.empty else str(hit.iloc[0])
