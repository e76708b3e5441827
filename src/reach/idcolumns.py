"""Which part of a person an identifying header holds: a full name, a name part, a phone…

The headers come from analysts' spreadsheets (ФИО, Фамилия, Телефон, E-mail, УИК…). Only these
roles are read, and only to be encoded with the linkage key (reach.link); the cells themselves
are never stored.
"""

from __future__ import annotations

from .contract import identifying_key, is_identifying

# Checked in this order: "отчество" before "имя"; any name that is not a part is a full name.
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("patronymic", ("patronymic", "middle name", "отчеств", "әкесінің аты", "атасынын аты",
                    "otasining ismi")),
    ("last_name", ("last name", "lastname", "surname", "family name", "фамили", "тегі",
                   "familiya")),
    ("first_name", ("first name", "firstname", "given name", "имя", "ism")),
    ("phone", ("phone", "tel", "mobile", "mob", "cell", "whatsapp", "телефон", "тел", "моб",
               "сотов", "байланыс")),
    ("email", ("e mail", "email", "mail", "почт", "пошта")),
    ("uic", ("uic", "уик")),
)  # fmt: skip
# Identifying columns Reach cannot link on (an address, a passport number): dropped unread.
LINKABLE = ("full_name", "last_name", "first_name", "patronymic", "phone", "email", "uic")
_NOT_LINKABLE = (
    "address", "адрес", "мекенжай", "дарек", "manzil", "суроға", "iin", "иин", "инн", "пин",
    "passport", "паспорт", "national id", "contact", "контакт",
)  # fmt: skip


def role(header: str) -> str | None:
    """The identifying role of a header (full_name, last_name, phone…), or None to keep it.

    "other" is an identifying column Reach drops without reading (an address, a passport).
    """
    key = identifying_key(header)
    words = key.split()
    if key in ("uic", "уик", "uic code", "код уик"):
        return "uic"
    if not is_identifying(header, "participants"):
        return None
    for name, starts in ROLES:
        if any(key == s or key.startswith(s) or any(w.startswith(s) for w in words)
               for s in starts):  # fmt: skip
            return name
    if any(key.startswith(s) or any(w.startswith(s) for w in words) for s in _NOT_LINKABLE):
        return "other"
    return "full_name"


def roles(header: list[str]) -> dict[int, str]:
    """Positions of the linkable identifying columns, with their roles."""
    found = {i: role(h) for i, h in enumerate(header)}
    return {i: r for i, r in found.items() if r in LINKABLE}
