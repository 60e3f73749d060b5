"""The columnar check of a DTSEN extract is the row rule's fast path, never a second
rule: for every row, plain or odd, valid or not, blank, or a NIK again, it gives what
``validate_row`` and the row-by-row loader give; and the CSV lines it splits itself are
the cells ``sheets.readers`` reads."""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import pytest

from jaring.registry.rows import RowContext
from jaring.sheets.cells import is_blank
from jaring.sheets.headers import match_header
from jaring.sheets.readers import read_rows
from jaring.targeting import columnar
from jaring.targeting.columnar import ExtractChecker, NotPlain, read_batches, twice_error
from jaring.targeting.rows import COLUMNS, SHEET, DtsenRecord, validate_row

TODAY = date(2026, 11, 23)
CTX = RowContext(
    regency_codes={"1504", "1571", "1701"},
    village_codes={"1504012003", "1504012004", "1571011001", "1701012001"},
    in_jurisdiction=lambda code: code.startswith("15"),
    today=TODAY,
)


def _nik(regency: str, born: date, serial: int, female: bool) -> str:
    return f"{regency}01{born.day + 40 * female:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _row(rng: random.Random, serial: int, niks: list[str], *, odd_cells: bool = True) -> dict[str, str]:
    """A person of an extract (any age), then often one or two cells made odd or wrong
    the ways extracts are; sometimes the NIK of an earlier row again."""
    female = rng.random() < 0.5
    born = date(rng.randint(1930, 2026), rng.randint(1, 10), rng.randint(1, 28))
    nik = _nik(rng.choice(["1504", "1571", "1701"]), born, serial, female)
    if niks and odd_cells and rng.random() < 0.02:  # another's NIK: it disagrees with the date
        nik = rng.choice(niks)
    niks.append(nik)
    row = {
        "NIK": nik,
        "NAMA": rng.choice(
            ["Siti Aminah", "Ahmad", "M. Yusuf", "Nur'aini Dewi", "Abdul-Rahman", "Budi, S.Pd"]
        ),
        "TANGGAL_LAHIR": rng.choice([born.strftime("%d/%m/%Y"), born.strftime("%d-%m-%Y"), born.isoformat()]),
        "JENIS_KELAMIN": rng.choice(["P", "Perempuan", "perempuan"] if female else ["L", "Laki-laki", "LK"]),
        "KODE_DESA": rng.choice(["1504012003", "15.04.01.2004", "1571011001"]),
        "ID_KELUARGA": rng.choice(["KK-0001", "1504012003000123", "P3KE/22", "kk.7"]),
        "DESIL": rng.choice(["1", "4", "10"]),
        "PEKERJAAN": rng.choice(["", "petani", "Nelayan", "Buruh harian", "lainnya"]),
        "STATUS_BEKERJA": rng.choice(["", "bekerja", "tidak bekerja", "Tidak Bekerja"]),
    }
    odd = {
        "NIK": [
            f"'{nik}", f"{nik[:4]}.{nik[4:]}", nik[:15], nik + "9", nik[:6] + "O" + nik[7:], "", " " + nik,
            nik[:12] + "0000", "9999" + nik[4:], nik[:6] + "321385" + nik[12:], "=A1", "1.50401E+15",
        ],
        "NAMA": [
            "", "  Siti  Aminah ", "Siti\tAminah", "Āisyah", "12345", "A" * 151, "A" * 150, "<b>Budi</b>",
            "'Budi", "=CONCAT(A1)", "Budi;", "Budi ", "O'Neil", 'Budi "Bule"',
        ],
        "TANGGAL_LAHIR": [
            "", "31/02/1990", "1990-01-01", " " + born.isoformat(), "12.03.1985", "31000",
            f"{born.day}/{born.month}/{born.year}", "01/01/2027",
            born.replace(year=born.year - 100).isoformat(),
        ],
        "JENIS_KELAMIN": ["P" if not female else "L", "X", "", " l ", "Wanita", "w", "=A1"],
        "KODE_DESA": ["1504012099", "15040120", "1701012001", "", "15.04.01.2003 ", "=B2", "abc"],
        "ID_KELUARGA": ["", " KK-1", "'KK1", "x" * 40, "x" * 41, "=A1", "-KK", "KK 01", "KK-", "K"],
        "DESIL": ["0", "11", "x", "01", " 3", "1.5", "", "=1", "-1", "3 "],
        "PEKERJAAN": ["Wiraswasta", "PETANI", " petani ", "=A1", "Ojek/pengemudi", "guru ngaji"],
        "STATUS_BEKERJA": ["kadang", "tidak_bekerja", " BEKERJA ", "=A1", "tidak-bekerja", "-"],
    }  # fmt: skip
    for column in rng.sample(list(odd), k=rng.choice([0, 0, 1, 1, 2]) if odd_cells else 0):
        row[column] = rng.choice(odd[column])
    return row


def _lines(count: int, columns: list[str], seed: int) -> list[list[str]]:
    rng, niks = random.Random(seed), []
    rows = []
    for serial in range(1, count + 1):
        roll = rng.random()
        if roll < 0.01:
            rows.append(["", " ", ""][: rng.randint(1, 3)])  # a blank row between the data
        elif roll < 0.04 and rows:
            again = list(rng.choice(rows))  # a person listed twice, sometimes a cell written otherwise
            if len(again) > 3 and rng.random() < 0.3:
                again[3] = again[3].upper()
            rows.append(again)
        elif roll < 0.05:
            row = _row(rng, serial, niks)
            rows.append([row[c] for c in columns][: rng.randint(1, len(columns) - 1)])  # a short row
        else:
            row = _row(rng, serial, niks)
            rows.append([row[c] for c in columns])
    return rows


def _by_rule(batch, header):
    """``imports.load_checked`` row by row: what it counts, accepts and reports."""
    seen: dict[str, int] = {}
    accepted: dict[int, DtsenRecord] = {}
    errors, rows = [], 0
    for number, cells in batch:
        if is_blank(cells):
            continue
        rows += 1
        record = validate_row(header.values(cells), row=number, ctx=CTX)
        if not isinstance(record, list) and record.nik in seen:
            record = [twice_error(number, record.nik, seen[record.nik])]
        if isinstance(record, list):
            errors += record
            continue
        seen[record.nik] = number
        accepted[number] = record
    return rows, accepted, errors


def _records(frame: pl.DataFrame) -> dict[int, DtsenRecord]:
    return {
        row["row"]: DtsenRecord(
            nik=row["nik"],
            full_name=row["full_name"],
            birth_date=row["birth_date"],
            sex=row["sex"],
            village_code=row["village_id"],
            family_id=row["family_id"],
            decile=row["decile"],
            occupation=row["occupation"],
            working=row["working"],
        )
        for row in frame.iter_rows(named=True)
    }


def _by_columns(batch, header, size: int):
    checker = ExtractChecker(CTX, header)
    rows, accepted, errors = 0, {}, []
    for start in range(0, len(batch), size):
        part = batch[start : start + size]
        cells = dict(part)
        frame = pl.DataFrame(
            {
                "row": [number for number, _cells in part],
                **{
                    name: [c[i] if i < len(c) else None for _n, c in part] for name, i in header.index.items()
                },
            },
            schema={"row": pl.Int64, **dict.fromkeys(header.index, pl.String)},
        )
        checked = checker.check(frame, lambda numbers, cells=cells: {n: cells[n] for n in numbers})
        rows += checked.rows
        accepted.update(_records(checked.accepted))
        for row_errors in checked.errors:
            errors += row_errors
    return rows, accepted, errors


@pytest.mark.parametrize(
    ("columns", "size"),
    [(COLUMNS, 700), (SHEET.required, 3000), ([*reversed(COLUMNS)], 250)],
    ids=["all", "required-one-batch", "reversed-small-batches"],
)
def test_the_columnar_check_gives_the_row_rule_s_outcome_for_every_row(columns, size):
    header = match_header(columns, SHEET)
    batch = list(enumerate(_lines(3000, columns, seed=20261207), start=2))
    expected_rows, expected_accepted, expected_errors = _by_rule(batch, header)
    rows, accepted, errors = _by_columns(batch, header, size)
    assert accepted == expected_accepted
    assert errors == expected_errors
    assert rows == expected_rows
    assert 500 < len(expected_accepted) < expected_rows - 500  # both outcomes are well represented
    codes = {e.code for e in expected_errors}
    assert {"nik_twice", "decile", "required", "village_outside_jurisdiction", "family_id_too_long"} <= codes


def test_plain_rows_never_reach_the_row_rule(monkeypatch):
    """Only rows with an odd cell are read one by one (a sex or occupation written in
    words, a dotted village code are read as columns; a name with two spaces is not)."""
    header = match_header(COLUMNS, SHEET)
    rng, niks = random.Random(3), []
    people = [_row(rng, n, niks, odd_cells=False) for n in range(2, 402)]
    batch = [(n, [row[c] for c in COLUMNS]) for n, row in enumerate(people, start=2)]
    spaced = set(range(2, 402, 10))
    for number, cells in batch:
        if number in spaced:
            cells[COLUMNS.index("NAMA")] = "  Siti  Aminah "
    calls = []
    real = columnar.rules.validate_row
    monkeypatch.setattr(
        columnar.rules, "validate_row", lambda values, **kw: calls.append(kw["row"]) or real(values, **kw)
    )
    rows, accepted, errors = _by_columns(batch, header, 400)
    assert (rows, len(accepted), errors) == (400, 400, [])
    assert set(calls) == spaced and {accepted[n].full_name for n in spaced} == {"Siti Aminah"}


def _written(tmp_path, text: str, encoding: str = "utf-8", name: str = "dtsen.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _read_both(path):
    rows = read_rows(path)
    header = match_header(next(rows)[1], SHEET)
    expected = {number: cells for number, cells in rows}
    got = {}
    for frame, cells_of in read_batches(path, header, chunk_bytes=4096):
        numbers = frame.get_column("row").to_list()
        got.update(cells_of(numbers))
        for name, position in header.index.items():
            values = frame.get_column(name).to_list()
            cells = cells_of(numbers)
            assert values == [cells[n][position] if position < len(cells[n]) else None for n in numbers]
    return expected, got


@pytest.mark.parametrize(
    ("newline", "delimiter", "bom"),
    [("\n", ",", ""), ("\r\n", ",", ""), ("\n", ";", "\ufeff"), ("\r\n", ";", "\ufeff")],
    ids=["lf", "crlf", "semicolon-bom", "crlf-semicolon-bom"],
)
def test_a_plain_csv_s_lines_are_the_cells_the_spreadsheet_reader_reads(tmp_path, newline, delimiter, bom):
    lines = [delimiter.join(COLUMNS)]
    for cells in _lines(1500, COLUMNS, seed=5):
        lines.append(delimiter.join(c for c in cells if '"' not in c).replace(delimiter * 2, delimiter))
    lines[40:40] = ["", "   ", delimiter * 8]  # blank rows keep their numbers
    path = _written(tmp_path, bom + newline.join(lines) + newline)
    expected, got = _read_both(path)
    normal = {n: cells or [""] for n, cells in expected.items()}  # csv gives [] for an empty line
    assert got == normal and len(got) == 1503


def test_the_last_line_without_a_line_feed_is_read(tmp_path):
    path = _written(tmp_path, ",".join(COLUMNS) + "\n1,2\n3,4")
    expected, got = _read_both(path)
    assert got == expected == {2: ["1", "2"], 3: ["3", "4"]}


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ('NIK,NAMA\n1504011203850001,"Yani, Ahmad"\n', "utf-8"),  # quoted: the csv module reads it
        ("NIK,NAMA\n1504011203850001,Ahmad\rYani\n", "utf-8"),  # a lone carriage return ends a record there
        ("NIK,NAMA\n1504011203850001,Andr\u00e9\n", "cp1252"),  # not UTF-8
        ("NIK,NAMA\n1504011203850001,Ahmad\n" + "x" * 40_000 + "\n", "utf-8"),  # longer than a cell may be
        ("NIK,NAMA\n1504011203850001," + "," * 20_000 + "\n", "utf-8"),  # more cells than a row may have
    ],
    ids=["quoted", "lone-cr", "cp1252", "long-line", "many-cells"],
)
def test_a_csv_the_columns_do_not_read_as_lines_is_left_to_the_spreadsheet_reader(tmp_path, text, encoding):
    path = _written(tmp_path, text, encoding)
    header = match_header(["NIK", "NAMA"], SHEET)
    with pytest.raises(NotPlain):
        for _batch in read_batches(path, header, chunk_bytes=1 << 20):
            pass


def test_a_workbook_is_left_to_the_spreadsheet_reader(tmp_path):
    import xlsxwriter

    path = tmp_path / "dtsen.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet().write_row(0, 0, COLUMNS)
    book.close()
    with pytest.raises(NotPlain):
        next(read_batches(path, match_header(COLUMNS, SHEET)))


def _import_both_ways(demo, tmp_path, monkeypatch, text: str, edition: str):
    from jaring.targeting import imports
    from jaring.targeting.imports import import_dtsen
    from jaring.targeting.models import DtsenPerson

    path = _written(tmp_path, text)
    fields = ("row", "nik", "full_name", "birth_date", "sex", "province_code", "village_id", "family_id")
    fields += ("decile", "occupation", "working")

    def run():
        result = import_dtsen(actor=demo.user("jambi.operator"), path=path, edition=edition, today=TODAY)
        people = list(DtsenPerson.objects.filter(edition=result.saved).order_by("row").values_list(*fields))
        answer = result.as_dict()
        if result.saved is not None:
            result.saved.delete()  # the next run saves the same edition again
        return answer, people

    by_columns = run()

    def row_by_row(*_args, **_kwargs):
        raise NotPlain

    monkeypatch.setattr(imports, "read_batches", row_by_row)
    return by_columns, run()


@pytest.mark.django_db
def test_an_extract_read_as_columns_is_imported_as_read_row_by_row(demo, tmp_path, monkeypatch):
    lines = [",".join(COLUMNS)]
    lines += [
        "1504011203850001,Ahmad Yani,12/03/1985,L,15.04.01.2003,KK-0001,1,petani,bekerja",
        "1504015506870002,  Siti  Aisyah ,1987-06-15,perempuan,1504012003,KK-0001,01,, Tidak Bekerja ",
        "",
        "1504010101100003,Rizki,01/01/2010,L,1504012003,KK-0001,1",
    ]
    (saved, saved_people), (again, again_people) = _import_both_ways(
        demo, tmp_path, monkeypatch, "\n".join(lines) + "\n", "2025-03"
    )
    assert saved == again and saved_people == again_people
    assert (saved["saved"], saved["rows"], len(saved_people)) == (True, 3, 3)
    assert saved_people[1][2:4] == ("Siti Aisyah", date(1987, 6, 15)) and saved_people[1][-1] is False

    rows = _lines(400, COLUMNS, seed=9)
    bad = "\n".join([",".join(COLUMNS), *(",".join(c for c in cells if '"' not in c) for cells in rows)])
    (refused, none), (again, none_again) = _import_both_ways(
        demo, tmp_path, monkeypatch, bad + "\n", "2025-04"
    )
    assert refused == again and refused["saved"] is False and refused["rejected"] > 50
    assert none == none_again == []
