"""The claims pages as officers use them: report an event, complete it, BPJS verifies
and pays; the inbox (filters, sorting, pagination, empty state, XLSX), the claim page
(timeline, documents, heirs, quote, refund), the benefits report and the rule table."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from jaring.accounts.services import user_create
from jaring.claims import services
from jaring.claims.forms import PayForm
from jaring.claims.models import BenefitRule, Claim, ClaimStatus

from . import claims_world as w

PASSWORD = "Claims-Web-2026!"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(demo):
    prog = w.program(demo.org("pemprov-jambi"))
    people = [w.person(n) for n in range(1, 4)]
    kota = w.person(70, village="1571011001")
    w.enrol(prog, [*people, kota])
    w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-2025")
    bpjs = user_create(
        actor=None,
        organization=demo.org("bpjstk-kanwil-sumbagsel"),
        username="bpjs.klaim",
        password=PASSWORD,
        role="operator",
    )
    return {"program": prog, "people": people, "kota": kota, "bpjs": bpjs}


def _sheet(content: bytes, name: str | None = None) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name(name or book.sheet_names[0]).to_python()


def _report_form(nik: str, **extra) -> dict:
    return {
        "nik": nik,
        "kind": "jkm",
        "event_date": "2025-06-14",
        "event_place": "Rumah duka, Dusun II",
        "description": "Meninggal dunia karena sakit.",
        "reported_on": "2025-06-16",
        "heir_full_name": "Siti Aminah",
        "heir_relation": "spouse",
        "heir_nik": "1504015203870002",
        "heir_bank_name": "Bank Jambi",
        "heir_account_number": "0012345678",
        "heir_account_holder": "Siti Aminah",
        **extra,
    }


def _documents(kinds) -> dict:
    return {f"doc_{kind}": SimpleUploadedFile(f"{kind}.pdf", w.PDF) for kind in kinds}


def test_village_officer_reports_a_death_and_bpjs_verifies_and_pays_it(world, demo):
    farmer = world["people"][0]
    village = demo.client("desa.operator")
    form = _report_form(farmer.nik, **_documents(["death_certificate", "family_card", "heir_statement"]))
    response = village.post("/klaim/baru/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert response["Location"] == f"/klaim/{claim.pk}/"
    page = village.get(f"/klaim/{claim.pk}/").content.decode()
    assert "Rp42.000.000" in page and "Perkiraan manfaat" in page
    assert "KTP peserta dan ahli waris" in page  # still missing
    assert farmer.nik in page  # a village operator sees the full NIK
    incomplete = village.post(f"/klaim/{claim.pk}/lengkap/", follow=True).content.decode()
    assert "Dokumen belum lengkap" in incomplete
    for kind in ("id_card", "bank_book"):
        village.post(
            f"/klaim/{claim.pk}/dokumen/",
            {"document_kind": kind, "document": SimpleUploadedFile(f"{kind}.jpg", w.JPG)},
        )
    village.post(f"/klaim/{claim.pk}/lengkap/", {"on": "2025-06-17"})
    assert Claim.objects.get().status == ClaimStatus.DOCUMENTS_COMPLETE
    assert village.get(f"/klaim/{claim.pk}/verifikasi/").status_code == 403

    bpjs = demo.client("bpjs.klaim")
    assert bpjs.get(f"/klaim/{claim.pk}/verifikasi/").status_code == 200
    response = bpjs.post(f"/klaim/{claim.pk}/verifikasi/", {"on": "2025-06-20"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.quote_total) == ("verified", 42_000_000)
    page = bpjs.get(f"/klaim/{claim.pk}/").content.decode()
    assert "Manfaat yang ditetapkan" in page
    assert "Pengembalian iuran kepada pemberi dana" in page and "Rp100.800" in page  # 6 x 16,800
    # The payment form starts from the verified benefit and today's date.
    pay_form = PayForm(claim=claim)
    assert pay_form["amount"].value() == claim.quote_total == 42_000_000
    assert pay_form["paid_on"].value() == timezone.localdate()
    assert (
        'name="amount" id="id_amount" value="42000000"'
        in bpjs.get(f"/klaim/{claim.pk}/bayar/").content.decode()
    )
    wrong = bpjs.post(
        f"/klaim/{claim.pk}/bayar/",
        {"paid_on": "2025-06-27", "amount": "40000000", "recipient_heir": claim.heirs.get().pk},
    )
    assert wrong.status_code == 400
    assert "tidak sama dengan manfaat" in wrong.content.decode()
    paid = bpjs.post(
        f"/klaim/{claim.pk}/bayar/",
        {
            "paid_on": "2025-06-27",
            "amount": "42000000",
            "recipient_heir": claim.heirs.get().pk,
            "reference": "T1",
        },
    )
    assert paid.status_code == 302
    page = bpjs.get(f"/klaim/{claim.pk}/").content.decode()
    assert "11 hari sejak dilaporkan" in page
    timeline = page[page.index('data-testid="timeline"') :]
    assert timeline.index("Dilaporkan") < timeline.index("Dokumen lengkap") < timeline.index("Dibayar")


def test_report_form_shows_the_refusal_on_its_field_and_saves_nothing(world, demo):
    client = demo.client("desa.operator")
    late = _report_form(world["people"][0].nik, event_date="2099-01-01", reported_on="")
    response = client.post("/klaim/baru/", late)
    assert response.status_code == 400
    assert "belum terjadi" in response.content.decode()
    unknown = client.post("/klaim/baru/", _report_form("1504011203859999"))
    assert "tidak ditemukan di wilayah kerja Anda" in unknown.content.decode()
    half_heir = _report_form(world["people"][0].nik, heir_bank_name="")
    assert "Wajib diisi bila ahli waris dicatat" in client.post("/klaim/baru/", half_heir).content.decode()
    assert not Claim.objects.exists()


def test_report_form_is_prefilled_from_the_participant_page(world, demo):
    person = world["people"][1]
    page = demo.client("desa.operator").get(f"/klaim/baru/?peserta={person.pk}").content.decode()
    assert f'value="{person.nik}"' in page


def _claims(world, count=3):
    made = []
    for person, kind, on in zip(
        world["people"],
        ["jkm", "jkk_injury", "jkk_partial_disability"],
        [date(2025, 6, 14), date(2025, 3, 2), date(2025, 9, 1)],
        strict=False,
    ):
        made.append(
            services.claim_report(
                actor=None,
                participant=person,
                kind=kind,
                event_date=on,
                event_place="Desa",
                description="Kejadian",
                disability_pct="10" if kind == "jkk_partial_disability" else None,
                reported_on=on,
            )
        )
    return made[:count]


def test_inbox_filters_sorts_masks_and_pages(world, demo, django_assert_max_num_queries):
    jkm, injury, partial = _claims(world)
    viewer = demo.client("jambi.viewer")
    with django_assert_max_num_queries(12):
        page = viewer.get("/klaim/").content.decode()
    assert world["people"][0].nik not in page  # a province viewer sees NIKs masked
    assert world["people"][0].nik[:4] + "********" in page
    assert page.index(partial.reference) < page.index(jkm.reference) < page.index(injury.reference)
    oldest_first = viewer.get("/klaim/?urut=kejadian").content.decode()
    assert oldest_first.index(injury.reference) < oldest_first.index(jkm.reference)
    only_injury = viewer.get("/klaim/?jenis=jkk_injury").content.decode()
    assert injury.reference in only_injury and jkm.reference not in only_injury
    june = viewer.get("/klaim/?dari=2025-06-01&sampai=2025-06-30").content.decode()
    assert jkm.reference in june and partial.reference not in june
    assert "Tidak ada klaim yang cocok" in viewer.get("/klaim/?wilayah=1571").content.decode()
    assert "Tidak ada klaim yang cocok" in viewer.get("/klaim/?status=paid").content.decode()
    by_person = viewer.get(f"/klaim/?peserta={world['people'][1].pk}").content.decode()
    assert injury.reference in by_person and jkm.reference not in by_person


def test_inbox_empty_state_and_pagination(world, demo):
    empty = demo.client("jambi.viewer").get("/klaim/").content.decode()
    assert "Belum ada klaim di wilayah kerja Anda" in empty
    prog = w.program(demo.org("pemprov-jambi"), code="BKBK-BANYAK", year=2024)
    more = [w.person(n) for n in range(10, 62)]
    w.enrol(prog, more)
    w.pay(prog, date(2024, 1, 1), 12, paid_on=date(2024, 1, 10), reference="IURAN-2024")
    for person in more:
        services.claim_report(
            actor=None,
            participant=person,
            kind="jkk_injury",
            event_date=date(2024, 11, 3),
            event_place="Kebun",
            description="Terluka",
        )
    first = demo.client("jambi.viewer").get("/klaim/?urut=nama").content.decode()
    assert "Halaman 1 dari 2" in first and "52 baris" in first
    second = demo.client("jambi.viewer").get("/klaim/?urut=nama&halaman=2").content.decode()
    assert "Halaman 2 dari 2" in second


def test_export_is_the_filtered_selection_with_masked_niks(world, demo):
    jkm, _injury, _partial = _claims(world)
    response = demo.client("jambi.viewer").get("/klaim/ekspor.xlsx?jenis=jkm")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response.content)
    assert rows[0][0] == "Nomor klaim"
    assert [r[0] for r in rows[1:]] == [jkm.reference]
    assert rows[1][2] == world["people"][0].nik[:4] + "********" + world["people"][0].nik[12:]


def _verified(person, *, kind: str, on: date, children=()) -> Claim:
    claim = services.claim_report(
        actor=None,
        participant=person,
        kind=kind,
        event_date=on,
        event_place="Rumah",
        description="Meninggal",
        heirs=[w.heir()],
        children=children,
        documents=[
            *w.required_documents(kind),
            *([w.upload("school_certificate")] if children else []),
        ],
        reported_on=on,
    )
    services.claim_documents_complete(actor=None, claim=claim, on=on)
    return services.claim_verify(actor=None, claim=claim, on=on)


def _paid_claim(world, person, *, kind="jkm", on=date(2025, 6, 14), paid_on=date(2025, 6, 30), children=()):
    claim = _verified(person, kind=kind, on=on, children=children)
    return services.claim_pay(
        actor=None, claim=claim, paid_on=paid_on, amount=claim.quote_total, recipient_heir=claim.heirs.get()
    )


def test_benefits_report_counts_rupiah_scholarships_and_days_and_drills_down(world, demo):
    kota = world["kota"]
    _paid_claim(world, world["people"][0], paid_on=date(2025, 6, 30))  # 16 days
    _paid_claim(
        world,
        world["people"][1],
        kind="jkk_death",
        on=date(2025, 7, 1),
        paid_on=date(2025, 7, 5),  # 4 days
        children=[w.child(), w.child(full_name="Andi", level="SMP", school_year=2)],
    )
    _paid_claim(world, kota, on=date(2025, 8, 4), paid_on=date(2025, 8, 14))  # 10 days
    services.claim_report(  # still open: not in the figures
        actor=None,
        participant=world["people"][2],
        kind="jkk_partial_disability",
        event_date=date(2025, 9, 1),
        event_place="Kebun",
        description="Jari terpotong",
        disability_pct="10",
    )
    client = demo.client("jambi.viewer")
    page = client.get("/klaim/laporan/").content.decode()
    # 42,000,000 + (70,000,000 + 1,500,000 + 2,000,000) + 42,000,000
    assert "Rp157.500.000" in page
    assert "Rp3.500.000" in page and "2 anak" in page
    assert "10 hari" in page and "rata-rata 10 hari" in page
    regions = page[page.index('data-testid="report-regions"') :]
    assert "?wilayah=1504&" in regions and "?wilayah=1571&" in regions
    batanghari = client.get("/klaim/laporan/?wilayah=15.04").content.decode()
    assert "Rp115.500.000" in batanghari and "?wilayah=150401&" in batanghari
    assert "Rp42.000.000" not in batanghari.split('data-testid="report-regions"')[1].split("</table>")[0]
    june = client.get("/klaim/laporan/?dari=2025-06-01&sampai=2025-06-30").content.decode()
    assert "Rp42.000.000" in june and "Rp157.500.000" not in june
    reversed_period = client.get("/klaim/laporan/?dari=2025-07-01&sampai=2025-06-01")
    assert reversed_period.status_code == 400
    empty = client.get("/klaim/laporan/?dari=2024-01-01&sampai=2024-12-31").content.decode()
    assert "Belum ada manfaat yang dibayar" in empty
    workbook = client.get("/klaim/laporan.xlsx?wilayah=15").content
    summary = _sheet(workbook, "Ringkasan")
    assert summary[3] == ["Manfaat dibayar (Rp)", 157_500_000.0]
    assert summary[6] == ["Median hari lapor sampai bayar", 10.0]
    per_region = _sheet(workbook, "Per wilayah")
    assert per_region[1][:3] == ["15.04", "Kabupaten Batanghari", 2.0]
    assert per_region[-1][0] == "Jumlah" and per_region[-1][3] == 157_500_000.0


def test_benefit_rules_page_and_platform_changes(world, demo):
    page = demo.client("jambi.viewer").get("/klaim/aturan/").content.decode()
    assert "Rp20.000.000" in page and "48 x penghasilan" in page and "PP 82/2019" in page
    assert "Tambah aturan" not in page
    admin = demo.client("admin")
    rule = BenefitRule.objects.get(kind="jkm", component="funeral")
    closed = admin.post(f"/klaim/aturan/{rule.pk}/akhiri/", {"effective_to": "2026-12-31"})
    assert closed.status_code == 302
    overlapping = admin.post(
        "/klaim/aturan/baru/",
        {
            "kind": "jkm",
            "component": "funeral",
            "calculation": "fixed",
            "amount_rupiah": "15000000",
            "effective_from": "2026-06-01",
        },
    )
    assert "Bertumpang tindih" in overlapping.content.decode()
    created = admin.post(
        "/klaim/aturan/baru/",
        {
            "kind": "jkm",
            "component": "funeral",
            "calculation": "fixed",
            "amount_rupiah": "15000000",
            "effective_from": "2027-01-01",
            "basis": "PP baru",
        },
    )
    assert created.status_code == 302
    from jaring.claims.selectors import benefit_quote

    assert benefit_quote(kind="jkm", income=1_000_000, event_date=date(2027, 1, 1)).total == 47_000_000
    assert benefit_quote(kind="jkm", income=1_000_000, event_date=date(2026, 12, 31)).total == 42_000_000


def test_the_claim_page_in_english_shows_the_quote_details_and_notes_in_english(world, demo):
    """A quote's line details and notes are frozen with the claim in Indonesian (what the
    API shows) and as catalogue messages with their figures: an officer reading English
    sees them in English, the figures written the English way; a live quote too."""
    low = w.program(demo.org("pemprov-jambi"), code="BKBK-RENDAH", income=400_000)
    poor = w.person(80)
    w.enrol(low, [poor])
    w.pay(low, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-RENDAH")
    death = _verified(poor, kind="jkk_death", on=date(2025, 6, 14))
    (line,) = [ln for ln in death.quote_lines if ln["component"] == "death_benefit"]
    assert line["detail"] == "48 x Rp400.000, paling sedikit Rp20.000.000"  # 19,200,000 is below
    jkm = _verified(world["people"][0], kind="jkm", on=date(2025, 6, 14), children=[w.child()])
    months = jkm.quote_membership_months
    assert jkm.quote_notes == [
        f"Beasiswa tidak diberikan melalui Kematian (JKM): masa iur {months} bulan, "
        "syaratnya paling sedikit 36 bulan."
    ]
    injury = services.claim_report(
        actor=None,
        participant=world["people"][1],
        kind="jkk_injury",
        event_date=date(2025, 6, 2),
        event_place="Kebun",
        description="Terluka",
    )

    client = demo.client("jambi.viewer")
    client.cookies["django_language"] = "en"
    page = client.get(f"/klaim/{death.pk}/").content.decode()
    assert "48 x Rp400,000, at least Rp20,000,000" in page
    assert "paling sedikit" not in page
    page = client.get(f"/klaim/{jkm.pk}/").content.decode()
    assert (
        f"No scholarship through Death (JKM): the contribution period is {months} months, "
        "at least 36 months are required." in page
    )
    assert "Rp20,000,000" in page and "Beasiswa tidak diberikan" not in page
    live = client.get(f"/klaim/{injury.pk}/").content.decode()
    assert "Care and treatment are paid by BPJS Ketenagakerjaan directly" in live
    # The API keeps the Indonesian text, whatever the reader's language.
    body = client.get(f"/api/v1/claims/{jkm.pk}").json()
    assert body["quote_notes"] == jkm.quote_notes
    assert (
        client.get(f"/api/v1/claims/{death.pk}").json()["quote_lines"][0]["detail"]
        == (death.quote_lines[0]["detail"])
    )
    # A claim verified before quotes kept their messages shows the text it was frozen with.
    Claim.objects.filter(pk=death.pk).update(
        quote_lines=[
            {k: v for k, v in ln.items() if k not in ("message", "params")} for ln in death.quote_lines
        ]
    )
    assert "48 x Rp400.000, paling sedikit Rp20.000.000" in client.get(f"/klaim/{death.pk}/").content.decode()
    client.cookies["django_language"] = "id"
    page = client.get(f"/klaim/{jkm.pk}/").content.decode()
    assert "Beasiswa tidak diberikan melalui Kematian (JKM)" in page and "Rp20.000.000" in page
