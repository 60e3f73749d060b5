import csv
import io
import re
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from jaring.registry import imports as imports_module
from jaring.registry.models import ImportRun, Participant
from jaring.registry.services import participants_upsert

from .factories import participant_record


def _person(serial: int, village: str = "1504012003", category: str = "miskin_ekstrem"):
    return participant_record(serial, village=village, full_name=f"Warga {serial}", category=category)


@pytest.fixture
def people(demo):
    records = [_person(i) for i in range(1, 4)] + [
        _person(4, "1504012002", "pekerja_rentan"),
        _person(5, "1571011001"),
    ]
    return participants_upsert(actor=None, records=records).participants


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    real = imports_module.row_context
    monkeypatch.setattr(
        imports_module, "row_context", lambda actor, today=None: real(actor, today=date(2026, 11, 23))
    )


def test_list_shows_only_the_jurisdiction_with_masked_nik_for_a_province_viewer(
    people, demo, django_assert_max_num_queries
):
    client = demo.client("jambi.viewer")
    with django_assert_max_num_queries(10):
        html = client.get("/peserta/").content.decode()
    assert "Warga 5" in html  # Kota Jambi is in the province
    assert "1504********0001" in html
    assert "1504011203850001" not in html
    village = demo.client("desa.operator").get("/peserta/").content.decode()
    assert "1504011203850001" in village  # the village operator needs the full NIK
    assert "Warga 4" not in village and "Warga 5" not in village


def test_list_filters_and_keyset_pages(people, demo, settings):
    client = demo.client("jambi.viewer")
    html = client.get("/peserta/", {"kategori": "pekerja_rentan"}).content.decode()
    assert re.findall(r">Warga (\d)</a>", html) == ["4"]
    assert re.findall(r">Warga (\d)</a>", client.get("/peserta/", {"wilayah": "15.71"}).content.decode()) == [
        "5"
    ]
    assert "Tidak ada peserta yang cocok" in client.get("/peserta/", {"q": "tidak ada"}).content.decode()
    settings.JARING_PAGE_SIZE = 2
    first = client.get("/peserta/").content.decode()
    cursor = re.search(r"setelah=(\d+)", first).group(1)
    second = client.get("/peserta/", {"setelah": cursor}).content.decode()
    assert len(re.findall(r">Warga (\d)</a>", first)) == 2
    assert set(re.findall(r">Warga (\d)</a>", first)).isdisjoint(re.findall(r">Warga (\d)</a>", second))


def test_exports_follow_filters_and_masking(people, demo):
    client = demo.client("jambi.viewer")
    response = client.get("/peserta/ekspor.csv", {"wilayah": "1504"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["NIK", "NAMA", "TANGGAL_LAHIR"]
    assert sorted(r[1] for r in rows[1:]) == ["Warga 1", "Warga 2", "Warga 3", "Warga 4"]
    assert all("********" in r[0] for r in rows[1:])
    workbook = client.get("/peserta/ekspor.xlsx", {"kategori": "miskin_ekstrem"})
    sheet = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(workbook.streaming_content))
    ).get_sheet_by_index(0)
    data = list(sheet.iter_rows())
    assert len(data) == 1 + 4  # header + Warga 1-3 and 5
    assert client.get("/peserta/ekspor.pdf").status_code == 404


def test_person_page_shows_identity_timeline_and_history(people, demo):
    html = demo.client("desa.operator").get(f"/peserta/{people[0].pk}/").content.decode()
    assert "Warga 1" in html and "1504011203850001" in html
    assert "Terdaftar" in html
    assert "participant.create" in html
    assert demo.client("desa.operator").get(f"/peserta/{people[4].pk}/").status_code == 404


def test_templates_download(demo):
    client = demo.client("desa.operator")
    assert client.get("/peserta/templat.xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/peserta/templat.csv").content.startswith("\ufeffNIK,NAMA".encode())


def test_upload_validate_preview_commit(demo, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        b"1504011203850001,Ahmad,12/03/1985,L,1504012003,petani,lainnya\n"
        b"1504011203850002,Budi,12/03/1985,P,1504012003,petani,lainnya\n"
    )
    client = demo.client("desa.operator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/peserta/impor/", {"berkas": SimpleUploadedFile("oktober.csv", content)})
    run = ImportRun.objects.get()
    assert response["Location"] == f"/peserta/impor/{run.pk}/"
    assert (run.status, run.dry_run, run.total_rows) == ("validated", True, 2)
    preview = client.get(f"/peserta/impor/{run.pk}/").content.decode()
    assert 'data-testid="count-created">1<' in preview
    assert "nik_sex_mismatch" not in preview and "Jenis kelamin perempuan (P) tidak sesuai" in preview
    assert not Participant.objects.exists()
    errors = client.get(f"/peserta/impor/{run.pk}/ditolak.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(errors.content)).get_sheet_by_index(0)
    assert [int(r[0]) for r in list(sheet.iter_rows())[1:]] == [3]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/peserta/impor/{run.pk}/simpan/")
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == ("committed", 1, 1)
    assert Participant.objects.get().full_name == "Ahmad"
    partial = client.get(f"/peserta/impor/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="import-status"')
    again = client.post(f"/peserta/impor/{run.pk}/simpan/", follow=True).content.decode()
    assert "sudah disimpan" in again


def test_upload_without_a_file_says_so(demo):
    response = demo.client("desa.operator").post("/peserta/impor/", {})
    assert response.status_code == 400
    assert "Pilih berkas" in response.content.decode()


def test_person_history_masks_the_nik_for_roles_without_need(people, demo):
    html = demo.client("jambi.operator").get(f"/peserta/{people[0].pk}/").content.decode()
    assert "participant.create" in html  # operators see the record's history
    assert "1504********0001" in html
    assert "1504011203850001" not in html
    assert (
        "participant.create"
        not in demo.client("jambi.viewer").get(f"/peserta/{people[0].pk}/").content.decode()
    )
