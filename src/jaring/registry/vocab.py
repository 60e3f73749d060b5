"""The registry's controlled vocabularies and how spreadsheet values map onto them.

Values match case-insensitively with surrounding spaces ignored; either the code or
the Indonesian label (or a listed alias) is accepted.
"""

from __future__ import annotations

import re
from enum import StrEnum

from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_


class Occupation(StrEnum):
    PETANI = "petani"
    PEKEBUN = "pekebun"
    NELAYAN = "nelayan"
    PEDAGANG = "pedagang"
    BURUH_HARIAN = "buruh_harian"
    OJEK_PENGEMUDI = "ojek_pengemudi"
    KETUA_RT_RW = "ketua_rt_rw"
    PERANGKAT_DESA = "perangkat_desa"
    MARBOT_GURU_NGAJI = "marbot_guru_ngaji"
    LAINNYA = "lainnya"


OCCUPATION_LABELS = {
    Occupation.PETANI: N_("Petani"),
    Occupation.PEKEBUN: N_("Pekebun"),
    Occupation.NELAYAN: N_("Nelayan"),
    Occupation.PEDAGANG: N_("Pedagang"),
    Occupation.BURUH_HARIAN: N_("Buruh harian"),
    Occupation.OJEK_PENGEMUDI: N_("Ojek/pengemudi"),
    Occupation.KETUA_RT_RW: N_("Ketua RT/RW"),
    Occupation.PERANGKAT_DESA: N_("Perangkat desa"),
    Occupation.MARBOT_GURU_NGAJI: N_("Marbot/guru ngaji"),
    Occupation.LAINNYA: N_("Lainnya"),
}

# The occupations of vulnerable workers (pekerja rentan): informal work without an
# employer to pay contributions. Village officials and RT/RW heads are covered as such.
VULNERABLE_OCCUPATIONS = frozenset(
    {
        Occupation.PETANI,
        Occupation.PEKEBUN,
        Occupation.NELAYAN,
        Occupation.PEDAGANG,
        Occupation.BURUH_HARIAN,
        Occupation.OJEK_PENGEMUDI,
        Occupation.MARBOT_GURU_NGAJI,
    }
)


class Category(StrEnum):
    MISKIN_EKSTREM = "miskin_ekstrem"
    PEKERJA_RENTAN = "pekerja_rentan"
    PERANGKAT_DESA = "perangkat_desa"
    RT_RW = "rt_rw"
    LAINNYA = "lainnya"


CATEGORY_LABELS = {
    Category.MISKIN_EKSTREM: N_("Miskin ekstrem"),
    Category.PEKERJA_RENTAN: N_("Pekerja rentan"),
    Category.PERANGKAT_DESA: N_("Perangkat desa"),
    Category.RT_RW: N_("RT/RW"),
    Category.LAINNYA: N_("Lainnya"),
}


class Status(StrEnum):
    REGISTERED = "registered"
    ACTIVE = "active"
    INACTIVE = "inactive"
    DECEASED = "deceased"
    EXITED = "exited"


STATUS_LABELS = {
    Status.REGISTERED: N_("Terdaftar"),
    Status.ACTIVE: N_("Aktif"),
    Status.INACTIVE: N_("Tidak aktif"),
    Status.DECEASED: N_("Meninggal"),
    Status.EXITED: N_("Keluar"),
}

# Which status may follow which. Deceased is final; exited may re-register.
TRANSITIONS: dict[Status, set[Status]] = {
    Status.REGISTERED: {Status.ACTIVE, Status.INACTIVE, Status.DECEASED, Status.EXITED},
    Status.ACTIVE: {Status.INACTIVE, Status.DECEASED, Status.EXITED},
    Status.INACTIVE: {Status.ACTIVE, Status.DECEASED, Status.EXITED},
    Status.EXITED: {Status.REGISTERED},
    Status.DECEASED: set(),
}

_FOLD = re.compile(r"[\s_/\-]+")


def _key(text: str) -> str:
    return _FOLD.sub("", text.strip().lower())


def _lookup(labels: dict, aliases: dict[str, StrEnum]) -> dict[str, StrEnum]:
    table = {}
    for member, label in labels.items():
        table[_key(member.value)] = member
        table[_key(label)] = member
    table.update({_key(alias): member for alias, member in aliases.items()})
    return table


_OCCUPATIONS = _lookup(
    OCCUPATION_LABELS,
    {
        "ojek": Occupation.OJEK_PENGEMUDI,
        "pengemudi": Occupation.OJEK_PENGEMUDI,
        "ketua rt": Occupation.KETUA_RT_RW,
        "ketua rw": Occupation.KETUA_RT_RW,
        "marbot": Occupation.MARBOT_GURU_NGAJI,
        "guru ngaji": Occupation.MARBOT_GURU_NGAJI,
        "buruh": Occupation.BURUH_HARIAN,
    },
)
_CATEGORIES = _lookup(CATEGORY_LABELS, {"rt": Category.RT_RW, "rw": Category.RT_RW})


def parse_occupation(raw: object) -> Occupation:
    member = _OCCUPATIONS.get(_key(str(raw or "")))
    if member is None:
        allowed = ", ".join(figures.text(label) for label in OCCUPATION_LABELS.values())
        raise InvalidInput(
            N_("Pekerjaan '%(value)s' tidak dikenal. Pilih salah satu: %(allowed)s."),
            params={"value": str(raw), "allowed": allowed},
            code="occupation_unknown",
            field="PEKERJAAN",
        )
    return member


def parse_category(raw: object) -> Category:
    member = _CATEGORIES.get(_key(str(raw or "")))
    if member is None:
        allowed = ", ".join(figures.text(label) for label in CATEGORY_LABELS.values())
        raise InvalidInput(
            N_("Kategori '%(value)s' tidak dikenal. Pilih salah satu: %(allowed)s."),
            params={"value": str(raw), "allowed": allowed},
            code="category_unknown",
            field="KATEGORI",
        )
    return member


def check_transition(current: Status, new: Status) -> None:
    if new not in TRANSITIONS[current]:
        raise InvalidInput(
            N_("Status tidak dapat diubah dari %(current)s ke %(new)s."),
            params={"current": figures.text(STATUS_LABELS[current]), "new": figures.text(STATUS_LABELS[new])},
            code="status_transition_refused",
            field="status",
        )
