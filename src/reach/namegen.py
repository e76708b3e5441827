"""Synthetic named attendance lists with known truth, for linkage tests and the benchmark.

Every name, phone and e-mail here is invented; nothing describes a real participant.
The one fixed person, Жумабаева Жанар Ериковна, is invented too, and chosen so that her two
surname spellings ("Zhumabaeva", "Zhumabayeva") are the case linking must survive.

The transliteration tables below are small hand tables on purpose: the generator must
produce each habit *exactly* and be checkable letter by letter. The linker itself must use
maintained libraries (issue 8); do not import these tables into matching code.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

R = TypeVar("R", bound=Hashable)
RowRef = tuple[int, int]  # (list index, row index within that list)

GENDERS = ("female", "male", "other")
ETHNICITIES = ("kazakh", "kyrgyz", "uzbek", "tajik", "russian")

# --- name pools (Cyrillic as the person writes it; Kazakh/Kyrgyz letters kept) ---------------


def _names(text: str) -> tuple[str, ...]:
    """A pool written as one space-separated line, so the tables stay readable."""
    return tuple(text.split())


FIRST_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "kazakh": {
        "female": _names(
            "Жанар Әсел Айгерім Гүлнар Дана Мәдина Жұлдыз Ақмарал Салтанат Динара Айжан Назгүл "
            "Меруерт Бибігүл Аружан"
        ),
        "male": _names(
            "Нұрлан Қайрат Ерлан Асқар Дәурен Ғалым Бауыржан Ержан Мұрат Серік Айдос Тимур Арман "
            "Жандос Ерғали"
        ),
    },
    "kyrgyz": {
        "female": _names("Айпери Бермет Чолпон Жылдыз Нуриза Айзада Гүлзат Бегимай Асема Мээрим"),
        "male": _names("Азамат Бакыт Эрлан Нурбек Улан Талант Марат Эмил Жоомарт Мирлан Өмүрбек"),
    },
    "uzbek": {
        "female": _names("Дилноза Гулнора Нигора Шахноза Зарина Малика Феруза Юлдуз"),
        "male": _names("Шерзод Бахтиёр Жасур Азиз Улугбек Фаррух Дильшод Отабек Юнус"),
    },
    "tajik": {
        "female": _names("Фарангис Манижа Парвина Шахло Мехрона Тахмина Зулфия"),
        "male": _names("Фаридун Сухроб Рустам Фирдавс Бехруз Далер Джамшед Юсуф"),
    },
    "russian": {
        "female": _names(
            "Анна Елена Юлия Екатерина Наталья Ольга Татьяна Дарья Ксения Алёна Яна Людмила"
        ),
        "male": _names("Алексей Дмитрий Сергей Андрей Юрий Илья Максим Артём Евгений Ян"),
    },
}

# Male surname forms; the female form adds "а" (Russian-style -ов/-ев/-ин endings).
SURNAMES: dict[str, tuple[str, ...]] = {
    "kazakh": _names(
        "Кенжебаев Жумабаев Оспанов Серикбаев Ахметов Нурпеисов Касымов Абдрахманов Бекмуханов "
        "Есенов Жаксылыков Калиев Мукашев Оразбаев Сулейменов Тулегенов Утебаев Исин "
        "Ермекбаев Хамитов"
    ),
    "kyrgyz": _names(
        "Асанов Бакиров Джумабеков Исаев Мамытов Осмоналиев Токтогулов Сыдыков Турдуев Абдыкеримов"
    ),
    "uzbek": _names(
        "Рахимов Каримов Юсупов Усманов Ташпулатов Хасанов Эргашев Мирзаев Ахмедов Юлдашев"
    ),
    "tajik": _names("Рахмонов Назаров Сафаров Шарипов Давлатов Холов Саидов Джураев Каюмов Ёров"),
    "russian": _names(
        "Иванов Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов Волков "
        "Лебедев Семёнов Ильин Зайцев Царёв Юдин"
    ),
}

# Surnames without a gender ending (Koryo-saram and Ukrainian families live across the region).
INVARIANT_SURNAMES = _names("Ким Пак Цой Ли Тен Хан Шевченко Бондаренко")

# Everyday names a man and a woman both go by: the classic namesake trap for a linker.
UNISEX_NAMES = _names("Женя Саша Валя Шура Слава")

# Fathers' names for patronymics, in Russian spelling (patronymics are written the Russian way).
FATHERS = _names(
    "Серик Нурлан Кайрат Ерлан Аскар Марат Бакыт Азамат Рустам Фаррух Шерзод Азиз Сергей Андрей "
    "Алексей Дмитрий Юрий Тимур Болат Ержан Талгат Жасур Николай Владимир Виктор"
)

COUNTRY_OF = {"kazakh": "KZ", "kyrgyz": "KG", "uzbek": "UZ", "tajik": "TJ", "russian": "KZ"}
ETHNIC_MIX = (0.38, 0.17, 0.15, 0.12, 0.18)  # kazakh, kyrgyz, uzbek, tajik, russian

# (country code, national significant number length, area-code length, operator prefixes)
PHONE_PLANS: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "KZ": ("7", 10, 3, _names("700 701 702 705 707 747 771 775 777 778")),
    "KG": ("996", 9, 3, _names("500 555 700 707 770 777 990 220")),
    "UZ": ("998", 9, 2, _names("90 91 93 94 97 99 88 33")),
    "TJ": ("992", 9, 2, _names("90 91 92 93 98 55 50 88")),
}
# Domestic trunk prefix: Kazakhstan still dials 8, Kyrgyzstan 0; UZ/TJ numbers are written
# here without one, so their "trunk" formats come out as the bare national number.
TRUNK = {"KZ": "8", "KG": "0", "UZ": "", "TJ": ""}

EMAIL_DOMAINS = {
    "KZ": _names("mail.ru gmail.com inbox.ru mail.kz yandex.kz list.ru"),
    "KG": _names("mail.ru gmail.com bk.ru yandex.ru"),
    "UZ": _names("mail.ru gmail.com umail.uz inbox.ru"),
    "TJ": _names("mail.ru gmail.com yandex.ru bk.ru"),
}

# --- transliteration tables -------------------------------------------------------------------
# Hand tables, kept small and tested letter by letter (tests/test_namegen.py). They belong to
# the generator only; matching code must use a maintained transliterator, as issue 8 asks.


def _table(cyrillic: str, latin: str) -> dict[str, str]:
    """Letter → spelling from two aligned space-separated lines ("-" spells nothing)."""
    pairs = zip(cyrillic.split(), latin.split(), strict=True)
    return {c: "" if lat == "-" else lat for c, lat in pairs}


# Kazakh/Kyrgyz letters typed on a Russian keyboard: what most Cyrillic list-keepers do.
KAZAKH_LETTERS = "әғқңөұүһі"
RUSSIFY = str.maketrans(KAZAKH_LETTERS + KAZAKH_LETTERS.upper(), "агкноуухи" + "АГКНОУУХИ")

RUSSIAN_LETTERS = "а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я"

# ICAO Doc 9303 (passports since 2013) for Russian letters.
ICAO = _table(
    RUSSIAN_LETTERS,
    "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y - e iu ia",
)

# BGN/PCGN Russian; е/ё become ye/yë at the start and after vowels, й, ъ, ь (the rule that
# turns Жумабаева into "Zhumabayeva"). The primes for ь/ъ are dropped, as lists do.
BGN_RU = {**ICAO, "ё": "ë", "й": "y", "ъ": "", "ю": "yu", "я": "ya"}
BGN_RU_YE_AFTER = set("аеёиоуыэюяйъь")

# BGN/PCGN Kazakh (1979): е is always e, и is ī, у is ū (so "Zhūmabaeva"), Kazakh letters kept.
BGN_KK = {
    **BGN_RU,
    **_table("ё и у ә ғ қ ң ө ұ ү һ і", "yo ī ū ä gh q ng ö u ü h i"),
}

# Kazakh Latin alphabet of 2021: ä ğ q ñ ö ū ü, і → ı, и/й → i, ш → ş, ч → ç, ы → y.
KAZAKH_2021 = {
    **ICAO,
    **_table(
        "ё ж й х ц ч ш щ ъ ы э ю я ә ғ қ ң ө ұ ү һ і",
        "io j i h ts ç ş ş - y e iu ia ä ğ q ñ ö ū ü h ı",
    ),
}

# Informal habits: each list-keeper picks one option per letter and keeps it.
INFORMAL_CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "zh": ("ж", ("zh", "j")),
    "kh": ("х", ("kh", "h")),
    "yu": ("ю", ("yu", "iu", "ju")),
    "ya": ("я", ("ya", "ia", "ja")),
    "ye": ("е", ("ye", "e")),  # only where BGN would write ye
    "y": ("й", ("y", "i", "j")),
    "yo": ("ё", ("e", "yo")),
    "ts": ("ц", ("ts", "c")),
}
INFORMAL_BASE = {**ICAO, "ъ": ""}

FIXED_PERSON_SPELLINGS = ("icao", "bgn_ru")  # Zhumabaeva, Zhumabayeva
TRANSLITS = ("icao", "bgn_ru", "bgn_kk", "kazakh_2021", "informal")
PHONE_FORMATS = (
    "e164_spaced",  # +7 701 123 45 67
    "e164_compact",  # +77011234567
    "e164_dashed",  # +7-701-123-45-67
    "country_digits",  # 77011234567
    "trunk_paren",  # 8 (701) 123-45-67
    "trunk_compact",  # 87011234567
    "bare",  # 7011234567
)
TYPO_OPS = ("substitute", "delete", "duplicate", "transpose")
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшыэюя"


def transliterate(word: str, system: str, informal: Mapping[str, str] | None = None) -> str:
    """Latin spelling of one Cyrillic name part under a system, capitalised."""
    return _translit(word, system, informal or {})[0]


def _translit(word: str, system: str, informal: Mapping[str, str]) -> tuple[str, set[str]]:
    """Transliterate and report which context rules and informal choices were exercised."""
    low = word.lower()
    if system in ("icao", "bgn_ru", "informal"):
        # These systems are Russian ones: Kazakh letters are first typed the Russian way.
        low = low.translate(RUSSIFY)
    table = {
        "icao": ICAO,
        "bgn_ru": BGN_RU,
        "bgn_kk": BGN_KK,
        "kazakh_2021": KAZAKH_2021,
        "informal": INFORMAL_BASE,
    }[system]
    used: set[str] = set()
    out: list[str] = []
    for i, ch in enumerate(low):
        ye_position = i == 0 or low[i - 1] in BGN_RU_YE_AFTER
        if system == "bgn_ru" and ch in "её" and ye_position:
            out.append("ye" if ch == "е" else "yë")
            used.add("bgn_ru:ye")
            continue
        if system == "informal":
            rule = next((r for r, (letter, _) in INFORMAL_CHOICES.items() if letter == ch), None)
            if rule == "ye" and not ye_position:
                rule = None
            if rule is not None:
                choice = informal.get(rule, INFORMAL_CHOICES[rule][1][0])
                out.append(choice)
                used.add(f"informal:{rule}={choice}")
                continue
        out.append(table.get(ch, ch))
    text = "".join(out)
    return text[:1].upper() + text[1:], used


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One true person: names in Cyrillic, canonical contacts, and how often they attend."""

    key: str
    ethnicity: str
    gender: str
    last_name: str
    first_name: str
    patronymic: str
    birth_year: int
    country: str
    phone: str  # E.164 digits with "+"
    email: str | None
    activity: float  # relative chance of being on any one list
    namesake_of: str | None = None  # key of the person whose name this one shares
    namesake_kind: str | None = None  # "same_name" or "unisex"


def _gendered(male_surname: str, gender: str, rng: random.Random) -> str:
    """Surname in the person's gender; "other" people carry either form."""
    if male_surname in INVARIANT_SURNAMES:
        return male_surname
    if gender == "female" or (gender == "other" and rng.random() < 0.5):
        return male_surname + "а"
    return male_surname


def _patronymic(father: str, gender: str, ethnicity: str, rng: random.Random) -> str:
    """Patronymic from a father's name: -ович/-евич/-овна/-евна, or Kazakh -ұлы/-қызы."""
    female = gender == "female" or (gender == "other" and rng.random() < 0.5)
    if ethnicity == "kazakh" and rng.random() < 0.2:
        return father + ("қызы" if female else "ұлы")
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    return father + ("овна" if female else "ович")


def _new_phone(country: str, rng: random.Random, taken: set[str]) -> str:
    """A fresh mobile number in E.164, never reused (shared phones are out of scope)."""
    code, nsn_len, _, prefixes = PHONE_PLANS[country]
    while True:
        prefix = rng.choice(prefixes)
        nsn = prefix + "".join(rng.choice("0123456789") for _ in range(nsn_len - len(prefix)))
        phone = f"+{code}{nsn}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _new_email(
    first: str, last: str, year: int, country: str, rng: random.Random, taken: set[str]
) -> str:
    """A fresh lower-case address built from the name, as people make them."""
    f = transliterate(first, "informal").lower()
    s = transliterate(last, "informal").lower()
    pattern = rng.randrange(4)
    local = [f"{f}.{s}", f"{f}{s}{year % 100:02d}", f"{s}_{f[:1]}", f"{f}{rng.randrange(100)}"]
    base = local[pattern]
    domain = rng.choice(EMAIL_DOMAINS[country])
    email, n = f"{base}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{base}{n}@{domain}"
    taken.add(email)
    return email


def _country(ethnicity: str, rng: random.Random) -> str:
    """Home country: mostly the ethnic one, some people live next door."""
    return COUNTRY_OF[ethnicity] if rng.random() < 0.85 else rng.choice(tuple(PHONE_PLANS))


def _contacts(
    first: str, last: str, country: str, rng: random.Random, phones: set[str], emails: set[str]
) -> tuple[int, str, str | None]:
    """Birth year, phone and (three times in four) an e-mail for a new person."""
    year = rng.randint(1960, 2006)
    phone = _new_phone(country, rng, phones)
    email = _new_email(first, last, year, country, rng, emails) if rng.random() < 0.75 else None
    return year, phone, email


def _activity(rng: random.Random) -> float:
    """Heavy-tailed attendance: most come once or twice, a few come to everything."""
    return min(rng.paretovariate(1.3), 40.0)


def make_population(
    n: int, seed: int = 0, *, namesake_rate: float = 0.05, unisex_rate: float = 0.02
) -> list[Person]:
    """N invented people, the first being Жумабаева Жанар Ериковна, with deliberate namesakes."""
    if n < 1:
        raise ValueError("a population needs at least one person")
    rng = random.Random(f"reach-namegen-population-{seed}")
    phones: set[str] = set()
    emails: set[str] = set()
    people: list[Person] = []

    def key() -> str:
        return f"P{len(people):06d}"

    # The one fixed (invented) person, always present and frequent, so her two spellings show up.
    people.append(
        Person(
            key(),
            "kazakh",
            "female",
            "Жумабаева",
            "Жанар",
            "Ериковна",
            1988,
            "KZ",
            _new_phone("KZ", rng, phones),
            _new_email("Жанар", "Жумабаева", 1988, "KZ", rng, emails),
            40.0,
        )
    )
    n_pairs = min(round(n * unisex_rate / 2), max(0, (n - 1) // 2))
    n_same = min(round(n * namesake_rate), max(0, n - 1 - 2 * n_pairs))
    n_base = n - 1 - 2 * n_pairs - n_same

    for _ in range(n_base):
        eth = rng.choices(ETHNICITIES, ETHNIC_MIX)[0]
        gender = rng.choices(GENDERS, (0.55, 0.42, 0.03))[0]
        pool = FIRST_NAMES[eth]["female" if gender == "female" else "male"]
        if gender == "other":
            pool = FIRST_NAMES[eth]["female"] + FIRST_NAMES[eth]["male"] + UNISEX_NAMES
        first = rng.choice(pool)
        # About one in twelve carries a surname without a gender ending (Ким, Цой, Шевченко).
        stems = INVARIANT_SURNAMES if rng.random() < 0.08 else SURNAMES[eth]
        last = _gendered(rng.choice(stems), gender, rng)
        if eth == "kazakh" and rng.random() < 0.06:
            # New-style Kazakh surname from the father's name: Серікұлы / Серікқызы.
            root = rng.choice(("Серік", "Нұрлан", "Асқар", "Ерлан", "Болат"))
            last = root + ("ұлы" if gender == "male" else "қызы")
        patr = _patronymic(rng.choice(FATHERS), gender, eth, rng)
        country = _country(eth, rng)
        year, phone, email = _contacts(first, last, country, rng, phones, emails)
        people.append(
            Person(key(), eth, gender, last, first, patr, year, country, phone, email,
                   _activity(rng))
        )  # fmt: skip

    for _ in range(n_pairs):
        # A man and a woman with the same everyday name and the same surname stem.
        eth = rng.choice(("kazakh", "russian", "kyrgyz"))
        first = rng.choice(UNISEX_NAMES)
        stem = rng.choice(SURNAMES[eth] + INVARIANT_SURNAMES)
        country = COUNTRY_OF[eth]
        partner = key()
        for gender in ("male", "female"):
            last = _gendered(stem, gender, rng)
            patr = _patronymic(rng.choice(FATHERS), gender, "russian", rng)
            year, phone, email = _contacts(first, last, country, rng, phones, emails)
            other = partner if gender == "female" else f"P{len(people) + 1:06d}"
            people.append(
                Person(key(), eth, gender, last, first, patr, year, country, phone, email,
                       _activity(rng), other, "unisex")
            )  # fmt: skip

    originals = people[1 : 1 + n_base] or people[:1]
    for _ in range(n_same):
        # Same full name and gender, but another birth year, phone and e-mail (or none).
        twin = rng.choice(originals)
        year = twin.birth_year
        while year == twin.birth_year:
            year = rng.randint(1960, 2006)
        country = twin.country if rng.random() < 0.7 else _country(twin.ethnicity, rng)
        phone = _new_phone(country, rng, phones)
        email = None
        if rng.random() < 0.75:
            email = _new_email(twin.first_name, twin.last_name, year, country, rng, emails)
        people.append(
            Person(key(), twin.ethnicity, twin.gender, twin.last_name, twin.first_name,
                   twin.patronymic, year, country, phone, email, _activity(rng), twin.key,
                   "same_name")
        )  # fmt: skip
    return people


# --- how a list-keeper writes a person ---------------------------------------------------------


@dataclass(frozen=True)
class Habits:
    """How one list-keeper (or one self-writing attendee) writes names and contacts."""

    script: str = "cyrillic"  # cyrillic | latin
    cyrillic_letters: str = "kazakh"  # kazakh (ә қ ң …) | russified (а к н …)
    yo_as_e: bool = False  # writes Артём as Артем
    translit: str = "icao"
    informal: tuple[tuple[str, str], ...] = ()
    order: str = "surname_first"  # surname_first | given_first
    patronymic: bool = True
    case: str = "title"  # title | upper | lower
    phone_format: str = "e164_spaced"


def draw_habits(rng: random.Random) -> Habits:
    """A random but internally consistent set of writing habits."""
    return Habits(
        script=rng.choice(("cyrillic", "latin")),
        cyrillic_letters=rng.choice(("kazakh", "russified")),
        yo_as_e=rng.random() < 0.4,
        translit=rng.choices(TRANSLITS, (0.25, 0.2, 0.2, 0.1, 0.25))[0],
        informal=tuple((rule, rng.choice(opts)) for rule, (_, opts) in INFORMAL_CHOICES.items()),
        order=rng.choices(("surname_first", "given_first"), (0.6, 0.4))[0],
        patronymic=rng.random() < 0.5,
        case=rng.choices(("title", "upper", "lower"), (0.72, 0.22, 0.06))[0],
        phone_format=rng.choice(PHONE_FORMATS),
    )


def render_part(part: str, habits: Habits) -> tuple[str, set[str]]:
    """One name part written under the habits, with the variation labels it exercised."""
    if habits.script == "cyrillic":
        text = part.translate(RUSSIFY) if habits.cyrillic_letters == "russified" else part
        # Label the letter habit only where the name has a Kazakh/Kyrgyz letter to show it.
        has_local = any(c in KAZAKH_LETTERS for c in part.lower())
        used = {f"cyrillic:{habits.cyrillic_letters}"} if has_local else set()
        if habits.yo_as_e and "ё" in text.lower():
            text = text.replace("ё", "е").replace("Ё", "Е")
            used.add("cyrillic:yo_as_e")
        return text, used
    text, used = _translit(part, habits.translit, dict(habits.informal))
    return text, used


def render_phone(phone: str, fmt: str) -> str:
    """A canonical E.164 phone written in one of the formats seen on lists."""
    country = next(c for c, plan in PHONE_PLANS.items() if phone[1:].startswith(plan[0]))
    code, _, area_len, _ = PHONE_PLANS[country]
    nsn = phone[1 + len(code) :]
    area, rest = nsn[:area_len], nsn[area_len:]
    groups = [rest[:3], rest[3:5], rest[5:]] if len(rest) == 7 else [rest[:2], rest[2:4], rest[4:]]
    trunk = TRUNK[country]
    if fmt == "e164_spaced":
        return f"+{code} {area} {' '.join(groups)}"
    if fmt == "e164_compact":
        return f"+{code}{nsn}"
    if fmt == "e164_dashed":
        return f"+{code}-{area}-{'-'.join(groups)}"
    if fmt == "country_digits":
        return f"{code}{nsn}"
    if fmt == "trunk_paren":
        return f"{trunk + ' ' if trunk else ''}({area}) {'-'.join(groups)}"
    if fmt == "trunk_compact":
        return f"{trunk}{nsn}"
    if fmt == "bare":
        return nsn
    raise ValueError(f"unknown phone format {fmt!r}")


def _typo(text: str, script: str, rng: random.Random) -> tuple[str, str]:
    """One-letter typo away from the first letter (people rarely miss the initial)."""
    op = rng.choice(TYPO_OPS)
    i = rng.randrange(1, len(text) - 1)
    letters = LATIN_LETTERS if script == "latin" else CYRILLIC_LETTERS
    c = text[i]
    if op == "substitute":
        new = rng.choice([x for x in letters if x != c.lower()])
        return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1 :], op
    if op == "delete":
        return text[:i] + text[i + 1 :], op
    if op == "duplicate":
        return text[:i] + c + text[i:], op
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :], op


def _email_variant(email: str, rng: random.Random) -> tuple[str, str]:
    """The address as typed: mostly as is, sometimes shouted, capitalised or padded."""
    kind = rng.choices(("lower", "upper", "mixed", "spaces"), (0.7, 0.1, 0.15, 0.05))[0]
    if kind == "upper":
        return email.upper(), kind
    if kind == "mixed":
        local, domain = email.split("@")
        return ".".join(
            p[:1].upper() + p[1:] for p in local.split(".")
        ) + "@" + domain.title(), kind
    if kind == "spaces":
        return f" {email} ", kind
    return email, kind


GENDER_WORDS = {
    "en": {"female": "female", "male": "male", "other": "other"},
    "ru": {"female": "Ж", "male": "М", "other": "другое"},
}


@dataclass(frozen=True)
class Rates:
    """Per-row chances of noise and omission."""

    typo: float = 0.03
    extra_spaces: float = 0.05
    drop_patronymic: float = 0.1  # on a list that writes patronymics, this row does not
    missing_phone: float = 0.07
    missing_email: float = 0.1
    missing_birth_year: float = 0.15
    missing_gender: float = 0.03
    duplicate_in_list: float = 0.01  # someone signed twice
    self_written: float = 0.2  # share of lists where each attendee writes their own row
    split_columns: float = 0.25  # share of lists with last_name/first_name/patronymic


def render_row(
    person: Person,
    habits: Habits,
    *,
    split: bool,
    gender_style: str,
    event_id: str,
    rates: Rates,
    rng: random.Random,
) -> tuple[dict[str, str], tuple[str, ...]]:
    """One list row for a person, and the labels of every variation applied to it."""
    labels: set[str] = {f"script:{habits.script}"}
    if habits.script == "latin":
        labels.add(f"translit:{habits.translit}")
    with_patr = habits.patronymic and rng.random() >= rates.drop_patronymic
    labels.add(f"patronymic:{'yes' if with_patr else 'no'}")
    parts = {"last": person.last_name, "first": person.first_name}
    if with_patr:
        parts["patr"] = person.patronymic
    written: dict[str, str] = {}
    for name, part in parts.items():
        text, used = render_part(part, habits)
        labels |= used
        written[name] = {"title": text, "upper": text.upper(), "lower": text.lower()}[habits.case]
    labels.add(f"case:{habits.case}")

    long_parts = [k for k, v in written.items() if len(v) >= 4]
    if long_parts and rng.random() < rates.typo:
        target = rng.choice(long_parts)
        written[target], op = _typo(written[target], habits.script, rng)
        labels |= {"typo", f"typo:{op}"}

    spaces = rng.random() < rates.extra_spaces
    if spaces:
        labels.add("spaces:extra")
    row: dict[str, str] = {}
    if split:
        labels.add("columns:split")
        row["last_name"] = written["last"]
        row["first_name"] = written["first"]
        row["patronymic"] = written.get("patr", "")
        if spaces:
            row["last_name"] = f" {row['last_name']}  "
            row["first_name"] = f"{row['first_name']} "
    else:
        labels |= {"columns:full_name", f"order:{habits.order}"}
        if habits.order == "surname_first":
            seq = [written["last"], written["first"], written.get("patr", "")]
        else:
            seq = [written["first"], written.get("patr", ""), written["last"]]
        sep = "  " if spaces else " "
        full = sep.join(p for p in seq if p)
        row["full_name"] = f" {full} " if spaces else full

    if rng.random() < rates.missing_phone:
        row["phone"] = ""
        labels.add("missing:phone")
    else:
        row["phone"] = render_phone(person.phone, habits.phone_format)
        labels.add(f"phone:{habits.phone_format}")
    if person.email is None:
        row["email"] = ""
        labels.add("email:none")
    elif rng.random() < rates.missing_email:
        row["email"] = ""
        labels.add("missing:email")
    else:
        row["email"], kind = _email_variant(person.email, rng)
        labels.add(f"email:{kind}")
    if rng.random() < rates.missing_birth_year:
        row["birth_year"] = ""
        labels.add("missing:birth_year")
    else:
        row["birth_year"] = str(person.birth_year)
    if rng.random() < rates.missing_gender:
        row["gender"] = ""
        labels.add("missing:gender")
    else:
        row["gender"] = GENDER_WORDS[gender_style][person.gender]
        labels.add(f"gender:{gender_style}")
    row["event_id"] = event_id
    return row, tuple(sorted(labels))


# --- lists ------------------------------------------------------------------------------------


@dataclass
class NamedLists:
    """K generated lists, the truth behind every row, and what was done to each row."""

    lists: list[list[dict[str, str]]]
    truth: dict[RowRef, str]  # row → person key; never written into the rows
    variants: dict[RowRef, tuple[str, ...]] = field(default_factory=dict)
    population: list[Person] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[RowRef, dict[str, str]]]:
        """Every row with its reference, list by list."""
        for i, rows in enumerate(self.lists):
            for j, row in enumerate(rows):
                yield (i, j), row

    def variant_counts(self) -> Counter[str]:
        """How many rows carry each variation label."""
        return Counter(label for labels in self.variants.values() for label in labels)


def make_lists(
    population: list[Person],
    k: int,
    seed: int = 0,
    *,
    rows_per_list: tuple[int, int] = (15, 60),
    rates: Rates | None = None,
) -> NamedLists:
    """K attendance lists sampled from the population, each written in its keeper's habits."""
    rates = rates or Rates()
    rng = random.Random(f"reach-namegen-lists-{seed}")
    cum: list[float] = []
    total = 0.0
    for p in population:
        total += p.activity
        cum.append(total)
    result = NamedLists(lists=[], truth={}, population=population)
    for i in range(k):
        event_id = f"E{i + 1:05d}"
        keeper = draw_habits(rng)
        self_written = rng.random() < rates.self_written
        split = rng.random() < rates.split_columns
        gender_style = rng.choice(tuple(GENDER_WORDS))
        size = min(rng.randint(*rows_per_list), len(population))
        chosen: dict[str, Person] = {}
        if i < len(FIXED_PERSON_SPELLINGS) and population[0].last_name == "Жумабаева":
            # The first two lists write the fixed person in Latin, passport (ICAO) then Russian
            # BGN, so "Zhumabaeva" and "Zhumabayeva" are always both in the set for one person.
            keeper = replace(keeper, script="latin", translit=FIXED_PERSON_SPELLINGS[i])
            self_written = False
            chosen[population[0].key] = population[0]
        while len(chosen) < size:
            # Weighted draws with repeats dropped: cheap even for 100,000 people.
            for p in rng.choices(population, cum_weights=cum, k=size - len(chosen)):
                chosen.setdefault(p.key, p)
        attendees = list(chosen.values())
        attendees += [p for p in attendees if rng.random() < rates.duplicate_in_list]
        rng.shuffle(attendees)
        rows: list[dict[str, str]] = []
        seen: set[str] = set()
        for person in attendees:
            habits = draw_habits(rng) if self_written else keeper
            row, labels = render_row(
                person, habits, split=split, gender_style=gender_style, event_id=event_id,
                rates=rates, rng=rng,
            )  # fmt: skip
            extra = {"list:self_written" if self_written else "list:keeper"}
            if person.key in seen:
                extra.add("duplicate_in_list")
            if person.namesake_kind:
                extra.add(f"namesake:{person.namesake_kind}")
            seen.add(person.key)
            ref = (i, len(rows))
            rows.append(row)
            result.truth[ref] = person.key
            result.variants[ref] = tuple(sorted(set(labels) | extra))
        result.lists.append(rows)
    return result


# --- scoring ----------------------------------------------------------------------------------


def true_pairs(truth: Mapping[R, str]) -> set[tuple[R, R]]:
    """Every unordered pair of rows that belong to the same person, each as (smaller, larger)."""
    groups: dict[str, list[R]] = defaultdict(list)
    for row, person in truth.items():
        groups[person].append(row)
    pairs: set[tuple[R, R]] = set()
    for rows in groups.values():
        rows = sorted(rows)  # type: ignore[type-var]
        pairs.update((a, b) for n, a in enumerate(rows) for b in rows[n + 1 :])
    return pairs


def _labels(clusters: Iterable[Iterable[R]], what: str) -> dict[R, int]:
    """Row → cluster number, refusing a row placed in two clusters."""
    label: dict[R, int] = {}
    for n, cluster in enumerate(clusters):
        for row in cluster:
            if row in label:
                raise ValueError(f"a row appears in two {what} clusters")
            label[row] = n
    return label


def pairwise_scores(
    predicted_clusters: Iterable[Iterable[R]],
    truth: Mapping[R, str] | Iterable[Iterable[R]],
) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1) of predicted clusters against the truth.

    Truth is a row → person mapping or a list of true clusters. Rows the prediction leaves
    out count as singletons. With no predicted pairs precision is 1.0; with no true pairs
    recall is 1.0 (nothing was claimed, or nothing was there to find).
    """
    true_label: dict[R, object]
    if isinstance(truth, Mapping):
        true_label = dict(truth)
    else:
        true_label = dict(_labels(truth, "true"))
    pred_label = _labels(predicted_clusters, "predicted")
    unknown = set(pred_label) - set(true_label)
    if unknown:
        raise ValueError(f"{len(unknown)} predicted rows are not in the truth")
    # Counting cluster overlaps instead of listing pairs keeps this linear in rows.
    pred_sizes: Counter[object] = Counter()
    true_sizes: Counter[object] = Counter()
    both: Counter[tuple[object, object]] = Counter()
    for row, t in true_label.items():
        p = pred_label.get(row, ("single", row))
        pred_sizes[p] += 1
        true_sizes[t] += 1
        both[(p, t)] += 1

    def pairs(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    tp, predicted, actual = pairs(both), pairs(pred_sizes), pairs(true_sizes)
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
