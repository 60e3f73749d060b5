"""Importing coverage figures: a good file is saved whole and audited, any wrong row
means nothing is written, re-importing replaces (audited)."""

from datetime import date
from decimal import Decimal

import pytest

from jaring.audit.models import AuditEvent
from jaring.errors import PermissionDeniedError
from jaring.monitoring.models import CoverageFigure, CoverageImport, CoverageTarget
from jaring.monitoring.rows import COLUMNS
from jaring.monitoring.services import coverage_import

from .coverage_files import JAMBI_AUG_2024, load, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _nothing_written():
    assert not CoverageFigure.objects.exists()
    assert not CoverageTarget.objects.exists()
    assert not CoverageImport.objects.exists()
    assert not AuditEvent.objects.filter(target_type__startswith="coverage").exists()


def test_a_good_csv_is_saved_with_its_import_and_targets(tmp_path, demo):
    actor = demo.user("jambi.operator")
    result = load(tmp_path, JAMBI_AUG_2024, actor=actor)
    assert (result.rows, result.created, result.updated, result.targets) == (3, 3, 0, 1)
    figure = CoverageFigure.objects.get(region_id="1504", on=date(2024, 8, 12))
    assert (figure.participants, figure.potential, figure.level) == (49_803, 98_206, "regency")
    run = figure.source_import
    assert (run.file_name, run.imported_by, run.organization.code, run.rows, run.region_code) == (
        "cakupan.csv",
        actor,
        "pemprov-jambi",
        3,
        "15",
    )
    assert CoverageTarget.objects.get(region_id="15", year=2024).target_pct == Decimal("53.00")
    imported = AuditEvent.objects.get(action="coverage_import.create")
    assert (imported.actor, imported.region_code, imported.changes["rows"]) == (actor, "15", [None, 3])
    assert AuditEvent.objects.filter(action="coverage_target.set", region_code="15").count() == 1


def test_an_xlsx_is_read_like_a_csv(tmp_path):
    path = write_xlsx(tmp_path, [["1504", "12/08/2024", 49803, 98206, 53.5]])
    result = coverage_import(actor=None, path=path, file_name=path.name)
    assert result.saved and result.created == 1
    assert CoverageTarget.objects.get(region_id="1504").target_pct == Decimal("53.50")


@pytest.mark.parametrize(
    ("bad_row", "column", "code"),
    [
        (["15.99", "2024-08-12", 1, 10, ""], "KODE_WILAYAH", "region_unknown"),
        (["15.04", "31/02/2024", 1, 10, ""], "TANGGAL", "date_invalid"),
        (["15.04", "2024-08-12", -1, 10, ""], "PESERTA_AKTIF", "number_negative"),
        (["15.04", "2024-08-12", "seribu", 10, ""], "PESERTA_AKTIF", "number_invalid"),
        (["15.04", "2024-08-12", 1, 0, ""], "POTENSI_PEKERJA", "potential_zero"),
        (["15.71", "2024-08-12", 1, 10, "0,5"], "TARGET_PERSEN", "target_out_of_range"),
    ],
)
def test_one_bad_row_and_nothing_is_written(tmp_path, bad_row, column, code):
    rows = [*JAMBI_AUG_2024, bad_row]
    result = coverage_import(actor=None, path=write_csv(tmp_path, rows), file_name="x.csv")
    assert not result.saved
    assert [(e.row, e.column, e.code) for e in result.errors] == [(5, column, code)]
    _nothing_written()


def test_a_region_and_date_twice_in_a_file_is_refused_naming_the_first_row(tmp_path):
    rows = [*JAMBI_AUG_2024, ["1504", "12/08/2024", 1, 10, ""]]
    result = coverage_import(actor=None, path=write_csv(tmp_path, rows), file_name="x.csv")
    (error,) = result.errors
    assert (error.row, error.code) == (5, "row_duplicate") and "baris 3" in error.message
    _nothing_written()


def test_two_targets_for_one_region_and_year_are_refused(tmp_path):
    rows = [["15", "2024-08-12", 1, 10, 53], ["15", "2024-12-31", 1, 10, 55]]
    result = coverage_import(actor=None, path=write_csv(tmp_path, rows), file_name="x.csv")
    assert [(e.row, e.code) for e in result.errors] == [(3, "target_conflict")]
    _nothing_written()


def test_missing_columns_and_empty_files(tmp_path):
    no_potential = coverage_import(
        actor=None,
        path=write_csv(
            tmp_path, [["15", "2024-08-12", 1]], header=["KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF"]
        ),
    )
    assert [(e.row, e.column, e.code) for e in no_potential.errors] == [
        (1, "POTENSI_PEKERJA", "column_missing")
    ]
    empty = tmp_path / "kosong.csv"
    empty.write_text("")
    assert coverage_import(actor=None, path=empty).errors[0].code == "file_empty"
    header_only = coverage_import(actor=None, path=write_csv(tmp_path, [], name="judul.csv"))
    assert header_only.errors[0].code == "file_no_rows"
    _nothing_written()


def test_reimporting_a_region_and_date_replaces_the_figure_audited(tmp_path, demo):
    load(tmp_path, JAMBI_AUG_2024)
    corrected = [["15.04", "2024-08-12", 50_000, 98_206, ""], ["15.71", "2024-08-12", 468_829, 1_214_164, ""]]
    result = load(tmp_path, corrected, actor=demo.user("jambi.operator"), name="koreksi.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    figure = CoverageFigure.objects.get(region_id="1504", on=date(2024, 8, 12))
    assert figure.participants == 50_000 and figure.source_import.file_name == "koreksi.csv"
    event = AuditEvent.objects.get(action="coverage_figure.update")
    assert event.region_code == "1504" and event.changes["participants"] == [49_803, 50_000]
    assert CoverageFigure.objects.count() == 3


def test_participants_above_potential_are_saved_with_a_warning(tmp_path):
    result = load(tmp_path, [["1504012003", "2024-08-12", 900, 850, ""]])
    assert [w.code for w in result.warnings] == ["participants_over_potential"]
    assert CoverageImport.objects.get().warnings[0]["row"] == 2


def test_a_column_the_sheet_does_not_read_is_saved_with_a_note(tmp_path):
    rows = [[*row, "sumber: BPJS"] for row in JAMBI_AUG_2024]
    path = write_csv(tmp_path, rows, header=[*COLUMNS, "Sumber"])
    result = coverage_import(actor=None, path=path, file_name="cakupan.csv")
    assert result.saved and result.created == 3
    assert [(w.row, w.column, w.code) for w in result.warnings] == [(1, "Sumber", "column_unknown")]


def test_rows_outside_the_jurisdiction_are_refused_and_viewers_may_not_import(tmp_path, demo):
    operator = demo.user("batanghari.operator")
    result = coverage_import(actor=operator, path=write_csv(tmp_path, JAMBI_AUG_2024), file_name="x.csv")
    assert {(e.row, e.code) for e in result.errors} == {
        (2, "region_outside_jurisdiction"),
        (4, "region_outside_jurisdiction"),
    }
    with pytest.raises(PermissionDeniedError):
        coverage_import(actor=demo.user("jambi.viewer"), path=write_csv(tmp_path, JAMBI_AUG_2024))
    _nothing_written()
