"""The data contract: the three input files, their columns and the accepted spellings."""

from __future__ import annotations

from dataclasses import dataclass

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

SPECS = {"events": EVENTS, "participants": PARTICIPANTS, "countries": COUNTRIES}

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
}

# Event types after lower-casing and folding spaces and hyphens to "_".
EVENT_TYPE_SPELLINGS: dict[str, str] = {
    **{t: t for t in EVENT_TYPES},
    "stepdown": "step_down",
    "step_down_training": "step_down",
    "trainings": "training",
    "workshops": "workshop",
    "seminars": "seminar",
}

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
