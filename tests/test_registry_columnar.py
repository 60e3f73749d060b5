"""The columnar check is the row rule's fast path, never a second rule: for every row,
plain or odd, valid or not, ``check_batch`` gives what ``validate_row`` gives."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from jaring.registry import columnar
from jaring.registry import rows as rules
from jaring.registry.columnar import BatchChecker, check_batch, records_of
from jaring.registry.rows import COLUMNS, SHEET, RowContext, validate_row
from jaring.sheets.headers import match_header

TODAY = date(2026, 11, 23)
VILLAGES = {"1504012003", "1504012004", "1571011001", "1701012001"}
CTX = RowContext(
    regency_codes={"1504", "1571", "1701"},
    village_codes=VILLAGES,
    in_jurisdiction=lambda code: code.startswith(("1504", "1571")),
    today=TODAY,
)


def _nik(regency="1504", day=12, month=3, yy=85, serial=1, female=False) -> str:
    return f"{regency}01{day + 40 * female:02d}{month:02d}{yy:02d}{serial:04d}"


def _row(rng: random.Random, serial: int) -> dict[str, object]:
    """A person, then (often) one or two cells made odd or wrong the ways files are."""
    female = rng.random() < 0.5
    born = date(rng.randint(1956, 2013), rng.randint(1, 12), rng.randint(1, 28))
    regency = rng.choice(["1504", "1571", "1701"])
    nik = _nik(regency, born.day, born.month, born.year % 100, serial, female)
    row: dict[str, object] = {
        "NIK": nik,
        "NAMA": rng.choice(["Siti Aminah", "Ahmad", "M. Yusuf", "Nur'aini Dewi", "Abdul-Rahman"]),
        "TANGGAL_LAHIR": rng.choice([born.strftime("%d/%m/%Y"), born.strftime("%d-%m-%Y"), born.isoformat()]),
        "JENIS_KELAMIN": rng.choice(["P", "Perempuan", "perempuan"] if female else ["L", "Laki-laki", "LK"]),
        "KODE_DESA": rng.choice(["1504012003", "15.04.01.2004", "1571011001"]),
        "ALAMAT": rng.choice(["", None, "RT 01 Desa Muara", "Jl. Sudirman No. 5"]),
        "NO_HP": rng.choice(["", None, "081234567890", "+6281234567890"]),
        "PEKERJAAN": rng.choice(["petani", "Petani", "nelayan", "Buruh harian", "ojek_pengemudi"]),
        "KATEGORI": rng.choice(["pekerja_rentan", "Miskin ekstrem", "lainnya"]),
        "NO_KPJ": rng.choice(["", None, "12345678901"]),
        "ID_DTSEN": rng.choice(["", None, "DTSEN-0001", "P3KE/22"]),
        "DESIL": rng.choice(["", None, "1", "10", "3"]),
    }
    odd = {
        "NIK": [
            f"'{nik}",
            f"{nik[:4]}.{nik[4:]}",
            nik[:15],
            nik + "9",
            nik[:6] + "O" + nik[7:],
            float(nik),
            "",
            None,
            nik[:12] + "0000",
            "9999" + nik[4:],
            nik[:6] + "321385" + nik[12:],
            " " + nik,
            "=A1",
            "1.50401E+15",
        ],
        "NAMA": [
            "",
            None,
            "  Siti  Aminah ",
            "Siti\tAminah",
            "Āisyah",
            "12345",
            "A" * 151,
            "<b>Budi</b>",
            "'Budi",
            "=CONCAT(A1)",
            "Budi;",
            "Budi ",
            "O'Neil",
            42,
        ],
        "TANGGAL_LAHIR": [
            datetime(born.year, born.month, born.day, 0, 0),
            born,
            31000,
            "31000",
            "",
            None,
            "31/02/1990",
            "1990-01-01",
            " " + born.isoformat(),
            "01/01/1950",
            "12.03.1985",
            f"{born.day}/{born.month}/{born.year}",
        ],
        "JENIS_KELAMIN": ["P" if not female else "L", "X", "", None, " l ", "Wanita", "w", 1],
        "KODE_DESA": [
            "1504012099",
            "15040120",
            "1701012001",
            "",
            None,
            "15.04.01.2003 ",
            "=B2",
            1504012003.0,
            "abc",
        ],
        "ALAMAT": ["-", " spasi di depan", "'apostrof", "=HYPERLINK()", "x" * 300, "Jl.\u00a0Ahmad ", 12],
        "NO_HP": ["-", "0812-3456-7890", "12", "0812 345", 81234567890.0, "=1+1", " 081234567890"],
        "NO_KPJ": ["-", "1234567890", "1234.5678.901", "abc", 12345678901, " 12345678901"],
        "ID_DTSEN": ["-", "x" * 60, " DTSEN", "=A1"],
        "DESIL": ["-", "0", "11", "01", "1.5", 3, 3.0, " 3", "abc", 1.5, 11, 10.0, 0, True],
        "PEKERJAAN": ["Wiraswasta", "", None, "PETANI", " petani ", "=A1"],
        "KATEGORI": ["PNS", "", None, "MISKIN EKSTREM"],
    }
    for column in rng.sample(list(odd), k=rng.choice([0, 0, 1, 1, 2])):
        row[column] = rng.choice(odd[column])
    return row


def _batch(rows: list[dict[str, object]], columns: list[str]) -> list[tuple[int, list[object]]]:
    return [(number, [row[c] for c in columns]) for number, row in enumerate(rows, start=2)]


def _by_rule(batch, header):
    accepted, errors = {}, []
    for number, cells in batch:
        outcome = validate_row(header.values(cells), row=number, ctx=CTX)
        if isinstance(outcome, list):
            errors += outcome
        else:
            accepted[number] = outcome
    return accepted, errors


@pytest.mark.parametrize(
    "columns", [COLUMNS, SHEET.required, [*reversed(COLUMNS)]], ids=["all", "required", "reversed"]
)
def test_the_columnar_check_gives_the_rule_s_outcome_for_every_row(columns):
    rng = random.Random(20261206)
    rows = [_row(rng, serial) for serial in range(1, 3001)]
    header = match_header(columns, SHEET)
    batch = _batch(rows, columns)
    checked = check_batch(batch, header=header, ctx=CTX)
    expected_accepted, expected_errors = _by_rule(batch, header)

    got = dict(zip(checked.accepted.get_column("row").to_list(), records_of(checked.accepted), strict=True))
    assert got == expected_accepted
    assert checked.errors == expected_errors
    assert checked.rejected == len(batch) - len(expected_accepted)
    assert 500 < len(expected_accepted) < len(batch) - 500  # both outcomes are well represented


def test_one_checker_over_many_batches_remembers_cells_without_mixing_them():
    """The memo of parsed cells lives for the whole file: a date or village seen in
    the first batch is not parsed again, and is never taken for another cell."""
    rng = random.Random(11)
    rows = [_row(rng, serial) for serial in range(1, 2401)]
    for row in rows[1200::10]:
        # The NIK's DDMMYY typed as the birth date: a cell the NIK's table knows (from
        # earlier batches) that the date column must still refuse.
        row["TANGGAL_LAHIR"] = str(row["NIK"])[6:12]
    header = match_header(COLUMNS, SHEET)
    batch = _batch(rows, COLUMNS)
    checker = BatchChecker(CTX)
    accepted, errors = {}, []
    for start in range(0, len(batch), 300):
        part = batch[start : start + 300]
        checked = checker.check(part, header=header)
        rows_of = checked.accepted.get_column("row").to_list()
        accepted.update(zip(rows_of, records_of(checked.accepted), strict=True))
        errors += checked.errors
    expected_accepted, expected_errors = _by_rule(batch, header)
    assert accepted == expected_accepted
    assert errors == expected_errors


def test_plain_valid_rows_never_reach_the_row_rule(monkeypatch):
    rng = random.Random(7)
    rows = []
    for serial in range(1, 501):
        row = _row(rng, serial)
        rows.append(row)
    batch = _batch(rows, COLUMNS)
    header = match_header(COLUMNS, SHEET)
    plain = [
        n
        for n, cells in batch
        if isinstance(validate_row(header.values(cells), row=n, ctx=CTX), rules.ParticipantRecord)
    ]
    calls = []
    real = rules.validate_row
    monkeypatch.setattr(
        rules, "validate_row", lambda values, **kw: calls.append(kw["row"]) or real(values, **kw)
    )
    checked = check_batch(batch, header=header, ctx=CTX)
    assert len(checked.accepted) == len(plain)
    # Only rows with an odd or wrong cell are read one by one; most valid rows are not.
    slow_valid = set(calls) & set(plain)
    assert len(slow_valid) < len(plain) / 4
    assert set(calls) >= {n for n, _cells in batch} - set(plain)  # every rejected row by the rule


def test_an_empty_batch_and_a_frame_of_records_have_the_accepted_schema():
    assert check_batch([], header=match_header(COLUMNS, SHEET), ctx=CTX).accepted.schema == columnar.SCHEMA
    record = validate_row(
        {"NIK": _nik(), "NAMA": "Ahmad", "TANGGAL_LAHIR": "12/03/1985", "JENIS_KELAMIN": "L",
         "KODE_DESA": "1504012003", "PEKERJAAN": "petani", "KATEGORI": "lainnya"},
        row=2, ctx=CTX,
    )  # fmt: skip
    frame = columnar.frame_of_records([(2, record)])
    assert frame.schema == columnar.SCHEMA
    assert records_of(frame) == [record]
