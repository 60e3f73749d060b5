"""Generate a participant file (the import template's 12 columns) for benchmarks.

    .venv/bin/python bench/gen_participants.py out.csv --rows 1000000 [--seed 2026] [--invalid-rate 0.1]
    .venv/bin/python bench/gen_participants.py out.xlsx --rows 100000

Rows are people in real Jambi (15) and Bengkulu (17) villages from the region list
bundled with the package, with NIKs that encode their district of first registration,
birth date (women: day + 40) and sex, serials counted per district + birth date so
that every valid row's NIK is unique. Ages are 18-64 on 2026-11-23 (the reference
day the benchmark imports with). About ``invalid_rate`` of the rows are wrong in one
of the ways officers' files are wrong (see ``INVALID_KINDS``); the returned
``Stats`` says how many of each, so a caller can check the importer's counts.

Rows are produced one at a time and written as they come: CSV through ``csv.writer``,
XLSX through XlsxWriter in ``constant_memory`` mode (NIK, phone and KPJ as text,
birth dates as date cells). Same seed, same file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from jaring.registry.rows import COLUMNS  # the import template's columns, one source

REFERENCE_DAY = date(2026, 11, 23)
AGE_MIN, AGE_MAX = 18, 64
PROVINCES = ("15", "17")

# Each invalid row is wrong in exactly one way (so its expected rejection is known).
INVALID_KINDS = (
    "nik_length",  # 15 or 17 digits
    "nik_serial",  # serial 0000
    "nik_birth_date",  # DDMMYY is not a date (31 Feb, month 13, day 00)
    "nik_region",  # regency prefix that does not exist
    "nik_letters",  # a letter O typed for a zero
    "sex_mismatch",  # JENIS_KELAMIN disagrees with the NIK
    "birth_date_mismatch",  # TANGGAL_LAHIR disagrees with the NIK
    "age_out_of_range",  # consistent NIK and date, but 12-14 or 66-70 years old
    "village_unknown",  # well-formed village code that is not in the list
    "occupation_unknown",  # "Wiraswasta", "PNS", ...
    "duplicate_nik",  # the same person a second time in the file
    "name_missing",  # NAMA empty
)

MALE_FIRST = [
    "Ahmad",
    "Muhammad",
    "Budi",
    "Agus",
    "Andi",
    "Rudi",
    "Hendra",
    "Dedi",
    "Joko",
    "Bambang",
    "Eko",
    "Rizki",
    "Fajar",
    "Hadi",
    "Irfan",
    "Syahrul",
    "Zulkifli",
    "Zainal",
    "Rahmat",
    "Arif",
    "Dodi",
    "Yudi",
    "Wahyu",
    "Taufik",
    "Iwan",
    "Ilham",
    "Fikri",
    "Ridwan",
    "Hasan",
    "Husein",
    "Anwar",
    "Amir",
    "Firman",
    "Gunawan",
    "Heri",
    "Jamal",
    "Khairul",
    "Lukman",
    "Mulyadi",
    "Nasrul",
    "Rahman",
    "Sudirman",
    "Suparman",
    "Syaiful",
    "Teguh",
    "Usman",
    "Yusuf",
    "Zulhendri",
    "Erwin",
    "Feri",
    "Supriyadi",
    "Darmawan",
    "Asep",
    "Riki",
    "Dani",
]
FEMALE_FIRST = [
    "Siti",
    "Nur",
    "Sri",
    "Dewi",
    "Rina",
    "Yuli",
    "Ani",
    "Fitri",
    "Rahma",
    "Lestari",
    "Wati",
    "Endang",
    "Sulastri",
    "Sumarni",
    "Yanti",
    "Ratna",
    "Indah",
    "Nurhayati",
    "Rosmawati",
    "Aminah",
    "Fatimah",
    "Maryam",
    "Halimah",
    "Zubaidah",
    "Rohani",
    "Misnawati",
    "Desi",
    "Eka",
    "Novi",
    "Putri",
    "Ayu",
    "Wulan",
    "Rini",
    "Sari",
    "Kartini",
    "Mariani",
    "Nurlela",
    "Yusnidar",
    "Elvi",
    "Suryani",
    "Dahlia",
    "Melati",
    "Asmah",
    "Juliana",
    "Herlina",
    "Rosita",
    "Hasanah",
    "Khadijah",
    "Nurjannah",
    "Salmah",
    "Mardiana",
]
SECOND = [
    "Saputra",
    "Pratama",
    "Hidayat",
    "Rahmawati",
    "Santoso",
    "Wijaya",
    "Kurniawan",
    "Setiawan",
    "Siregar",
    "Harahap",
    "Nasution",
    "Lubis",
    "Syahputra",
    "Syahputri",
    "Hasibuan",
    "Sinaga",
    "Ramadhan",
    "Maulana",
    "Safitri",
    "Handayani",
    "Susanti",
    "Anggraini",
    "Purnama",
    "Permata",
    "Hasan",
    "Ibrahim",
    "Ismail",
    "Abdullah",
    "Rasyid",
    "Hamzah",
    "Sembiring",
    "Effendi",
    "Yusuf",
    "Sulaiman",
    "Wahyuni",
    "Marlina",
    "Fauzi",
    "Hakim",
    "Nugroho",
    "Utami",
    "Febrianti",
    "Putra",
    "Putri",
    "Sari",
    "Yani",
    "Irawan",
    "Gusnadi",
    "Darwis",
    "Nurdin",
    "Bahar",
    "Syamsuddin",
    "Zakaria",
    "Arsyad",
    "Mansur",
    "Jamil",
    "Ali",
    "Umar",
]
STREETS = [
    "Jl. Lintas Sumatera",
    "Jl. Pattimura",
    "Jl. Sudirman",
    "Jl. Kapten Pattimura",
    "Jl. Sultan Thaha",
    "Jl. Raya Desa",
    "Jl. Poros",
    "Jl. Masjid",
    "Jl. Pasar",
    "Jl. Kebun Sawit",
    "Jl. Pantai",
    "Jl. Merdeka",
]
OCCUPATION_WEIGHTS = {  # vocab.OCCUPATION_LABELS key -> weight (farming provinces)
    "petani": 26,
    "pekebun": 22,
    "buruh_harian": 16,
    "pedagang": 10,
    "nelayan": 6,
    "ojek_pengemudi": 7,
    "ketua_rt_rw": 3,
    "perangkat_desa": 3,
    "marbot_guru_ngaji": 2,
    "lainnya": 5,
}
UNKNOWN_OCCUPATIONS = ("Wiraswasta", "PNS", "Karyawan swasta", "Guru honorer", "Ibu rumah tangga", "Tukang")


@dataclass
class Stats:
    rows: int = 0
    valid: int = 0
    invalid: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "valid": self.valid,
            "invalid": sum(self.invalid.values()),
            "invalid_by_kind": dict(sorted(self.invalid.items())),
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Regions:
    villages: list[str]  # 10-digit codes
    districts: list[str]  # 6-digit codes
    regencies: frozenset[str]  # 4-digit codes


def load_regions(provinces: tuple[str, ...] = PROVINCES) -> Regions:
    """Real codes from the package's bundled region list (no database involved)."""
    try:
        from jaring.regions.services import read_region_rows
    except Exception:  # importing the app's modules needs configured settings
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
        import django

        django.setup()
        from jaring.regions.services import read_region_rows

    codes = [row.code for row in read_region_rows() if row.code[:2] in provinces]
    return Regions(
        villages=sorted(c for c in codes if len(c) == 10),
        districts=sorted(c for c in codes if len(c) == 6),
        regencies=frozenset(c for c in codes if len(c) == 4),
    )


def _vocab() -> tuple[dict[str, str], dict[str, str]]:
    from jaring.registry.vocab import CATEGORY_LABELS, OCCUPATION_LABELS

    return (
        {m.value: label for m, label in OCCUPATION_LABELS.items()},
        {m.value: label for m, label in CATEGORY_LABELS.items()},
    )


class RowMaker:
    """Makes rows one at a time; all randomness comes from one seeded ``Random``."""

    def __init__(self, *, seed: int = 2026, invalid_rate: float = 0.10, regions: Regions | None = None):
        self.rng = random.Random(seed)
        self.invalid_rate = invalid_rate
        self.regions = regions or load_regions()
        self.occupation_labels, self.category_labels = _vocab()
        self.occupations = list(OCCUPATION_WEIGHTS)
        self.occupation_weights = list(OCCUPATION_WEIGHTS.values())
        self.village_set = frozenset(self.regions.villages)
        self.serials: dict[int, int] = {}  # district * 10**6 + DDMMYY (sex-coded) -> last serial
        self.recent: deque[list[object]] = deque(maxlen=2000)  # valid rows, for duplicates
        self.kpj_counter = 0
        self.stats = Stats()
        oldest = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - AGE_MAX - 1) + timedelta(days=1)
        youngest = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - AGE_MIN)
        self.oldest, self.span = oldest, (youngest - oldest).days

    # -- pieces --------------------------------------------------------------------
    def _birth_date(self, age_range: tuple[int, int] | None = None) -> date:
        if age_range is None:
            return self.oldest + timedelta(days=self.rng.randrange(self.span + 1))
        low, high = age_range  # completed years on REFERENCE_DAY, inclusive
        first = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - high - 1) + timedelta(days=1)
        last = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - low)
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def _nik(self, district: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        ddmmyy = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        key = int(district) * 1_000_000 + int(ddmmyy)
        serial = self.serials.get(key, 0) + 1
        if serial > 9999:  # cannot happen at benchmark sizes; refuse rather than wrap
            raise RuntimeError(f"more than 9999 people born {ddmmyy} in district {district}")
        self.serials[key] = serial
        return f"{district}{ddmmyy}{serial:04d}"

    def _name(self, sex: str) -> str:
        rng = self.rng
        first = rng.choice(MALE_FIRST if sex == "L" else FEMALE_FIRST)
        roll = rng.random()
        if roll < 0.12:
            return first  # one-word names are common
        if roll < 0.25 and sex == "L" and first not in ("Muhammad", "Ahmad"):
            return f"Muhammad {first} {rng.choice(SECOND)}"
        if roll < 0.30:
            return f"{first} {rng.choice(SECOND)} {rng.choice(SECOND)}"
        return f"{first} {rng.choice(SECOND)}"

    def _address(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            return ""
        if roll < 0.65:
            return f"RT {rng.randint(1, 25):03d} RW {rng.randint(1, 9):03d}, Dusun {rng.choice(SECOND)}"
        return f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, RT {rng.randint(1, 25):02d}"

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return ""
        prefix = rng.choice(("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0895"))
        return prefix + "".join(str(rng.randrange(10)) for _ in range(rng.choice((7, 8, 8, 9))))

    def _category(self, occupation: str) -> str:
        if occupation == "perangkat_desa":
            return "perangkat_desa"
        if occupation == "ketua_rt_rw":
            return "rt_rw"
        roll = self.rng.random()
        return "miskin_ekstrem" if roll < 0.35 else "pekerja_rentan" if roll < 0.93 else "lainnya"

    # -- rows ----------------------------------------------------------------------
    def valid_row(self) -> list[object]:
        rng = self.rng
        village = rng.choice(self.regions.villages)
        # NIK region is where the person was first registered: usually here, sometimes elsewhere.
        district = village[:6] if rng.random() < 0.9 else rng.choice(self.regions.districts)
        sex = "L" if rng.random() < 0.5 else "P"
        birth = self._birth_date()
        occupation = rng.choices(self.occupations, self.occupation_weights)[0]
        category = self._category(occupation)
        kpj = ""
        if rng.random() < 0.4:
            self.kpj_counter += 1
            kpj = f"{23_000_000_000 + self.kpj_counter:011d}"
        dtsen = f"P3KE{rng.randrange(10**11):011d}" if rng.random() < 0.5 else ""
        if category == "miskin_ekstrem":
            decile = rng.randint(1, 2)
        else:
            decile = rng.randint(1, 6) if rng.random() < 0.6 else ""
        sex_text = sex if rng.random() < 0.9 else ("Laki-laki" if sex == "L" else "Perempuan")
        village_text = _dotted(village) if rng.random() < 0.7 else village
        return [
            self._nik(district, birth, sex),
            self._name(sex),
            birth,
            sex_text,
            village_text,
            self._address(),
            self._phone(),
            self.occupation_labels[occupation],
            self.category_labels[category],
            kpj,
            dtsen,
            decile,
        ]

    def invalid_row(self, kind: str) -> list[object]:
        """A row wrong in one way (``duplicate_nik`` is made by ``rows``)."""
        rng = self.rng
        if kind == "age_out_of_range":
            row = self.valid_row()
            sex = _sex_of(row[3])
            birth = self._birth_date((12, 14) if rng.random() < 0.5 else (66, 70))
            row[0] = self._nik(row[0][:6], birth, sex)
            row[2] = birth
            self.stats.invalid[kind] += 1
            return row
        row = self.valid_row()
        nik = row[0]
        if kind == "nik_length":
            row[0] = nik[:-1] if rng.random() < 0.5 else nik + str(rng.randrange(10))
        elif kind == "nik_serial":
            row[0] = nik[:12] + "0000"
        elif kind == "nik_birth_date":
            female = int(nik[6:8]) > 40
            bad = rng.choice(("3102", "3002", "0113", "3104", "0000", "3211"))
            day = int(bad[:2]) + (40 if female and bad[:2] != "00" else 0)
            row[0] = f"{nik[:6]}{day:02d}{bad[2:]}{nik[10:]}"
        elif kind == "nik_region":
            regency = nik[:4]
            while regency in self.regions.regencies:
                regency = f"{nik[:2]}{rng.randint(30, 69):02d}"  # no regency numbered this high
            row[0] = regency + nik[4:]
        elif kind == "nik_letters":
            position = rng.randrange(12, 16)
            row[0] = nik[:position] + "O" + nik[position + 1 :]
        elif kind == "sex_mismatch":
            row[3] = "P" if _sex_of(row[3]) == "L" else "L"
        elif kind == "birth_date_mismatch":
            row[2] = row[2] + timedelta(days=rng.choice((1, -1, 10, 365, -365)))
        elif kind == "village_unknown":
            code = row[4].replace(".", "")
            while code in self.village_set:
                code = code[:6] + rng.choice("12") + f"{rng.randint(900, 999)}"
            row[4] = _dotted(code)
        elif kind == "occupation_unknown":
            row[7] = rng.choice(UNKNOWN_OCCUPATIONS)
        elif kind == "name_missing":
            row[1] = ""
        else:
            raise ValueError(kind)
        self.stats.invalid[kind] += 1
        return row

    def rows(self, n: int) -> Iterator[list[object]]:
        rng = self.rng
        for _ in range(n):
            self.stats.rows += 1
            if rng.random() < self.invalid_rate:
                kind = rng.choice(INVALID_KINDS)
                if kind == "duplicate_nik" and self.recent:
                    self.stats.invalid[kind] += 1
                    yield list(rng.choice(self.recent))
                    continue
                if kind == "duplicate_nik":  # nobody to repeat yet
                    kind = "name_missing"
                yield self.invalid_row(kind)
            else:
                row = self.valid_row()
                self.stats.valid += 1
                if rng.random() < 0.02:
                    self.recent.append(row)
                yield row


def _dotted(code: str) -> str:
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"


def _sex_of(text: object) -> str:
    return "L" if str(text)[:1].upper() == "L" else "P"


def write_csv(path: Path, n: int, *, seed: int = 2026, invalid_rate: float = 0.10) -> Stats:
    """Stream ``n`` rows (plus the header) to a UTF-8 CSV; dates as dd/mm/yyyy."""
    started = time.perf_counter()
    maker = RowMaker(seed=seed, invalid_rate=invalid_rate)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in maker.rows(n):
            writer.writerow([*row[:2], row[2].strftime("%d/%m/%Y"), *row[3:]])
    maker.stats.seconds = time.perf_counter() - started
    return maker.stats


def write_xlsx(path: Path, n: int, *, seed: int = 2026, invalid_rate: float = 0.10) -> Stats:
    """Stream ``n`` rows (plus the header) to an XLSX in constant-memory mode."""
    import xlsxwriter

    started = time.perf_counter()
    maker = RowMaker(seed=seed, invalid_rate=invalid_rate)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Peserta")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    text_format = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, 0, 18, text_format)
    sheet.write_row(0, 0, COLUMNS)
    for index, row in enumerate(maker.rows(n), start=1):
        for column, value in enumerate(row):
            if column == 2:
                sheet.write_datetime(index, 2, datetime(value.year, value.month, value.day), date_format)
            elif column == 11 and value != "":
                sheet.write_number(index, 11, value)
            elif value != "":
                sheet.write_string(index, column, value)
    workbook.close()
    maker.stats.seconds = time.perf_counter() - started
    return maker.stats


def write_file(path: Path, n: int, *, seed: int = 2026, invalid_rate: float = 0.10) -> Stats:
    writer = write_xlsx if Path(path).suffix.lower() == ".xlsx" else write_csv
    return writer(Path(path), n, seed=seed, invalid_rate=invalid_rate)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="a .csv or .xlsx path")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--invalid-rate", type=float, default=0.10)
    args = parser.parse_args(argv)
    stats = write_file(args.output, args.rows, seed=args.seed, invalid_rate=args.invalid_rate)
    json.dump({"file": str(args.output), **stats.as_dict()}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
