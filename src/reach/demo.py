"""A realistic synthetic dataset in the contract's format, the same for the same seed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import countries

GENDERS = np.array(["female", "male", "other", ""])  # "" = not given


@dataclass(frozen=True)
class Program:
    """How one kind of program runs: where, who comes, and how it cascades."""

    name: str
    organizer: str
    root_type: str
    places: tuple[tuple[str, str], ...]  # (country, city) where root events are held
    gender_mix: tuple[float, float, float, float]  # female, male, other, not given
    root_size: tuple[int, int]
    home_countries: tuple[str, ...]  # where participants come from ((): the event's country)
    children: tuple[int, int] = (0, 0)  # step-downs per event at each level
    depth: int = 0  # cascade levels below the root
    child_size: tuple[int, int] = (8, 25)
    headcount_share: float = 0.0  # step-downs reported only as a headcount
    returning: float = 0.15  # share of seats taken by people seen before in the program
    weight: float = 1.0


PROGRAMS = (
    Program(
        name="Women's Leadership Institutes",
        organizer="Women's Resource Centre network",
        root_type="training",
        places=(("KAZ", "Shymkent"), ("KGZ", "Bishkek"), ("KGZ", "Osh"), ("KAZ", "Almaty")),
        gender_mix=(0.86, 0.10, 0.01, 0.03),
        root_size=(18, 30),
        home_countries=(),
        children=(2, 5),
        depth=2,
        child_size=(10, 30),
        headcount_share=0.45,
        returning=0.2,
        weight=3.0,
    ),
    Program(
        name="School of MSM and TG Community Leaders",
        organizer="Community Health Coalition",
        root_type="school",
        places=(("KAZ", "Almaty"), ("KAZ", "Astana")),
        gender_mix=(0.06, 0.72, 0.14, 0.08),
        root_size=(18, 26),
        home_countries=("KAZ",),
        children=(1, 3),
        depth=1,
        child_size=(10, 40),
        headcount_share=0.6,
        returning=0.1,
        weight=1.5,
    ),
    Program(
        name="Regional Communications Seminar",
        organizer="Eurasian Media Initiative",
        root_type="seminar",
        places=(("KGZ", "Bishkek"), ("GEO", "Tbilisi"), ("KAZ", "Almaty"), ("ARM", "Yerevan")),
        gender_mix=(0.55, 0.38, 0.03, 0.04),
        root_size=(20, 35),
        home_countries=("KAZ", "KGZ", "TJK", "UZB", "GEO", "ARM", "AZE", "MNG"),
        returning=0.25,
        weight=1.0,
    ),
    Program(
        name="Young Trainers Peer-to-Peer School",
        organizer="Youth Peer Education Network",
        root_type="school",
        places=(("TJK", "Dushanbe"), ("UZB", "Tashkent"), ("TJK", "Khujand"), ("UZB", "Samarkand")),
        gender_mix=(0.5, 0.44, 0.02, 0.04),
        root_size=(15, 25),
        home_countries=(),
        children=(1, 3),
        depth=2,
        child_size=(10, 22),
        headcount_share=0.15,
        returning=0.1,
        weight=2.5,
    ),
    Program(
        name="Community Health Camps",
        organizer="Community Health Coalition",
        root_type="camp",
        places=(("KGZ", "Cholpon-Ata"), ("KAZ", "Burabay"), ("MNG", "Ulaanbaatar")),
        gender_mix=(0.45, 0.4, 0.08, 0.07),
        root_size=(25, 45),
        home_countries=("KGZ", "KAZ", "MNG", "RUS"),
        returning=0.3,
        weight=1.0,
    ),
)

CITIES = {
    "KAZ": ("Almaty", "Shymkent", "Karaganda", "Taraz", "Pavlodar", "Aktobe"),
    "KGZ": ("Bishkek", "Osh", "Jalal-Abad", "Karakol", "Naryn"),
    "TJK": ("Dushanbe", "Khujand", "Kulob", "Bokhtar"),
    "UZB": ("Tashkent", "Samarkand", "Bukhara", "Namangan", "Fergana"),
    "GEO": ("Tbilisi", "Kutaisi", "Batumi"),
    "ARM": ("Yerevan", "Gyumri"),
    "AZE": ("Baku", "Ganja"),
    "MNG": ("Ulaanbaatar", "Darkhan"),
    "RUS": ("Omsk", "Novosibirsk"),
}

TOPICS = {
    "training": ("Leadership and political participation", "Advocacy skills", "Coalition building"),
    "school": ("Community leadership", "Peer education", "Project design"),
    "seminar": ("Strategic communications", "Media and visibility", "Safe online campaigning"),
    "camp": ("Health and rights summer camp", "Community wellbeing camp"),
    "step_down": ("Step-down training", "Community project", "Peer session"),
}

RECENT = 600  # how far back returning participants are drawn from
FIRST_DAY = dt.date(2019, 1, 14)
LAST_DAY = dt.date(2025, 12, 1)


class _Builder:
    def __init__(self, rows: int, seed: int):
        self.rng = np.random.default_rng(seed)
        self.target = rows
        self.events: list[dict] = []
        self.cols: dict[str, list] = {"pid": [], "event_id": [], "role": [], "home": []}
        self.n_rows = 0
        self.next_person = 1
        self.people: dict[str, list[int]] = {}  # program -> people seen so far
        self.person_gender: dict[int, int] = {}
        self.trainers: dict[str, np.ndarray] = {}

    def new_people(self, n: int, mix: tuple[float, ...]) -> np.ndarray:
        ids = np.arange(self.next_person, self.next_person + n)
        self.next_person += n
        for pid, g in zip(ids, self.rng.choice(4, size=n, p=mix), strict=True):
            self.person_gender[int(pid)] = int(g)
        return ids

    def seats(self, program: Program, size: int) -> np.ndarray:
        # People come back to events of the same program held not long before.
        seen = self.people.setdefault(program.name, [])
        recent = np.array(seen[-RECENT:], dtype=np.int64)
        back = min(len(recent), int(self.rng.binomial(size, program.returning)))
        old = self.rng.choice(recent, size=back, replace=False) if back else recent[:0]
        fresh = self.new_people(size - back, program.gender_mix)
        seen.extend(fresh.tolist())
        return np.concatenate([old, fresh])

    def add_rows(self, event_id: str, ids: np.ndarray, role: str, country: str, home) -> None:
        if not len(ids):
            return
        n = len(ids)
        self.cols["pid"].append(ids)
        self.cols["event_id"].extend([event_id] * n)
        self.cols["role"].extend([role] * n)
        self.cols["home"].append(self.rng.choice(home, size=n) if home else np.full(n, country))
        self.n_rows += n

    def event(self, program: Program, etype: str, country: str, city: str, start: dt.date,
              parent: str | None, level: int) -> str:  # fmt: skip
        event_id = f"EV{len(self.events) + 1:06d}"
        days = int(self.rng.integers(1, 6)) if etype != "step_down" else 1
        topic = self.rng.choice(TOPICS.get(etype, TOPICS["training"]))
        self.events.append(
            {
                "event_id": event_id,
                "title": f"{topic} — {city} {start.year}",
                "program": program.name,
                "event_type": etype,
                "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=days - 1)).isoformat(),
                "city": city,
                "country_code": country,
                "organizer": program.organizer,
                "parent_event_id": parent or "",
                "reported_participants": "",
                "reported_female": "",
                "reported_male": "",
            }
        )
        return event_id

    def left(self) -> int:
        return self.target - self.n_rows

    def cohort(self, program: Program) -> None:
        span = (LAST_DAY - FIRST_DAY).days
        start = FIRST_DAY + dt.timedelta(days=int(self.rng.integers(0, span - 400)))
        country, city = program.places[int(self.rng.integers(len(program.places)))]
        size = min(int(self.rng.integers(*program.root_size, endpoint=True)), max(self.left(), 1))
        root = self.event(program, program.root_type, country, city, start, None, 0)
        attendees = self.seats(program, size)
        self.add_rows(root, attendees, "participant", country, program.home_countries)
        staff = self.trainers.setdefault(program.name, self.new_people(4, (0.6, 0.35, 0.0, 0.05)))
        lead = self.rng.choice(staff, size=2, replace=False)
        self.add_rows(root, lead[:1], "trainer", country, ())
        self.add_rows(root, lead[1:], "facilitator", country, ())
        self.cascade(program, root, attendees, country, start, 1)

    def cascade(self, program: Program, parent: str, attendees: np.ndarray, country: str,
                start: dt.date, level: int) -> None:  # fmt: skip
        if level > program.depth or self.left() <= 0:
            return
        # Some graduates go on to train others; the rest do not (activation below 100%).
        lo, hi = program.children
        if level > 1:  # fewer graduates of step-downs run step-downs of their own
            lo, hi = 0, max(hi // 2, 1)
        n_children = int(self.rng.integers(lo, hi + 1))
        for _ in range(n_children):
            if self.left() <= 0:
                return
            when = start + dt.timedelta(days=int(self.rng.integers(20, 200)))
            if when > LAST_DAY:
                return
            city = str(self.rng.choice(CITIES[country]))
            child = self.event(program, "step_down", country, city, when, parent, level)
            trainers = self.rng.choice(attendees, size=min(len(attendees), 2), replace=False)
            self.add_rows(child, trainers, "trainer", country, ())
            size = int(self.rng.integers(*program.child_size, endpoint=True))
            if self.rng.random() < program.headcount_share:
                mix = self.rng.multinomial(size, program.gender_mix)
                self.events[-1].update(
                    reported_participants=str(size),
                    reported_female=str(mix[0]),
                    reported_male=str(mix[1]),
                )
                continue
            size = min(size, max(self.left(), 1))
            seats = self.seats(program, size)
            self.add_rows(child, seats, "participant", country, ())
            self.cascade(program, child, seats, country, when, level + 1)

    def build(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        weights = np.array([p.weight for p in PROGRAMS])
        while self.left() > 0:
            program = PROGRAMS[int(self.rng.choice(len(PROGRAMS), p=weights / weights.sum()))]
            self.cohort(program)
        events = pd.DataFrame(self.events)
        ids = np.concatenate(self.cols["pid"])
        homes = np.concatenate(self.cols["home"])
        n = len(ids)
        gender_of = np.zeros(self.next_person, dtype=np.int64)
        gender_of[list(self.person_gender)] = list(self.person_gender.values())
        years = self.rng.integers(1962, 2007, size=n).astype(str)
        years[self.rng.random(n) < 0.2] = ""  # birth year often not asked
        pid = pd.Series(ids).map("P{:07d}".format)
        participants = pd.DataFrame(
            {
                "participant_id": pid,
                "event_id": self.cols["event_id"],
                "gender": GENDERS[gender_of[ids]],
                "role": self.cols["role"],
                "birth_year": years,
                "country_code": homes,
                "organization": "NGO "
                + pd.Series(homes)
                + "-"
                + (pd.Series(ids) % 37).map("{:02d}".format),
            }
        )
        return events, participants


def generate(rows: int = 5000, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Events, participants and countries frames for about `rows` participant rows."""
    events, participants = _Builder(rows, seed).build()
    used = sorted(set(events["country_code"]) | set(participants["country_code"]))
    table = countries.reference().set_index("country_code").loc[used].reset_index()
    return events, participants, table


# How far each program's sample targets sit from what its lists show: some are reached, some
# missed, so the Targets page has every status to show.
TARGET_FACTORS = (0.9, 1.25, 0.8, 1.5, 1.1)


def targets_for(events: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Sample targets: people reached per program for its last two years of events, women
    reached for the first program, and one for the year after the data ends."""
    rows = []
    listed = participants[participants["role"] == "participant"].merge(
        events[["event_id", "program", "start_date"]], on="event_id"
    )
    listed["year"] = pd.to_datetime(listed["start_date"]).dt.year
    # Events without a list count their reported headcount, as the metrics do.
    counted = events[~events["event_id"].isin(listed["event_id"])].assign(
        year=lambda e: pd.to_datetime(e["start_date"]).dt.year
    )
    for program, factor in zip([p.name for p in PROGRAMS], TARGET_FACTORS, strict=True):
        mine = listed[listed["program"] == program]
        if mine.empty:
            continue
        last = int(mine["year"].max())
        for year in (last - 1, last):
            heads = counted.loc[(counted["program"] == program) & (counted["year"] == year)]
            reached = mine.loc[mine["year"] == year, "participant_id"].nunique() + int(
                pd.to_numeric(heads["reported_participants"], errors="coerce").fillna(0).sum()
            )
            rows.append((program, "people_reached", str(year),
                         max(10, int(round(reached * factor, -1))), ""))  # fmt: skip
        if program == PROGRAMS[0].name:
            women = mine[(mine["year"] == last) & (mine["gender"] == "female")]
            rows.append(
                (
                    program,
                    "female_reached",
                    str(last),
                    max(10, int(round(women["participant_id"].nunique() * 0.95, -1))),
                    "",
                )
            )
            rows.append((program, "people_reached", str(last + 1), 400, ""))  # fmt: skip
    return pd.DataFrame(rows, columns=["program", "indicator", "period", "target", "gender"])


def write(out_dir: Path, rows: int = 5000, seed: int = 7) -> dict[str, int]:
    """Write events.csv, participants.csv, countries.csv and targets.csv into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    events, participants, table = generate(rows, seed)
    events.to_csv(out_dir / "events.csv", index=False)
    participants.to_csv(out_dir / "participants.csv", index=False)
    table.to_csv(out_dir / "countries.csv", index=False)
    goals = targets_for(events, participants)
    goals.to_csv(out_dir / "targets.csv", index=False)
    return {"events": len(events), "participants": len(participants), "countries": len(table),
            "targets": len(goals)}  # fmt: skip
