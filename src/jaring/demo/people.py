"""Demo participants: Jambi BKBK villages (50 extreme poor + 25 vulnerable workers
each) in Batanghari and in Tanjung Jabung Barat and Timur (the BPJS branch office's
regencies), Kota Jambi RT heads, and Bengkulu vulnerable workers in Kaur and Mukomuko.
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
# BKBK villages of Tanjung Jabung Barat (15.06) and Timur (15.07), the BPJS branch office's
# regencies, with the work of their people: fishing on the coast, farming inland. Each is a
# village whose account received and paid BPJS in both demo years (demo/programs.py,
# demo/live.py), so adding them moves no money; Kuala Simbur received this year's money but
# has not paid BPJS yet (LATE_PAYER_VILLAGE): its people have lapsed.
TANJAB_VILLAGES = {
    "1506022014": ("nelayan", "buruh_harian", "pedagang"),  # Teluk Sialang, Tungkal Ilir
    "1506052020": ("pekebun", "petani", "buruh_harian"),  # Merlung
    "1507081001": ("nelayan", "nelayan", "pedagang"),  # Kampung Laut, Kuala Jambi
    "1507042014": ("petani", "pekebun", "buruh_harian"),  # Marga Mulya, Rantau Rasau
    "1507012018": ("nelayan", "petani", "buruh_harian"),  # Kuala Simbur, Muara Sabak Timur
}
LATE_PAYER_VILLAGE = "1507012018"


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
    return people + _tanjung_jabung(serials)


def _tanjung_jabung(serials: dict) -> list[ParticipantRecord]:
    """The Tanjung Jabung villages' people (their own generator: the people above stay as
    they were)."""
    rng = random.Random(20261207)  # noqa: S311 - demo data, not security
    people = []
    for village, occupations in TANJAB_VILLAGES.items():
        for category, count in (("miskin_ekstrem", 50), ("pekerja_rentan", 25)):
            people += [
                _person(rng, village, serials, category, rng.choice(occupations)) for _ in range(count)
            ]
    return people
