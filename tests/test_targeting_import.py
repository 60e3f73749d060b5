"""DTSEN extracts as dated editions: kept whole (every row good, or nothing saved), one
row per NIK, inside the importer's jurisdiction; a newer edition replaces the one before
and reports who left the list."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jaring.audit.models import AuditEvent
from jaring.errors import Conflict, InvalidInput, PermissionDeniedError
from jaring.targeting.imports import import_dtsen
from jaring.targeting.models import DtsenEdition, DtsenLeaver, DtsenPerson

pytestmark = pytest.mark.django_db

HEADER = "NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,ID_KELUARGA,DESIL,PEKERJAAN,STATUS_BEKERJA"
TODAY = date(2025, 6, 30)
# Sengkati Gedang (Mersam, Batanghari): a family of four and a fisherman's family of two.
GOOD = [
    "1504011203850001,Ahmad Yani,12/03/1985,L,15.04.01.2003,KK-0001,1,petani,bekerja",
    "1504015506870002,Siti Aisyah,15/06/1987,P,15.04.01.2003,KK-0001,1,,tidak bekerja",
    "1504010101100003,Rizki,01/01/2010,L,15.04.01.2003,KK-0001,1,,",
    "1504014202500004,Nurhayati,02/02/1950,P,15.04.01.2003,KK-0001,1,lainnya,tidak bekerja",
    "1504010505800005,Bujang,05/05/1980,L,1504012003,KK-0002,3,nelayan,bekerja",
    "1504014808820006,Maimunah,08/08/1982,P,1504012003,KK-0002,3,pedagang,bekerja",
]


def _extract(tmp_path, rows, name="dtsen.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _import(demo, tmp_path, rows, *, edition="2025-03", username="jambi.operator"):
    return import_dtsen(
        actor=demo.user(username), path=_extract(tmp_path, rows), edition=edition, today=TODAY
    )


def test_a_good_extract_is_saved_whole_as_an_edition_of_the_province(demo, tmp_path):
    result = _import(demo, tmp_path, GOOD)
    edition = result.saved
    assert (result.rows, result.accepted, result.rejected, result.errors) == (6, 6, 0, [])
    assert (edition.edition, edition.scope_code, edition.people, edition.left_the_list) == (
        date(2025, 3, 1),
        "15",
        6,
        0,
    )
    people = {p.nik: p for p in DtsenPerson.objects.filter(edition=edition)}
    ahmad = people["1504011203850001"]
    assert (ahmad.decile, ahmad.occupation, ahmad.working, ahmad.family_id) == (1, "petani", True, "KK-0001")
    assert (ahmad.village_id, ahmad.province_code, ahmad.row) == ("1504012003", "15", 2)
    assert people["1504010101100003"].working is None and people["1504010101100003"].occupation == ""
    assert people["1504015506870002"].working is False
    event = AuditEvent.objects.get(action="dtsen.import")
    assert event.target_id == str(edition.pk) and event.region_code == "15"
    assert result.as_dict()["saved"] is True


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("1504010909900007,Tono,09/09/1990,L,1504012003,KK-0003,0,petani,bekerja", "DESIL", "decile"),
        ("1504010909900007,Tono,09/09/1990,L,1504012003,KK-0003,11,petani,bekerja", "DESIL", "decile"),
        ("1504010909900007,Tono,09/09/1990,L,1504012003,KK-0003,,petani,bekerja", "DESIL", "required"),
        ("1704010909900007,Tono,09/09/1990,L,1704012001,KK-0003,2,petani,bekerja", "KODE_DESA",
         "village_outside_jurisdiction"),
        ("1504010909900007,Tono,09/09/1990,L,1504012003,KK-0003,2,petani,kadang", "STATUS_BEKERJA",
         "working_status_unknown"),
        ("1504010909900007,Tono,09/09/1990,L,1504012003,,2,petani,bekerja", "ID_KELUARGA", "required"),
        ("1504011203850001,Ahmad Yani,12/03/1985,L,1504012003,KK-0001,1,petani,bekerja", "NIK", "nik_twice"),
    ],
    ids=["desil-0", "desil-11", "desil-blank", "outside", "working", "family", "nik-twice"],
)  # fmt: skip
def test_one_bad_row_refuses_the_whole_edition_naming_row_column_and_fix(demo, tmp_path, row, column, code):
    result = _import(demo, tmp_path, [*GOOD, row])
    assert result.saved is None and (result.rows, result.accepted, result.rejected) == (7, 6, 1)
    (error,) = [e for e in result.errors if e.code == code]
    assert (error.row, error.column) == (8, column)  # the header is row 1
    assert error.message
    assert not DtsenEdition.objects.exists() and not DtsenPerson.objects.exists()
    assert not AuditEvent.objects.filter(action="dtsen.import").exists()


def test_the_same_nik_twice_names_the_row_it_was_first_on(demo, tmp_path):
    result = _import(demo, tmp_path, [*GOOD, GOOD[0]])
    (error,) = result.errors
    assert error.code == "nik_twice" and "baris 2" in error.message


def test_a_newer_edition_replaces_the_one_before_and_reports_who_left_the_list(demo, tmp_path):
    first = _import(demo, tmp_path, GOOD).saved
    newer = _import(demo, tmp_path, GOOD[:4] + GOOD[5:], edition="2025-06").saved
    assert (newer.previous_id, newer.people, newer.left_the_list) == (first.pk, 5, 1)
    (leaver,) = DtsenLeaver.objects.filter(edition=newer)
    assert (leaver.nik, leaver.full_name, leaver.village_id, leaver.decile) == (
        "1504010505800005",
        "Bujang",
        "1504012003",
        3,
    )
    assert DtsenPerson.objects.filter(edition=first).count() == 6  # the edition before stays whole


@pytest.mark.parametrize("edition", ["2025-03", "2024-12"])
def test_an_edition_not_newer_than_the_saved_one_is_refused(demo, tmp_path, edition):
    _import(demo, tmp_path, GOOD)
    with pytest.raises(Conflict) as refused:
        _import(demo, tmp_path, GOOD, edition=edition)
    assert refused.value.code == "edition_not_newer" and "2025-03" in refused.value.message
    assert DtsenEdition.objects.count() == 1


@pytest.mark.parametrize(
    ("edition", "code"),
    [("2025-13", "edition_invalid"), ("03/2025", "edition_invalid"), ("2025-07", "edition_future")],
)
def test_a_wrong_edition_month_is_refused(demo, tmp_path, edition, code):
    with pytest.raises(InvalidInput) as refused:
        _import(demo, tmp_path, GOOD, edition=edition)
    assert refused.value.code == code and refused.value.field == "edition"
    assert not DtsenEdition.objects.exists()


def test_a_viewer_cannot_import_an_extract(demo, tmp_path):
    with pytest.raises(PermissionDeniedError):
        _import(demo, tmp_path, GOOD, username="jambi.viewer")
    assert not DtsenEdition.objects.exists()


def test_a_regency_imports_its_own_edition_beside_the_province(demo, tmp_path):
    _import(demo, tmp_path, GOOD)
    regency = _import(demo, tmp_path, GOOD, username="batanghari.operator").saved
    assert regency.scope_code == "1504" and regency.previous_id is None


def test_the_command_prints_the_json_the_issue_names(demo, tmp_path):
    out = StringIO()
    path = _extract(tmp_path, GOOD)
    call_command(
        "import_dtsen", str(path), "--edition", "2025-03", "--json", "--as", "jambi.operator", stdout=out
    )
    answer = json.loads(out.getvalue())
    assert {"edition", "rows", "accepted", "rejected", "errors"} <= set(answer)
    assert (answer["edition"], answer["rows"], answer["accepted"], answer["rejected"]) == ("2025-03", 6, 6, 0)
    bad = _extract(tmp_path, [*GOOD, GOOD[1]], name="bad.csv")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_dtsen", str(bad), "--edition", "2025-06", "--json", "--as", "jambi.operator", stdout=out
        )
    answer = json.loads(out.getvalue())
    assert (
        answer["rejected"] == 1 and answer["errors"][0]["row"] == 8 and answer["errors"][0]["column"] == "NIK"
    )
    assert DtsenEdition.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment")
def test_two_officers_importing_the_same_edition_at_once_save_it_once_on_postgresql(
    db, monkeypatch, tmp_path
):
    """Each on its own committing connection: the second waits for the first's lock on
    the jurisdiction, then finds the edition saved and is refused; one edition, whole."""
    from jaring.accounts.models import User
    from jaring.demo.seed import seed_demo

    from .concurrency import at_once, empty_committed_tables, in_own_connection, slowed

    try:
        in_own_connection(lambda: seed_demo(people=False))
        path = _extract(tmp_path, GOOD)
        slowed(monkeypatch, "jaring.targeting.imports.load_checked")  # both inside the import together

        def officer_imports():
            actor = User.objects.select_related("organization").get(username="jambi.operator")
            return import_dtsen(actor=actor, path=path, edition="2025-03", today=TODAY)

        results = at_once(officer_imports)
        saved = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(saved) == 1 and saved[0].saved is not None
        assert len(refused) == 1 and isinstance(refused[0], Conflict), refused
        assert refused[0].code == "edition_not_newer"
        counts = in_own_connection(lambda: (DtsenEdition.objects.count(), DtsenPerson.objects.count()))
        assert counts == (1, len(GOOD))
    finally:
        empty_committed_tables()


def _partitions_of_the_people() -> dict[str, str]:
    """The partitions of the DTSEN people table and the values each holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'targeting_dtsenperson'::regclass"
        )
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_edition_is_a_partition_of_its_own_and_a_refused_one_leaves_none(demo, tmp_path, kind):
    rows = GOOD
    if kind == "xlsx":  # read row by row (sheets.readers), written the same way
        import xlsxwriter

        path = tmp_path / "dtsen.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        for number, line in enumerate([HEADER, *rows]):
            sheet.write_row(number, 0, line.split(","))
        book.close()
        officer = demo.user("jambi.operator")
        saved = import_dtsen(actor=officer, path=path, edition="2025-03", today=TODAY).saved
    else:
        saved = _import(demo, tmp_path, rows).saved
    table = f"targeting_dtsenperson_e{saved.pk}"
    assert _partitions_of_the_people()[table] == f"FOR VALUES IN ('{saved.pk}')"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        assert cursor.fetchone() == (6,)
    indexes = {i for (i,) in _indexes_of(table)}
    assert len(indexes) == 3  # the primary key, one NIK per edition, the village index
    partitions, tables = set(_partitions_of_the_people()), set(_tables())
    assert "targeting_dtsenperson_default" in partitions
    refused = _import(demo, tmp_path, [*GOOD[:5], GOOD[0]], edition="2025-06")
    assert refused.saved is None
    assert set(_partitions_of_the_people()) == partitions and set(_tables()) == tables


def _indexes_of(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return cursor.fetchall()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [name for (name,) in cursor.fetchall()]
