"""Linking named attendance rows to people, on keyed encodings only (issue 8, the core).

A row's name, phone, e-mail and UIC are encoded with the linkage key (reach.encode) as soon as
they are read; from then on only the encodings exist: keyed Bloom filters of the name,
HMACs of the phone, e-mail and UIC, and HMACs of name parts for blocking. Rows are compared
only within blocks (never all pairs), each candidate pair is decided by rules a person can
check, and the links are closed into people with union-find. Pairs that are close but not
certain go to review instead of being merged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from . import encode, i18n
from .i18n import N_, _

MAX_BLOCK = 60  # rows; a larger block (a very common name) is compared only on stronger keys
LINK_DICE = 0.86  # names this alike, with nothing against and something for, are one person
SAME_NAME_DICE = 0.97  # names this alike with nothing else known: review, not a merge
REVIEW_DICE = 0.75
GENDERS = {"female", "male"}

# The evidence a decision names is kept in the store in English (link_pairs.evidence, and the
# rules read it); evidence_text() words it in the reader's language.
EVIDENCE = {
    "same phone": N_("same phone"),
    "same e-mail": N_("same e-mail"),
    "same UIC": N_("same UIC"),
    "different UIC": N_("different UIC"),
    "same birth year": N_("same birth year"),
}
_NAMES_ALIKE = re.compile(r"names (\d+)% alike")


@dataclass(frozen=True)
class Encoded:
    """One row as the linker keeps it: keyed encodings and the non-identifying fields."""

    ref: object  # the row's reference in the caller's data
    bloom: bytes
    phone: str | None
    email: str | None
    uic: str | None
    birth_year: int | None
    gender: str | None
    blocks: tuple[str, ...] = field(default=(), repr=False)
    person: str | None = None  # a participant_id the row already has (stored or in its file)
    stored: bool = False  # an encoding kept in the store: compared with new rows only


def row_name(row: Mapping[str, object]) -> str:
    """A row's name as written: its full_name, or its last, first and patronymic names."""
    if row.get("full_name"):
        return str(row["full_name"])
    parts = [row.get(k) for k in ("last_name", "first_name", "patronymic")]
    return " ".join(str(p) for p in parts if p)


def phone_identity(raw: object) -> str | None:
    """A phone as linking compares it: its last 9 digits. Lists write one number as
    +996 700 00 12 34, 0700001234 or 700001234; the country code and trunk prefix are what
    varies, and an NGO's lists never hold two numbers that differ only there."""
    digits = "".join(ch for ch in str(raw or "") if ch.isdigit())
    return digits[-9:] if len(digits) >= 9 else None


def _int(value: object) -> int | None:
    try:
        return int(float(str(value))) if value not in (None, "") else None
    except ValueError:
        return None


def encode_row(key: bytes, ref: object, row: Mapping[str, object]) -> Encoded:
    """A named row encoded with the linkage key; the plain values are not kept."""
    name = row_name(row)
    parts = encode.name_parts(name)
    phone = phone_identity(row.get("phone"))
    email = encode.email(row.get("email"))  # type: ignore[arg-type]
    uic = encode.uic(row.get("uic"))  # type: ignore[arg-type]
    year = _int(row.get("birth_year"))
    gender = str(row.get("gender") or "").strip().lower() or None
    gender = gender if gender in GENDERS | {"other"} else None
    h = encode.hmac_id
    blocks = []
    if phone:
        blocks.append("p" + h(key, "phone", phone))
    if email:
        blocks.append("e" + h(key, "email", email))
    if uic:
        blocks.append("u" + h(key, "uic", uic))
    if parts:
        # The whole name in any order and spelling habit; then each part with the birth year,
        # and each longer part alone, so a typo in the other part still meets its twin.
        blocks.append("n" + h(key, "name-part", " ".join(parts)))
        for part in parts:
            if year:
                blocks.append("y" + h(key, "name-part", f"{part}|{year}"))
            if len(part) >= 5:
                blocks.append("w" + h(key, "name-part", part))
    return Encoded(
        ref=ref,
        bloom=encode.name_bloom(key, name),
        phone=h(key, "phone", phone) if phone else None,
        email=h(key, "email", email) if email else None,
        uic=h(key, "uic", uic) if uic else None,
        birth_year=year,
        gender=gender,
        blocks=tuple(blocks),
    )


@dataclass(frozen=True)
class Decision:
    """What the rules say about one pair: link, review or apart, and the evidence."""

    verdict: str  # "link", "review" or "apart"
    score: float  # the names' Dice similarity
    evidence: tuple[str, ...]


def decide(a: Encoded, b: Encoded) -> Decision:
    """Link, review or keep apart one candidate pair, saying which evidence agreed."""
    score = encode.dice(a.bloom, b.bloom)
    evidence = [f"names {score:.0%} alike"]
    same_id = False
    against = False
    for what, x, y in (("phone", a.phone, b.phone), ("e-mail", a.email, b.email)):
        if x and y:
            if x == y:
                evidence.append(f"same {what}")
                same_id = True
            else:
                against = True
    if a.uic and b.uic:
        if a.uic != b.uic:
            return Decision("apart", score, (*evidence, "different UIC"))
        return Decision("link", score, (*evidence, "same UIC"))
    year_same = a.birth_year is not None and a.birth_year == b.birth_year
    year_differs = a.birth_year is not None and b.birth_year is not None and not year_same
    if year_same:
        evidence.append("same birth year")
    gender_differs = a.gender in GENDERS and b.gender in GENDERS and a.gender != b.gender
    if same_id:
        # A shared phone with an unlike name is a family or an office phone: ask a person.
        if score >= 0.6 and not gender_differs:
            return Decision("link", score, tuple(evidence))
        return Decision("review", score, tuple(evidence))
    if gender_differs or year_differs:
        # Never merge a man and a woman, or two birth years, on a name alone.
        return Decision("apart", score, tuple(evidence))
    if score >= LINK_DICE and year_same and not against:
        return Decision("link", score, tuple(evidence))
    if score >= SAME_NAME_DICE and not against:
        return Decision("review", score, tuple(evidence))
    if score >= REVIEW_DICE and not against:
        return Decision("review", score, tuple(evidence))
    return Decision("apart", score, tuple(evidence))


def evidence_text(stored: str) -> str:
    """Evidence as kept in the store ('names 93% alike; same phone') in the active language."""
    parts = []
    for part in (stored or "").split("; "):
        alike = _NAMES_ALIKE.fullmatch(part)
        if alike:
            # Translators: evidence for a possible duplicate; {share} is e.g. "93%".
            parts.append(_("names {share} alike").format(share=i18n.percent(int(alike[1]) / 100)))
        elif part in EVIDENCE:
            parts.append(_(EVIDENCE[part]))
        else:
            parts.append(part)
    return "; ".join(parts)


def candidate_pairs(rows: list[Encoded]) -> set[tuple[int, int]]:
    """Index pairs that share a blocking key (blocks larger than MAX_BLOCK are skipped).

    Two encodings from the store were compared when they came in, so only pairs with at least
    one new row are returned: linking a list costs what the list adds, not the store's size.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for b in row.blocks:
            blocks[b].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        fresh = [i for i in members if not rows[i].stored]
        if not fresh:
            continue
        # Exact phone, e-mail and UIC blocks are always compared; name blocks only while small.
        if len(members) > MAX_BLOCK and key[0] not in "peu":
            continue
        if len(fresh) == len(members):
            pairs.update(combinations(members, 2))
            continue
        old = [i for i in members if rows[i].stored]
        pairs.update(combinations(fresh, 2))
        pairs.update((min(i, j), max(i, j)) for i in fresh for j in old)
    return pairs


@dataclass
class Linked:
    """People found in a batch: clusters of row references, and pairs left for review."""

    clusters: list[list[object]]
    review: list[tuple[object, object, Decision]]
    compared: int


@dataclass
class _Cluster:
    """What a growing person holds: the identifiers that must not contradict a merge."""

    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, row: Encoded) -> _Cluster:
        return cls(
            {row.phone} if row.phone else set(),
            {row.email} if row.email else set(),
            {row.birth_year} if row.birth_year else set(),
            {row.gender} if row.gender in GENDERS else set(),
            {row.person} if row.person else set(),
        )

    def conflicts(self, other: _Cluster) -> bool:
        """True when the two cannot be one person: disjoint phones, e-mails, years, genders,
        or two participant_ids (people already told apart, merged only by a person's review)."""
        return any(
            mine and theirs and not (mine & theirs)
            for mine, theirs in (
                (self.phones, other.phones), (self.emails, other.emails),
                (self.years, other.years), (self.genders, other.genders),
                (self.people, other.people),
            )
        )  # fmt: skip

    def absorb(self, other: _Cluster) -> None:
        self.phones |= other.phones
        self.emails |= other.emails
        self.years |= other.years
        self.genders |= other.genders
        self.people |= other.people


def link(rows: Iterable[Encoded]) -> Linked:
    """Link encoded rows into people: union-find over linked pairs, strongest first, and never
    a merge of two clusters whose phones, e-mails, birth years or genders contradict (a chain
    of name-only links must not join two different people)."""
    items = list(rows)
    parent = list(range(len(items)))
    held = [_Cluster.of(row) for row in items]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    review = []
    links = []
    pairs = candidate_pairs(items)
    for i, j in sorted(pairs):
        d = decide(items[i], items[j])
        if d.verdict == "link":
            strong = any(e.startswith("same") and "birth" not in e for e in d.evidence)
            links.append((not strong, -d.score, i, j, d))
        elif d.verdict == "review":
            review.append((items[i].ref, items[j].ref, d))
    for _unused, _unused2, i, j, d in sorted(links, key=lambda x: x[:4]):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if held[ri].conflicts(held[rj]):
            review.append((items[i].ref, items[j].ref, d))
            continue
        parent[ri] = rj
        held[rj].absorb(held[ri])
    groups: dict[int, list[object]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[find(i)].append(item.ref)
    return Linked(clusters=list(groups.values()), review=review, compared=len(pairs))
