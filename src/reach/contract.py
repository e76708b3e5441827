"""The data contract: the three input files, their columns and the accepted spellings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import N_

EVENT_TYPES = (
    "training",
    "workshop",
    "seminar",
    "school",
    "camp",
    "conference",
    "step_down",
    "other",
)

ROLES = ("participant", "trainer", "facilitator", "staff")
TRAINER_ROLES = ("trainer", "facilitator")
GENDERS = ("female", "male", "other", "undisclosed")


@dataclass(frozen=True)
class FileSpec:
    """One input file: its name, required and optional columns."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """All contract columns, required first."""
        return self.required + self.optional


EVENTS = FileSpec(
    name="events.csv",
    required=("event_id", "title", "event_type", "start_date", "country_code"),
    optional=(
        "program",
        "end_date",
        "city",
        "organizer",
        "parent_event_id",
        "reported_participants",
        "reported_female",
        "reported_male",
    ),
)

PARTICIPANTS = FileSpec(
    name="participants.csv",
    required=("participant_id", "event_id"),
    optional=("gender", "role", "birth_year", "country_code", "organization"),
)

COUNTRIES = FileSpec(
    name="countries.csv",
    required=("country_code",),
    optional=("name", "region", "population"),
)

# Targets from grant agreements: what a program promised, per period (issue 9).
TARGETS = FileSpec(
    name="targets.csv",
    required=("program", "indicator", "period", "target"),
    optional=("gender", "age_band", "country_code"),
)

SPECS = {"events": EVENTS, "participants": PARTICIPANTS, "countries": COUNTRIES, "targets": TARGETS}

# What a target may count; each is a number of the metrics layer (female_reached: the people
# reached who are female). gender and age_band split people_reached only.
INDICATORS = (
    "people_reached", "direct_reach", "cascade_reach", "trainers", "step_down_events", "events",
    "female_reached",
)  # fmt: skip
PEOPLE_INDICATORS = ("people_reached",)

# Raw spellings (compared after trimming and lower-casing) and what they mean.
# Blank is handled separately: it is undisclosed without a warning.
GENDER_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(
        [
            "f", "female", "w", "woman", "women", "girl",
            "ж", "жен", "женский", "женщина", "әйел", "аял",
        ],
        "female",
    ),
    **dict.fromkeys(
        [
            "m", "male", "man", "men", "boy",
            "м", "муж", "мужской", "мужчина", "ер", "эркек",
        ],
        "male",
    ),
    **dict.fromkeys(
        [
            "other", "non-binary", "nonbinary", "nb", "trans", "transgender",
            "другое", "другой",
        ],
        "other",
    ),
    **dict.fromkeys(
        ["prefer not to say", "unknown", "n/a", "-", "не указано", "undisclosed"],
        "undisclosed",
    ),
}  # fmt: skip

# Roles are matched case-insensitively; Russian spellings come from Russian-locale sheets.
ROLE_SPELLINGS: dict[str, str] = {
    **{r: r for r in ROLES},
    "участник": "participant",
    "участница": "participant",
    "тренер": "trainer",
    "фасилитатор": "facilitator",
    "персонал": "staff",
    "trainee": "participant",
    # Kazakh and Kyrgyz words for a trainer besides "тренер" (each role's name as the pages
    # show it in every language is read too: see normalize.spellings).
    "жаттықтырушы": "trainer",
    "машыктыруучу": "trainer",
    "оқытушы": "trainer",
    "окутуучу": "trainer",
}

# Event types after lower-casing and folding spaces and hyphens to "_".
EVENT_TYPE_SPELLINGS: dict[str, str] = {
    **{t: t for t in EVENT_TYPES},
    "stepdown": "step_down",
    "step_down_training": "step_down",
    "trainings": "training",
    "workshops": "workshop",
    "seminars": "seminar",
    # How Russian, Kazakh and Kyrgyz sheets name events besides the names the pages show
    # (those are read too: see normalize.spellings).
    "тренинги": "training",
    "обучающий_тренинг": "training",
    "обучение": "training",
    "оқыту": "training",
    "окутуу": "training",
    "семинары": "seminar",
    "школа_лидерства": "school",
    "мастер_класс": "workshop",
    "практикум": "workshop",
    "шеберхана": "workshop",
    "каскадное_обучение": "step_down",
    "каскадтық_оқыту": "step_down",
    "каскаддык_окутуу": "step_down",
    "тренинг_равный_равному": "step_down",
}

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")

# Columns of participants.csv that say who a person is or how to reach them. Reach never
# stores them: they are dropped on the way in (with a warning naming the header, never a value)
# and can never be mapped to a contract column. Headers are compared after identifying_key().
# Words and phrases that identify wherever a word of the header starts with them, so word
# endings count too ("Phone number", "Номер телефона", "ФИО участника", "Фамилии"):
IDENTIFYING_WORDS = frozenset(
    [
        # names (English, Russian, Kazakh, Kyrgyz, Uzbek, Tajik)
        "full name", "fullname", "first name", "firstname", "last name", "lastname",
        "given name", "family name", "middle name", "surname", "patronymic",
        "participant name", "participants name", "person name", "name of participant", "fio",
        "фио", "ф и о", "фамили", "имя", "отчеств",
        "аты жөні", "аты жөнi", "аты жони", "аты жөнү", "тегі", "әкесінің аты",
        "атасынын аты", "familiya", "ism", "otasining ismi", "насаб",
        # contact details
        "phone", "tel", "mobile", "mob", "cell", "whatsapp", "e mail", "email", "mail",
        "contact", "address", "телефон", "тел", "моб", "сотов", "почт", "пошта", "контакт",
        "байланыс", "адрес", "мекенжай", "дарек", "manzil", "суроға",
        # personal numbers (national ID, passport) and HIV programs' unique identifier codes
        "iin", "иин", "инн", "пин", "passport", "паспорт", "national id", "uic", "уик",
    ]
)  # fmt: skip
# Whole headers that identify in participants.csv but not elsewhere ("name" is an event's
# title in events.csv and a country's name in countries.csv; "аты" alone is "name of").
IDENTIFYING_HEADERS = frozenset(["name", "names", "person", "аты", "ном"])

# Shown after a refusal of names as IDs: translate it where it is shown, _(IDENTIFYING_REASON).
IDENTIFYING_REASON = N_(
    "Names must never become IDs: they would be stored and exported. Use a pseudonymous code "
    "(such as P001) as participant_id instead."
)


def identifying_key(header: str) -> str:
    """A header folded for the identifying check: lower case, 'ё' as 'е', no quotes, and
    other punctuation, spaces, '_' and '-' as single spaces ("Ф.И.О." → "ф и о")."""
    text = header.replace("\ufeff", "").lower().replace("ё", "е")
    text = re.sub(r"['\"’‘ʼʻ`]", "", text)
    return re.sub(r"[\s_\-.:;,*()\[\]№#?!]+", " ", text).strip()


def is_identifying(header: str, kind: str) -> bool:
    """True when a column of this kind of file holds people's names or contact details.

    Only participants.csv has such columns. A survey tool's group path ("personal/phone")
    counts by each of its parts.
    """
    if kind != "participants":
        return False
    for part in identifying_key(header.replace("/", " / ")).split(" / "):
        key = part.strip()
        padded = f" {key}"
        if key in IDENTIFYING_HEADERS or any(f" {w}" in padded for w in IDENTIFYING_WORDS):
            return True
    return False
