"""Demo participants: Jambi BKBK villages (50 extreme poor + 25 vulnerable workers
each), Kota Jambi RT heads, and Bengkulu vulnerable workers in Kaur and Mukomuko.
Deterministic, so seeding twice changes nothing."""

from __future__ import annotations

import random
from datetime import date, timedelta

from jaring.regions.models import Region
from jaring.registry.rows import ParticipantRecord

FIRST_MALE = [
    "Ahmad",
    "Budi",
    "Dedi",
    "Hendra",
    "Joko",
    "Muhammad",
    "Rahmat",
    "Syamsul",
    "Yusuf",
    "Zainal",
    "Agus",
    "Bambang",
    "Darmawan",
    "Firdaus",
    "Hasan",
    "Irwan",
    "Kasim",
    "Ridwan",
    "Sulaiman",
    "Taufik",
]
FIRST_FEMALE = [
    "Aminah",
    "Dewi",
    "Fitri",
    "Halimah",
    "Masnah",
    "Nurhayati",
    "Rina",
    "Siti",
    "Suryani",
    "Yanti",
    "Asmah",
    "Erni",
    "Juriah",
    "Khadijah",
    "Mariam",
    "Rosmiati",
    "Salmah",
    "Wati",
    "Zubaidah",
    "Lela",
]
LAST = [
    "Saputra",
    "Hidayat",
    "Lubis",
    "Siregar",
    "Harahap",
    "Pratama",
    "Wijaya",
    "Kurniawan",
    "Nasution",
    "Rahman",
    "Syahputra",
    "Hasibuan",
    "Gunawan",
    "Setiawan",
    "Putri",
    "Sari",
    "Marlina",
    "Handayani",
    "",
    "",
]
OCCUPATIONS = [
    "petani",
    "pekebun",
    "nelayan",
    "pedagang",
    "buruh_harian",
    "ojek_pengemudi",
    "marbot_guru_ngaji",
]

# (village code, people per category) for the Jambi BKBK villages of the demo.
JAMBI_BKBK_VILLAGES = ["1504012003", "1504012002", "1504012004", "1504011001"]
BENGKULU_DISTRICTS = ["170401", "170601"]  # Kaur, Mukomuko


def _person(rng: random.Random, village: str, serials: dict, category: str, occupation: str | None = None):
    female = rng.random() < 0.45
    birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 44))
    day = birth.day + (40 if female else 0)
    key = (village[:6], birth)
    serials[key] = serials.get(key, 0) + 1
    nik = f"{village[:6]}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serials[key]:04d}"
    first = rng.choice(FIRST_FEMALE if female else FIRST_MALE)
    name = f"{first} {rng.choice(LAST)}".strip()
    return ParticipantRecord(
        nik=nik,
        full_name=name,
        birth_date=birth,
        sex="P" if female else "L",
        village_code=village,
        address=f"RT {rng.randint(1, 12):03d} Dusun {rng.choice(['I', 'II', 'III', 'IV'])}",
        phone=f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
        occupation=occupation or rng.choice(OCCUPATIONS),
        category=category,
        kpj_number="",
        dtsen_ref=f"P3KE-{village[:4]}-{rng.randint(1, 99999):05d}" if category == "miskin_ekstrem" else "",
        welfare_decile=1 if category == "miskin_ekstrem" else rng.choice([2, 3, 4]),
    )


def demo_people() -> list[ParticipantRecord]:
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    serials: dict = {}
    people = []
    for village in JAMBI_BKBK_VILLAGES:
        people += [_person(rng, village, serials, "miskin_ekstrem") for _ in range(50)]
        people += [_person(rng, village, serials, "pekerja_rentan") for _ in range(25)]
    kota_jambi = list(
        Region.objects.filter(level="village", code__startswith="157101").values_list("code", flat=True)[:6]
    )
    for village in kota_jambi:
        people += [_person(rng, village, serials, "rt_rw", "ketua_rt_rw") for _ in range(8)]
    for district in BENGKULU_DISTRICTS:
        villages = list(
            Region.objects.filter(level="village", code__startswith=district).values_list("code", flat=True)[
                :5
            ]
        )
        for village in villages:
            people += [_person(rng, village, serials, "pekerja_rentan") for _ in range(20)]
    # One person registered twice under two NIKs (a typo in the name): the review queue shows it.
    twin = people[0]
    people.append(
        ParticipantRecord(
            **{
                **twin.__dict__,
                "nik": twin.nik[:12] + "0999",
                "full_name": twin.full_name.replace("a", "aa", 1),
            }
        )
    )
    return people
