from datetime import date

from jaring.funds.models import Transfer
from jaring.programs.models import Enrolment, Program
from jaring.registry.services import participants_upsert

from .factories import participant_record
from .test_programs_services import bkbk


def test_program_form_creates_a_program_and_shows_errors_on_the_field(demo):
    client = demo.client("jambi.operator")
    form = {
        "code": "BKBK-2026",
        "name": "BKBK 2026",
        "source": "BKBK",
        "payer": demo.org("pemprov-jambi").pk,
        "fiscal_year": 2026,
        "starts_on": "2025-12-01",
        "coverage_months": 12,
        "package": "JKK_JKM",
        "declared_income": 1_000_000,
        "budget_ceiling": 1_000_000_000,
        "quota_extreme_poor": 50,
        "quota_vulnerable": 25,
        "target_regions": "15",
    }
    page = client.post("/program/baru/", form).content.decode()
    assert "di luar tahun anggaran 2026" in page
    assert not Program.objects.exists()
    response = client.post("/program/baru/", {**form, "starts_on": "2026-01-01"})
    program = Program.objects.get(code="BKBK-2026")
    assert response["Location"] == f"/program/{program.pk}/"
    assert {q.category: q.per_village for q in program.quotas.all()} == {
        "miskin_ekstrem": 50,
        "pekerja_rentan": 25,
    }
    detail = client.get(f"/program/{program.pk}/").content.decode()
    assert "Rp1.000.000.000" in detail and 'data-testid="funnel"' in detail


def test_enrol_by_nik_on_the_program_page_reports_the_refusal(demo):
    program = bkbk(demo, quotas={"miskin_ekstrem": 1})
    people = participants_upsert(
        actor=None, records=[participant_record(i, category="miskin_ekstrem") for i in (1, 2)]
    ).participants
    client = demo.client("desa.operator")
    client.post(f"/program/{program.pk}/daftarkan/", {"nik": people[0].nik, "starts_on": "2025-02-01"})
    response = client.post(f"/program/{program.pk}/daftarkan/", {"nik": people[1].nik}, follow=True)
    assert "sudah penuh (1 dari 1)" in response.content.decode()
    assert Enrolment.objects.filter(program=program).count() == 1
    page = client.get(f"/program/{program.pk}/").content.decode()
    assert people[0].full_name in page
    assert people[0].nik in page  # a village operator sees the full NIK of its people
    viewer_page = demo.client("jambi.viewer").get(f"/program/{program.pk}/").content.decode()
    assert people[0].nik not in viewer_page  # a viewer sees it masked


def test_transfer_form_posts_and_refuses_a_duplicate_reference(demo):
    program = bkbk(demo)
    client = demo.client("jambi.operator")
    form = {
        "program": program.pk,
        "kind": "to_regency",
        "region": "15.04",
        "stage": 1,
        "transferred_on": "2025-03-01",
        "amount": 5_000_000,
        "reference": "SP2D/001",
    }
    assert client.post("/dana/transfer/baru/", form).status_code == 302
    page = client.post("/dana/transfer/baru/", form).content.decode()
    assert "SP2D/001 sudah dipakai" in page
    assert Transfer.objects.count() == 1
    overview = client.get("/dana/").content.decode()
    assert "Rp5.000.000" in overview
    workbook = client.get("/dana/transfer/ekspor.xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_enrolment_file_upload_reports_rows(demo, tmp_path):
    program = bkbk(demo, quotas={})
    (person,) = participants_upsert(actor=None, records=[participant_record(1)]).participants
    path = tmp_path / "daftar.csv"
    path.write_text(
        f"NIK,KODE_PROGRAM,TANGGAL_MULAI\n{person.nik},{program.code},01/02/2025\n9999,{program.code},\n"
    )
    client = demo.client("desa.operator")
    with open(path, "rb") as fh:
        page = client.post("/program/impor-kepesertaan/", {"file": fh}).content.decode()
    assert "belum terdaftar sebagai peserta" in page
    enrolment = Enrolment.objects.get(participant=person)
    assert enrolment.starts_on == date(2025, 2, 1)
    with open(path, "rb") as fh:  # the same file again enrols nobody twice
        client.post("/program/impor-kepesertaan/", {"file": fh})
    assert Enrolment.objects.filter(participant=person).count() == 1


def test_enrol_participants_cli_prints_json(demo, tmp_path, capsys):
    import json

    from django.core.management import call_command

    program = bkbk(demo, quotas={})
    (person,) = participants_upsert(actor=None, records=[participant_record(1)]).participants
    path = tmp_path / "daftar.csv"
    path.write_text(f"NIK,KODE_PROGRAM\n{person.nik},{program.code}\n{person.nik},TIDAK-ADA\n")
    call_command("enrol_participants", str(path), "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["created"], result["rejected"]) == (1, 1)
    assert result["errors"] == [
        {
            "row": 3,
            "column": "KODE_PROGRAM",
            "code": "program_unknown",
            "message": "Program TIDAK-ADA tidak dikenal atau di luar wilayah kerja Anda. "
            "Periksa kodenya di menu Program.",
        }
    ]
