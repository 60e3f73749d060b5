"""The Jambi province's DTSEN extract as an edition of January of the install year,
imported by ``jambi.operator``: the families of the demo's BKBK villages in Batanghari
and Tanjung Jabung (demo/people.py), and the poor households of three Mersam villages
the BKBK has not reached yet.

Each registered person is listed with a decile (extreme poor 1, vulnerable workers 2 to
4), beside the rest of the household: a spouse working the same trade, a child, an
elderly parent. Every village also has poor households nobody has registered yet. So
``targeting.selectors.candidates`` finds people to propose in every village: spouses
and newcomers of working age, the poorest first, while the enrolled are counted as
already protected. Through the service (so audited). Deterministic; skipped when the
edition exists.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from jaring.accounts.models import User
from jaring.demo.people import (
    FIRST_FEMALE,
    FIRST_MALE,
    JAMBI_BKBK_VILLAGES,
    LAST,
    OCCUPATIONS,
    TANJAB_VILLAGES,
)
from jaring.registry.models import Participant
from jaring.targeting.imports import import_dtsen
from jaring.targeting.models import DtsenEdition

IMPORTER = "jambi.operator"
HEADER = "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,ID_KELUARGA,DESIL,PEKERJAAN,STATUS_BEKERJA"
NEW_HOUSEHOLDS = 6  # per village, not registered anywhere yet
# Villages of Mersam (Batanghari) the BKBK has not reached yet: poor households listed in
# DTSEN and nobody enrolled, so the 2026 BKBK's proposal fills places there.
UNREACHED_VILLAGES = {"1504012005": 24, "1504012006": 30, "1504012007": 18}  # village -> households
SERIAL_START = 5000  # the demo's registered people use serials below 1000


def edition_month() -> date:
    return timezone.localdate().replace(month=1, day=1)


def seed_dtsen() -> DtsenEdition | None:
    edition = edition_month()
    if DtsenEdition.objects.filter(scope_code="15", edition=edition).exists():
        return None
    rows = _rows(random.Random(20261208))  # noqa: S311 - demo data, not security
    with tempfile.TemporaryDirectory(prefix="jaring-demo-") as work:
        path = Path(work) / f"dtsen-jambi-{edition:%Y-%m}.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        result = import_dtsen(
            actor=User.objects.get(username=IMPORTER), path=path, edition=f"{edition:%Y-%m}"
        )
    if result.saved is None:  # the demo's own data must be good: say which row is not
        raise RuntimeError(f"demo DTSEN refused: {[e.as_dict() for e in result.errors[:3]]}")
    return result.saved


def _rows(rng: random.Random) -> list[str]:
    villages = [*JAMBI_BKBK_VILLAGES, *TANJAB_VILLAGES]
    serials: dict[tuple[str, date], int] = {}
    rows = []
    people = Participant.objects.filter(village_id__in=villages).order_by("village_id", "nik")
    for family, person in enumerate(people.iterator(), start=1):
        decile = 1 if person.category == "miskin_ekstrem" else 2 + family % 3
        household = f"KK-{person.village_id}-{family:04d}"
        rows.append(_row(person.nik, person.full_name, person.birth_date, person.sex, person.village_id,
                         household, decile, person.occupation, True))  # fmt: skip
        if family % 3 == 0:  # a spouse in the same trade, not registered
            rows.append(
                _member(rng, serials, person.village_id, household, decile, person.occupation, adult=True)
            )
    for village in villages:
        for number in range(NEW_HOUSEHOLDS):
            household = f"KK-{village}-B{number:02d}"
            decile = 1 + number % 4
            work = rng.choice(OCCUPATIONS)
            rows.append(_member(rng, serials, village, household, decile, work, adult=True))
            rows.append(_member(rng, serials, village, household, decile, "", adult=False))
    for village, households in UNREACHED_VILLAGES.items():
        for number in range(households):
            household = f"KK-{village}-C{number:02d}"
            decile = 1 if number % 3 == 0 else 2 + number % 3
            work = rng.choice(OCCUPATIONS)
            rows.append(_member(rng, serials, village, household, decile, work, adult=True))
            if number % 2 == 0:  # the spouse, working the same trade
                rows.append(_member(rng, serials, village, household, decile, work, adult=True))
    return rows


def _member(rng, serials, village: str, household: str, decile: int, occupation: str, *, adult: bool) -> str:
    female = rng.random() < 0.5
    if adult:
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
    else:
        birth = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 365 * 6))  # a child, below working age
    key = (village[:6], birth)
    serials[key] = serials.get(key, SERIAL_START) + 1
    day = birth.day + (40 if female else 0)
    nik = f"{village[:6]}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serials[key]:04d}"
    name = f"{rng.choice(FIRST_FEMALE if female else FIRST_MALE)} {rng.choice(LAST)}".strip()
    working = adult and bool(occupation)
    return _row(nik, name, birth, "P" if female else "L", village, household, decile, occupation, working)


def _row(nik, name, birth: date, sex, village, household, decile, occupation, working) -> str:
    status = "bekerja" if working else "tidak bekerja"
    return f"{nik},{name},{birth:%d/%m/%Y},{sex},{village},{household},{decile},{occupation},{status}"
