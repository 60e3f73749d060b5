import io
import zipfile
from datetime import date

from python_calamine import CalamineWorkbook

from jaring.registry import imports as imports_module
from jaring.registry.imports import import_participants
from jaring.registry.models import Participant
from jaring.registry.rows import COLUMNS
from jaring.registry.workbooks import errors_xlsx, template_csv, template_xlsx

from .test_registry_import import _messy_workbook


def _sheets(content: bytes) -> dict[str, list[list]]:
    path = io.BytesIO(content)
    book = CalamineWorkbook.from_filelike(path)
    return {name: [list(r) for r in book.get_sheet_by_name(name).iter_rows()] for name in book.sheet_names}


def test_template_has_the_columns_dropdowns_text_nik_and_instructions():
    content = template_xlsx()
    sheets = _sheets(content)
    assert sheets["Peserta"][0] == COLUMNS
    assert sheets["Peserta"][1][0] == "1504011203850001"  # the example NIK stays text
    assert [row[0] for row in sheets["Petunjuk"][1:13]] == COLUMNS
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert sheet_xml.count("<dataValidation ") == 3
    assert 'formatCode="@"' in styles  # the Text format, applied to every column


def test_the_template_imports_its_own_example_row(demo, tmp_path, monkeypatch):
    real = imports_module.row_context
    monkeypatch.setattr(
        imports_module, "row_context", lambda actor, today=None: real(actor, today=date(2026, 11, 23))
    )
    for name, content in (("t.xlsx", template_xlsx()), ("t.csv", template_csv())):
        path = tmp_path / name
        path.write_bytes(content)
        run = import_participants(actor=demo.user("desa.operator"), path=path, dry_run=True)
        assert (run.created, run.rejected, run.status) == (1, 0, "validated"), name
    assert not Participant.objects.exists()


def test_error_workbook_has_the_original_rows_and_what_to_fix(demo, tmp_path, monkeypatch):
    real = imports_module.row_context
    monkeypatch.setattr(
        imports_module, "row_context", lambda actor, today=None: real(actor, today=date(2026, 11, 23))
    )
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    run = import_participants(actor=demo.user("batanghari.operator"), path=path, dry_run=True)
    sheet = _sheets(errors_xlsx(path, [e.as_dict() for e in run.errors.all()]))["Baris ditolak"]
    assert sheet[0][0] == "BARIS"
    assert sheet[0][-1] == "MASALAH DAN PERBAIKAN"
    assert [int(r[0]) for r in sheet[1:]] == [3, 7, 8, 9, 10]
    assert sheet[1][2] == "Siti Aminah"
    assert "Format kolom NIK sebagai Teks" in sheet[1][-1]
    assert sheet[3][-1].startswith("KODE_DESA:")


def test_error_workbook_never_writes_a_formula(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('NIK,NAMA\n=HYPERLINK("http://x"),A\n', encoding="utf-8")
    content = errors_xlsx(path, [{"row": 2, "column": "NIK", "code": "formula", "message": "rumus"}])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def _with_fixed_day(monkeypatch):
    real = imports_module.row_context
    monkeypatch.setattr(
        imports_module, "row_context", lambda actor, today=None: real(actor, today=date(2026, 11, 23))
    )


def test_error_workbook_keeps_cells_as_typed_and_carries_the_templates_lists_and_guide(
    demo, tmp_path, monkeypatch
):
    _with_fixed_day(monkeypatch)
    path = _messy_workbook(tmp_path / "peserta.xlsx")
    run = import_participants(actor=demo.user("batanghari.operator"), path=path, dry_run=True)
    content = errors_xlsx(path, [e.as_dict() for e in run.errors.all()])
    sheets = _sheets(content)
    rejected = sheets["Baris ditolak"]
    header = rejected[0]
    typed = {int(r[0]): dict(zip(header, r, strict=False)) for r in rejected[1:]}
    assert header[1:3] == ["nik", "Nama"]  # the officer's own header, as typed
    assert isinstance(typed[3]["nik"], float)  # a number in the file stays a number (the officer retypes it)
    assert all(isinstance(row["Nama"], str) for row in typed.values())
    assert [row[0] for row in sheets["Petunjuk"][1:13]] == COLUMNS
    assert any("unggah berkas ini lagi" in " ".join(map(str, row)) for row in sheets["Petunjuk"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count("<dataValidation ") == 3  # occupation, category and sex dropdowns


def test_the_error_workbook_uploads_again_once_fixed(demo, tmp_path, monkeypatch):
    """The rows a village operator may not register (another village) are rejected; the
    same workbook, uploaded by the regency officer whose district it is, is accepted: its
    header, text NIK and dates read back, and BARIS and MASALAH DAN PERBAIKAN are ignored."""
    _with_fixed_day(monkeypatch)
    path = tmp_path / "peserta.csv"
    path.write_text(
        "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        "1504011203850001,Ahmad Yani,12/03/1985,L,15.04.01.2003,Petani,Miskin ekstrem\n",
        encoding="utf-8",
    )
    outside = import_participants(actor=demo.user("kotajambi.operator"), path=path, dry_run=True)
    assert (outside.created, outside.rejected) == (0, 1)
    again = tmp_path / "ditolak.xlsx"
    again.write_bytes(errors_xlsx(path, [e.as_dict() for e in outside.errors.all()]))
    run = import_participants(actor=demo.user("batanghari.operator"), path=again, dry_run=True)
    assert (run.created, run.rejected, run.status) == (1, 0, "validated")
