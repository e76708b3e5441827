"""Normalised identifiers and their keyed encodings, for linking people without keeping names."""

from __future__ import annotations

import hmac
import re
import unicodedata
from functools import lru_cache

import phonenumbers
import pycountry
from anyascii import anyascii

# --- phones --------------------------------------------------------------------------------

# Country codes people type without the "+" (spreadsheets drop it), with the digit count of the
# whole international number; a national number of another country never has that length.
_BARE_COUNTRY_CODES = (("7", 11), ("996", 12), ("998", 12), ("992", 12), ("993", 11))
_PHONE_JUNK = re.compile(r"[\s\-\u2010-\u2015().\[\]/]")


@lru_cache(maxsize=32)
def _region(country: str) -> str | None:
    """Return the alpha-2 region phonenumbers wants for a list's alpha-3 (or alpha-2) country."""
    code = country.strip().upper()
    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    return found.alpha_2 if found else code if len(code) == 2 else None


def phone(raw: str | int | float | None, default_country: str = "KAZ") -> str | None:
    """Return the phone number in E.164 ("+77011234567"), or None when it is not one."""
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))  # a spreadsheet cell read as a number: 87011234567.0
    if raw is None or not isinstance(raw, (str, int)):
        return None
    text = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", str(raw)))
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+") and text.isdigit():
        for code, length in _BARE_COUNTRY_CODES:
            if text.startswith(code) and len(text) == length:
                text = "+" + text
                break
    region = _region(default_country)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if number.extension:
        number.extension = None  # an office extension does not tell two people apart
    # A placeholder such as 8 700 000 00 00 is shared by many people and would wrongly merge them.
    if len(set(str(number.national_number))) < 4:
        return None
    # The metadata lags behind new operator ranges ("+7 774 …" is in use but not listed), so a
    # number of a possible length is kept even when it is not listed as valid.
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- e-mail and UIC ------------------------------------------------------------------------

_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def email(raw: str | None) -> str | None:
    """Return the e-mail address trimmed and lower-cased, or None when it is not shaped like one."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE).strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    return text if _EMAIL_SHAPE.fullmatch(text) else None


# UIC codes are typed on both keyboard layouts, so Cyrillic capitals that look like Latin ones
# are read as Latin: "АВ" typed in Cyrillic and "AB" in Latin are the same code on paper.
_UIC_LOOKALIKES = str.maketrans("АВЕКМНОРСТХІ", "ABEKMHOPCTXI")
_UIC_JUNK = re.compile(r"[\s\-\u2010-\u2015_./]")


def uic(raw: str | None) -> str | None:
    """Return the UIC code upper-cased without spaces or dashes, or None when it is not one."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    text = _UIC_JUNK.sub("", text).upper().translate(_UIC_LOOKALIKES)
    return text if 4 <= len(text) <= 24 and text.isalnum() else None


# --- names ---------------------------------------------------------------------------------

# Letters whose usual Latin spelling anyascii does not give: the Kazakh and Uzbek Latin letters
# and Czech-style carons would otherwise lose their "h" (ş -> s, but Cyrillic ш -> sh).
_BEFORE_ANYASCII = str.maketrans(
    {"ş": "sh", "š": "sh", "ç": "ch", "č": "ch", "ž": "zh", "ı": "i", "ʻ": "", "ʼ": "", "'": ""}
)
# Spelling habits folded to one form, longest first: Shch/Sh (щ), Dzh/Dj/Zh/J, Kh/H/X (Uzbek
# Latin), Gh/G (ғ), Q/K (қ), Ng/N (ң), Ts/C (ц), W/V; Y is the J of Julija, Janar and Yerlan.
_CLUSTERS = (
    ("shch", "sh"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("x", "h"),
    ("gh", "g"),
    ("q", "k"),
    ("ng", "n"),
    ("ts", "c"),
    ("w", "v"),
    ("y", "j"),
)
_DOUBLES = re.compile(r"([a-z])\1+")
_I_BEFORE_VOWEL = re.compile(r"i(?=[aeou])")  # Iulia, Aliia: the i is a glide, like j
_J_NOT_BEFORE_VOWEL = re.compile(r"j(?![aeou])")  # Kajrat, Sergej, Evgenij: a vowel, like i
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ichna", "uli", "ulu", "kizi", "ogli")
_PATRONYMIC_WORDS = {"uli", "ulu", "kizi", "ogli"}  # Kazakh/Kyrgyz "Erik uly", "Erik kyzy"


def fold(word: str) -> str:
    """Return the Latin skeleton of one name part, the same for its common spellings."""
    text = anyascii(unicodedata.normalize("NFC", word.lower()).translate(_BEFORE_ANYASCII))
    text = re.sub(r"[^a-z]", "", text.lower())
    for spelling, canonical in _CLUSTERS:
        text = text.replace(spelling, canonical)
    text = _DOUBLES.sub(r"\1", text)
    text = _I_BEFORE_VOWEL.sub("j", text)
    text = _J_NOT_BEFORE_VOWEL.sub("i", text)
    text = text.replace("ij", "j").replace("je", "e")  # Aliya/Alia; Yerlan/Erlan, -bayeva/-baeva
    return _DOUBLES.sub(r"\1", text)


def name_parts(raw: str | None, drop_patronymic: bool = True) -> list[str]:
    """Return the folded parts of a full name, sorted so that their order does not matter."""
    if raw is None:
        return []
    parts = [p for p in (fold(w) for w in re.split(r"[\s,;\-]+", str(raw))) if p]
    if drop_patronymic and len(parts) >= 3:
        parts = _without_patronymic(parts)
    return sorted(parts)


def _without_patronymic(parts: list[str]) -> list[str]:
    """Drop one patronymic: never the first part, which is a surname or a given name."""
    for i, part in enumerate(parts[1:], start=1):
        if part in _PATRONYMIC_WORDS:
            # "Erik uly": the father's name before the word is the patronymic too.
            return parts[: i - 1] + parts[i + 1 :] if len(parts) - 2 >= 2 else parts[:i]
        if part.endswith(_PATRONYMIC_ENDINGS) and len(part) > 5:
            return parts[:i] + parts[i + 1 :]
    return parts


def name_key(raw: str | None, drop_patronymic: bool = True) -> str:
    """Return the folded name parts joined by spaces: equal for the common spellings of a name."""
    return " ".join(name_parts(raw, drop_patronymic))


# --- keyed encodings -----------------------------------------------------------------------

KINDS = ("phone", "email", "uic", "birthyear", "name-part", "check")  # name-part: blocking keys


@lru_cache(maxsize=64)
def _subkey(key: bytes, purpose: str) -> bytes:
    """Derive the key of one purpose, so equal values of two kinds never encode alike."""
    return hmac.digest(key, b"reach/linkage/v1/" + purpose.encode(), "sha256")


def hmac_id(key: bytes, kind: str, value: str) -> str:
    """Return the keyed HMAC-SHA256 of a normalised value of one kind, in hex."""
    if kind not in KINDS:
        raise ValueError(
            f"Unknown kind of identifier {kind!r}: expected one of {', '.join(KINDS)}."
        )
    return hmac.new(_subkey(key, kind), str(value).encode("utf-8"), "sha256").hexdigest()


def bigrams(raw: str | None, drop_patronymic: bool = True) -> set[str]:
    """Return the character bigrams of each folded name part, padded with "_" at both ends."""
    grams: set[str] = set()
    for part in name_parts(raw, drop_patronymic):
        padded = f"_{part}_"
        grams.update(padded[i : i + 2] for i in range(len(padded) - 1))
    return grams


@lru_cache(maxsize=16)
def _positions(key: bytes, bits: int, k: int) -> dict[str, int]:
    """Return a memo, per key and shape, of each bigram's bits as an integer mask."""
    # Bigrams of the folded alphabet are few (under a thousand), so their masks are cached in
    # memory for speed; it holds derived key material and two-letter grams, never a whole name.
    return {}


def _mask(key: bytes, bits: int, k: int, gram: str) -> int:
    """Return the k bit positions of one bigram as an integer mask."""
    memo = _positions(key, bits, k)
    mask = memo.get(gram)
    if mask is None:
        # Each bigram's k positions are read straight from one keyed HMAC-SHA512 ("random
        # hashing"), not from h1 + i*h2 ("double hashing"): the linear pattern of double hashing
        # lets an attacker recover names from Bloom filters (Niedermeyer et al. 2014).
        digest = hmac.digest(_subkey(key, f"name-bloom/{bits}/{k}"), gram.encode(), "sha512")
        mask = 0
        for i in range(k):
            mask |= 1 << (int.from_bytes(digest[2 * i : 2 * i + 2], "big") % bits)
        memo[gram] = mask
    return mask


def name_bloom(key: bytes, name: str | None, bits: int = 1024, k: int = 20) -> bytes:
    """Return the keyed Bloom filter (a CLK) of a name's bigrams, bits // 8 bytes long."""
    # 16-bit positions are uniform modulo a power of two, and one SHA-512 digest holds 32 of them.
    if bits < 64 or bits > 65536 or bits & (bits - 1):
        raise ValueError("The Bloom filter's length must be a power of two from 64 to 65536 bits.")
    if not 1 <= k <= 32:
        raise ValueError("The number of hash functions must be from 1 to 32.")
    mask = 0
    for gram in bigrams(name):
        mask |= _mask(key, bits, k, gram)
    return mask.to_bytes(bits // 8, "big")


def dice(a: bytes, b: bytes) -> float:
    """Return the Dice similarity of two Bloom filters of equal length, from 0 to 1."""
    if len(a) != len(b):
        raise ValueError("Bloom filters of different lengths cannot be compared.")
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0
