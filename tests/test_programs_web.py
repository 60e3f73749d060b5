import re
from datetime import date

from django.utils import timezone

from jaring.funds.models import Transfer
from jaring.programs.models import Enrolment, Program
from jaring.programs.services import enrolment_create
from jaring.registry.services import participant_set_status, participants_upsert

from .factories import participant_record
from .test_funds_services import post
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


def test_selection_from_the_registry_enrols_the_ticked_people_and_reports_refusals(demo):
    program = bkbk(demo, quotas={"miskin_ekstrem": 2})
    people = participants_upsert(
        actor=None, records=[participant_record(i, category="miskin_ekstrem") for i in (1, 2, 3, 4)]
    ).participants
    participant_set_status(actor=None, participant=people[3], status="deceased", reason="meninggal")
    other_village = participants_upsert(
        actor=None, records=[participant_record(9, village="1504012002", category="miskin_ekstrem")]
    ).participants[0]
    client = demo.client("desa.operator")
    url = f"/program/{program.pk}/pilih-peserta/"
    page = client.get(url).content.decode()
    for person in people[:3]:
        assert f'name="participants" value="{person.pk}"' in page
    assert f'name="participants" value="{people[3].pk}"' not in page  # deceased
    assert (
        f'name="participants" value="{other_village.pk}"' not in page
    )  # outside the village operator's jurisdiction

    response = client.post(url, {"participants": [p.pk for p in people[:3]], "starts_on": "2025-02-01"})
    result = response.content.decode()
    assert "2 didaftarkan, 0 sudah terdaftar, 1 ditolak." in result
    assert "sudah penuh (2 dari 2)" in result
    assert Enrolment.objects.filter(program=program, status="active").count() == 2
    assert (
        f'name="participants" value="{people[0].pk}"' not in client.get(url).content.decode()
    )  # enrolled: no longer offered

    # A tampered or stale choice (outside the jurisdiction, already enrolled) changes nothing.
    for chosen in ([other_village.pk], [people[0].pk, people[2].pk], ["x"]):
        response = client.post(url, {"participants": chosen})
        assert 'data-testid="selection-errors"' in response.content.decode()
    assert Enrolment.objects.filter(program=program).count() == 2
    assert "Centang minimal satu peserta." in client.post(url, {}).content.decode()
    assert demo.client("jambi.viewer").get(url).status_code == 403


def test_selection_filters_by_name_and_hides_people_funded_elsewhere(demo):
    program = bkbk(demo)
    other = bkbk(demo, code="BKBK-LAIN", quotas={})
    people = participants_upsert(
        actor=None,
        records=[
            participant_record(1, full_name="Siti Aminah"),
            participant_record(2, full_name="Budi Santoso"),
        ],
    ).participants
    enrolment_create(actor=None, program=other, participant=people[1], starts_on=date(2025, 1, 1))
    client = demo.client("desa.operator")
    url = f"/program/{program.pk}/pilih-peserta/"
    page = client.get(url, {"q": "siti"}).content.decode()
    assert "Siti Aminah" in page and "Budi Santoso" not in page
    assert "Budi Santoso" not in client.get(url).content.decode()  # funded by BKBK-LAIN
    assert "Budi Santoso" in client.get(url, {"semua": "1"}).content.decode()
    empty = client.get(url, {"q": "tidak ada"}).content.decode()
    assert "Tidak ada orang yang cocok dengan saringan ini." in empty


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


def test_transfer_forms_prefill_today_day_first(demo):
    # The date reads dd/mm/yyyy as officers write it (jaring.formats), not "3 Des. 2026"
    # (Django's Indonesian format), which the field could not read back.
    program = bkbk(demo)
    transfer = post(program, "to_regency", "1504", 5_000_000, "SP2D/001")
    client = demo.client("jambi.operator")
    today = timezone.localdate().strftime("%d/%m/%Y")
    correction = client.get(f"/dana/transfer/{transfer.pk}/koreksi/").content.decode()
    assert _date_value(correction, "on") == today
    assert _date_value(client.get("/dana/transfer/baru/").content.decode(), "transferred_on") == today


def _date_value(html: str, name: str) -> str:
    """The value of the page's date input called ``name`` (a day-first text input)."""
    (tag,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert 'placeholder="hh/bb/tttt"' in tag and 'inputmode="numeric"' in tag, tag
    return re.search(r'value="([^"]*)"', tag).group(1)


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


def test_an_enrolment_file_with_a_column_it_lacks_is_read_and_the_column_reported(demo, tmp_path):
    program = bkbk(demo, quotas={})
    (person,) = participants_upsert(actor=None, records=[participant_record(1)]).participants
    path = tmp_path / "daftar.csv"
    path.write_text(f"NIK,KODE_PROGRAM,Catatan\n{person.nik},{program.code},pindahan\n")
    with open(path, "rb") as fh:
        page = demo.client("desa.operator").post("/program/impor-kepesertaan/", {"file": fh}).content.decode()
    assert "Kolom Catatan (kolom ke-3) tidak dikenal dan tidak dibaca" in page
    assert Enrolment.objects.filter(participant=person, program=program).exists()


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


def test_an_officer_sets_up_bkbk_for_every_village_and_sees_where_the_money_stalls(demo, tmp_path):
    """Issue 4's "done when", through the pages: the program for all 1,585 villages
    and wards of Jambi, allocation from quotas, enrolment from a workbook, transfers,
    the funnel and the idle villages."""
    import xlsxwriter

    from jaring.funds.models import Allocation

    client = demo.client("jambi.operator")
    response = client.post(
        "/program/baru/",
        {
            "code": "BKBK-JAMBI-2025",
            "name": "BKBK Provinsi Jambi 2025",
            "source": "BKBK",
            "payer": demo.org("pemprov-jambi").pk,
            "fiscal_year": 2025,
            "starts_on": "2025-01-01",
            "coverage_months": 12,
            "package": "JKK_JKM",
            "declared_income": 1_000_000,
            "budget_ceiling": 23_965_200_000,
            "quota_extreme_poor": 50,
            "quota_vulnerable": 25,
            "target_regions": "15",
        },
    )
    program = Program.objects.get(code="BKBK-JAMBI-2025")
    assert response["Location"] == f"/program/{program.pk}/"
    client.post(f"/dana/alokasi/{program.pk}/", {"from_quota": "1"})
    villages = Allocation.objects.filter(program=program, region__level__in=("village", "ward"))
    assert villages.count() == 1_585
    # 75 people x 12 months x Rp16.800 (JKK 1% of Rp1.000.000 + JKM Rp6.800) per village
    assert {a.amount for a in villages} == {15_120_000}

    people = participants_upsert(
        actor=None,
        records=[participant_record(i, category="miskin_ekstrem") for i in (1, 2)]
        + [participant_record(3, category="pekerja_rentan", village="1504012002")],
    ).participants
    workbook_path = tmp_path / "kepesertaan.xlsx"
    workbook = xlsxwriter.Workbook(workbook_path)
    sheet = workbook.add_worksheet()
    for row, values in enumerate([["NIK", "KODE_PROGRAM"], *[[p.nik, program.code] for p in people]]):
        sheet.write_row(row, 0, values)
    workbook.close()
    with open(workbook_path, "rb") as fh:
        client.post("/program/impor-kepesertaan/", {"file": fh})
    assert Enrolment.objects.filter(program=program, status="active").count() == 3

    def transfer(kind, region, amount, reference, on):
        form = {
            "program": program.pk,
            "kind": kind,
            "region": region,
            "stage": 1,
            "transferred_on": on,
            "amount": amount,
            "reference": reference,
        }
        assert client.post("/dana/transfer/baru/", form).status_code == 302, reference

    transfer("to_regency", "15.04", 30_240_000, "SP2D/BTH/1", "2025-03-03")
    transfer("to_village", "15.04.01.2003", 15_120_000, "TRF/SENGKATI", "2025-04-01")
    transfer("to_village", "15.04.01.2002", 15_120_000, "TRF/TETANGGA", "2025-04-01")
    transfer("to_bpjs", "15.04.01.2002", 15_120_000, "IURAN/TETANGGA", "2025-04-20")

    overview = client.get("/dana/").content.decode()
    funnel = overview[overview.index('data-testid="funnel"') :]
    assert "Rp23.965.200.000" in funnel  # the budget and its allocation
    assert "Rp30.240.000" in funnel and "0,1%" in funnel  # reached the regency: 0.13% of the budget
    idle = overview[overview.index('data-testid="idle-villages"') :]
    assert "Sengkati Gedang" in idle and "TRF/TETANGGA" not in idle
    assert "15.04.01.2002" not in idle.split("</table>")[0]  # the neighbour paid BPJS
    regency_view = demo.client("batanghari.operator").get("/dana/").content.decode()
    assert "Sengkati Gedang" in regency_view[regency_view.index('data-testid="idle-villages"') :]
