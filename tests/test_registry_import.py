"""Importing the spreadsheets officers really send."""

import json
from datetime import date, datetime
from io import StringIO

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.audit.models import AuditEvent
from jaring.registry import imports as imports_module
from jaring.registry.imports import import_participants
from jaring.registry.models import ImportRun, Participant

HEADER = [
    "nik",
    "Nama",
    "Tanggal Lahir",
    "JENIS_KELAMIN",
    "kode desa",
    "ALAMAT",
    "NO_HP",
    "Pekerjaan",
    "KATEGORI",
]
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    real = imports_module.row_context
    monkeypatch.setattr(imports_module, "row_context", lambda actor, today=None: real(actor, today=TODAY))


def _run_cli(path, *args) -> dict:
    out = StringIO()
    call_command("import_participants", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _messy_workbook(path):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Peserta")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    # row 2: clean text row
    sheet.write_row(
        1,
        0,
        [
            "1504011203850001",
            "Ahmad Yani",
            "12/03/1985",
            "L",
            "15.04.01.2003",
            "RT 01",
            "081234567890",
            "Petani",
            "Miskin ekstrem",
        ],
    )
    # row 3: NIK typed as a number: last digit already lost
    sheet.write_number(2, 0, 1504015203850002)
    sheet.write_row(
        2, 1, ["Siti Aminah", "12/03/1985", "P", "1504012003", "", "", "pedagang", "pekerja rentan"]
    )
    # row 4: real date cell, leading apostrophe NIK with spaces, trailing spaces
    sheet.write_string(3, 0, "'1504 0101 0190 0003")
    sheet.write_string(3, 1, "Budi Santoso  ")
    sheet.write_datetime(3, 2, datetime(1990, 1, 1), date_format)
    sheet.write_row(3, 3, [" l ", "1504012003 ", "", "", "BURUH HARIAN ", "Pekerja Rentan"])
    # row 5: blank (skipped)
    # row 6: Excel serial date, NIK from a formula with its cached value
    sheet.write_formula(5, 0, '="1504014507"&"880004"', None, "1504014507880004")
    sheet.write_row(5, 1, ["Rina Marlina"])
    sheet.write_number(5, 2, 32329)  # 1988-07-05
    sheet.write_row(5, 3, ["P", "15.04.01.2003", "", "", "Nelayan", "RT/RW"])
    # row 7: the same NIK as row 2 again
    sheet.write_row(
        6,
        0,
        [
            "1504011203850001",
            "Ahmad Yani",
            "12/03/1985",
            "L",
            "15.04.01.2003",
            "",
            "",
            "Petani",
            "Miskin ekstrem",
        ],
    )
    # row 8: unknown village; row 9: village outside Batanghari; row 10: sex disagrees with NIK
    sheet.write_row(
        7, 0, ["1504010505800005", "Dedi", "05/05/1980", "L", "15.04.01.2999", "", "", "Petani", "Lainnya"]
    )
    sheet.write_row(
        8, 0, ["1571010606810006", "Nurul", "06-06-1981", "L", "1571011001", "", "", "Petani", "Lainnya"]
    )
    sheet.write_row(
        9, 0, ["1504010707820007", "Yusuf", "1982-07-07", "P", "1504012003", "", "", "Petani", "Lainnya"]
    )
    workbook.close()
    return path


def test_messy_workbook_imports_valid_rows_and_names_every_rejected_row(demo, tmp_path):
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    result = _run_cli(path, "--as", "batanghari.operator")
    assert (result["created"], result["updated"], result["unchanged"], result["rejected"]) == (3, 0, 0, 5)
    found = {(e["row"], e["column"], e["code"]) for e in result["errors"]}
    assert found == {
        (3, "NIK", "nik_stored_as_number"),
        (7, "NIK", "nik_duplicate_in_file"),
        (8, "KODE_DESA", "village_unknown"),
        (9, "KODE_DESA", "village_outside_jurisdiction"),
        (10, "JENIS_KELAMIN", "nik_sex_mismatch"),
    }
    duplicate = next(e for e in result["errors"] if e["code"] == "nik_duplicate_in_file")
    assert "baris 2" in duplicate["message"]
    budi = Participant.objects.get(nik="1504010101900003")
    assert (budi.full_name, budi.birth_date, budi.occupation, budi.category) == (
        "Budi Santoso",
        date(1990, 1, 1),
        "buruh_harian",
        "pekerja_rentan",
    )
    assert Participant.objects.get(nik="1504014507880004").birth_date == date(1988, 7, 5)
    assert Participant.objects.count() == 3


def test_importing_the_same_file_again_changes_nothing(demo, tmp_path):
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    _run_cli(path, "--as", "batanghari.operator")
    again = _run_cli(path, "--as", "batanghari.operator")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert Participant.objects.count() == 3


def test_dry_run_reports_but_writes_nothing(demo, tmp_path):
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    result = _run_cli(path, "--dry-run", "--as", "batanghari.operator")
    assert result["created"] == 3
    assert not Participant.objects.exists()
    assert not AuditEvent.objects.filter(target_type="participant").exists()


def _csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_windows_1252_csv_with_semicolons(demo, tmp_path):
    text = (
        "NIK;NAMA;TANGGAL_LAHIR;JENIS_KELAMIN;KODE_DESA;PEKERJAAN;KATEGORI\r\n"
        "1504011203850001;Nur\u2019aini Ma\u2019ruf;12/03/1985;L;15.04.01.2003;petani;miskin ekstrem\r\n"
    )
    result = _run_cli(_csv(tmp_path / "a.csv", text, "cp1252"))
    assert result["created"] == 1
    assert Participant.objects.get().full_name == "Nur\u2019aini Ma\u2019ruf"


def test_utf8_bom_csv_and_excel_scientific_nik(demo, tmp_path):
    text = (
        "\ufeffNIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        "1.50401E+15,Ahmad,12/03/1985,L,1504012003,petani,lainnya\n"
        ",,,,,,\n"
        "1504011203850001,Ahmad,12/03/1985,L,1504012003,petani,lainnya\n"
    )
    result = _run_cli(_csv(tmp_path / "b.csv", text))
    assert result["created"] == 1
    assert [(e["row"], e["code"]) for e in result["errors"]] == [(2, "nik_stored_as_number")]


def test_missing_required_columns_are_reported_before_any_row(demo, tmp_path):
    text = "NIK,NAMA,KODE_DESA\n1504011203850001,Ahmad,1504012003\n"
    with pytest.raises(CommandError, match="import_failed"):
        _run_cli(_csv(tmp_path / "c.csv", text))
    run = ImportRun.objects.get()
    assert {e.column for e in run.errors.all()} == {"TANGGAL_LAHIR", "JENIS_KELAMIN", "PEKERJAAN", "KATEGORI"}
    assert all(e.row == 1 for e in run.errors.all())
    assert run.processed_rows == 0
    assert not Participant.objects.exists()


def test_a_column_the_template_lacks_is_reported_and_the_rows_are_read(demo, tmp_path):
    text = (
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI,Keterangan\n"
        "1504011203850001,Ahmad,12/03/1985,L,1504012003,petani,lainnya,pindahan dari Muaro Jambi\n"
    )
    result = _run_cli(_csv(tmp_path / "c.csv", text), "--as", "batanghari.operator")
    assert (result["created"], result["rejected"]) == (1, 0)
    assert [(e["row"], e["column"], e["code"]) for e in result["errors"]] == [
        (1, "Keterangan", "column_unknown")
    ]
    assert "kolom ke-8" in result["errors"][0]["message"]
    assert Participant.objects.get().full_name == "Ahmad"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file_empty"),
        (b"\r\n\r\n", "file_empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "file_not_spreadsheet"),
    ],
)
def test_empty_or_non_spreadsheet_file_is_one_clear_error(demo, tmp_path, content, code):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    run = import_participants(actor=None, path=path)
    assert run.status == "failed"
    assert [e.code for e in run.errors.all()] == [code]
    assert not Participant.objects.exists()


def test_a_crash_mid_import_leaves_whole_batches_and_a_rerun_completes_it(demo, tmp_path, monkeypatch):
    lines = ["NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI"]
    for serial in range(1, 7):
        lines.append(f"150401120385{serial:04d},Orang {serial},12/03/1985,L,1504012003,petani,lainnya")
    path = _csv(tmp_path / "d.csv", "\n".join(lines) + "\n")
    real = imports_module._write  # the batch writer, whichever the database
    calls = {"n": 0}

    def crash_on_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            real(*args, **kwargs)  # written, then the process dies inside the transaction
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports_module, "_write", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        import_participants(actor=None, path=path, batch_size=2)
    assert Participant.objects.count() == 2  # batch 1 in, batch 2 rolled back
    monkeypatch.setattr(imports_module, "_write", real)
    run = import_participants(actor=None, path=path, batch_size=2)
    assert (run.created, run.unchanged) == (4, 2)
    assert Participant.objects.count() == 6


def test_each_import_is_recorded_with_file_hash_and_audited(demo, tmp_path):
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    operator = demo.user("batanghari.operator")
    run = import_participants(actor=operator, path=path, file_name="peserta-oktober.xlsx")
    assert run.file_name == "peserta-oktober.xlsx"
    assert len(run.file_sha256) == 64
    assert run.uploaded_by == operator
    event = AuditEvent.objects.get(action="participant_import.run")
    assert event.changes["created"] == [None, 3]
    assert event.region_code == "1504"


def test_viewers_cannot_import(demo, tmp_path):
    from jaring.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_participants(actor=demo.user("jambi.viewer"), path=_messy_workbook(tmp_path / "p.xlsx"))


def test_a_village_added_by_a_new_edition_is_accepted_at_once(demo, tmp_path):
    from jaring.regions.services import regions_load

    first = _csv(
        tmp_path / "e.csv",
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        "1504011203850001,Ahmad,12/03/1985,L,1504012099,petani,lainnya\n",
    )
    assert _run_cli(first)["errors"][0]["code"] == "village_unknown"  # also fills the reference cache
    edition = tmp_path / "edition"
    edition.mkdir()
    (edition / "provinces.csv").write_text("code,parent_code,name,type\n15,,Jambi,\n")
    (edition / "regencies.csv").write_text(
        "code,parent_code,name,type\n1504,15,Kabupaten Batanghari,kabupaten\n"
    )
    (edition / "districts.csv").write_text("code,parent_code,name,type\n150401,1504,Mersam,\n")
    (edition / "villages.csv").write_text(
        "code,parent_code,name,type\n1504012099,150401,Desa Pemekaran,desa\n"
    )
    regions_load(source=edition)
    assert _run_cli(first)["created"] == 1


FULL_HEADER = (
    "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,ALAMAT,NO_HP,PEKERJAAN,KATEGORI,NO_KPJ,ID_DTSEN,DESIL\n"
)


def test_a_blank_optional_cell_keeps_what_is_stored_and_a_dash_erases_it(demo, tmp_path):
    """A later file without the KPJ number, the address or the DTSEN id does not erase
    them: a blank cell is "not given". "-" erases, and the audit trail says so."""
    first = _csv(
        tmp_path / "first.csv",
        FULL_HEADER + "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,RT 01,081234567890,petani,"
        "miskin ekstrem,12345678901,P3KE-77,2\n",
    )
    assert _run_cli(first)["created"] == 1
    blank = _csv(
        tmp_path / "blank.csv",
        FULL_HEADER + "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,,,petani,miskin ekstrem,,,\n",
    )
    again = _run_cli(blank)
    assert (again["updated"], again["unchanged"]) == (0, 1)
    # A file without the optional columns at all keeps them too.
    short = _csv(
        tmp_path / "short.csv",
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,petani,miskin ekstrem\n",
    )
    assert _run_cli(short)["unchanged"] == 1
    person = Participant.objects.get()
    kept = (person.address, person.phone, person.kpj_number, person.dtsen_ref, person.welfare_decile)
    assert kept == ("RT 01", "081234567890", "12345678901", "P3KE-77", 2)

    erase = _csv(
        tmp_path / "erase.csv",
        FULL_HEADER + "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,-,,petani,miskin ekstrem,-,,-\n",
    )
    assert _run_cli(erase)["updated"] == 1
    person.refresh_from_db()
    kept = (person.address, person.phone, person.kpj_number, person.dtsen_ref, person.welfare_decile)
    assert kept == ("", "081234567890", "", "P3KE-77", None)
    change = AuditEvent.objects.filter(action="participant.update").latest("id").changes
    assert change == {
        "address": ["RT 01", ""],
        "kpj_number": ["12345678901", ""],
        "welfare_decile": [2, None],
    }


def test_a_new_person_with_a_dash_in_an_optional_cell_has_it_empty(demo, tmp_path):
    path = _csv(
        tmp_path / "new.csv",
        FULL_HEADER + "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,-,-,petani,miskin ekstrem,-,-,-\n",
    )
    assert _run_cli(path)["created"] == 1
    person = Participant.objects.get()
    assert (person.address, person.phone, person.kpj_number, person.dtsen_ref) == ("", "", "", "")


def test_duplicate_headers_are_refused_before_any_row(demo, tmp_path):
    path = _csv(
        tmp_path / "dup.csv",
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI,nik\n"
        "1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,petani,miskin ekstrem,1504015203850002\n",
    )
    with pytest.raises(CommandError, match="Kolom ganda di baris judul: NIK"):
        _run_cli(path)
    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert [(e.row, e.column, e.code) for e in run.errors.all()] == [(1, "NIK", "column_duplicate")]
    assert "kolom ke-1 dan ke-8" in run.errors.get().message
    assert not Participant.objects.exists()


def test_a_name_with_markup_is_refused_in_a_file_as_over_the_api(demo, tmp_path):
    path = _csv(
        tmp_path / "markup.csv",
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        "1504011203850001,<b>X</b>,12/03/1985,L,1504012003,petani,miskin ekstrem\n",
    )
    result = _run_cli(path)
    assert [(e["row"], e["column"], e["code"]) for e in result["errors"]] == [(2, "NAMA", "name_invalid")]
