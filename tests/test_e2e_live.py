"""End to end over HTTP: officers walk the whole chain on a live Jaring on PostgreSQL.

A real ``jaring runserver`` and ``jaring db_worker`` run on a fresh database of their own
(``tests/live_stack.py``); no test transaction surrounds anything, so every write is
committed as in production. The officers are the demo users: the Jambi province operator
(the payer of the BKBK programme), the Batanghari regency operator, the operator of Desa
Sengkati Gedang and the operator of the BPJS branch office of Tanjung Jabung Barat. They
work through the API (with their API tokens) and through the pages (login form, real
forms with their CSRF token), in the order of a fiscal year:

register people -> a BKBK programme, its allocations and the money along the trail (with a
reversal) -> enrolment from a file -> the bill -> BPJS's payment confirmation file and
single payments -> protection on several dates -> a death with heirs and documents,
verified and paid -> the refund of months paid beyond the death -> the monev report ->
next year's programme and bill -> ``jaring check_integrity`` finds no difference.

Every money figure is asserted to the rupiah from DOMAIN.md's rules (``monthly_rupiah``).
The walk runs in a year that is over or nearly over (the current one from October, else
the last one), so every date it uses has passed.
"""

from __future__ import annotations

import io
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pytest
import requests
from django.db import connection
from django.utils import timezone
from python_calamine import CalamineWorkbook

from .live_stack import LiveStack, Officer, form_errors, live_stack

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the live walk runs on PostgreSQL, as in production"
    ),
]

TODAY = timezone.localdate()
YEAR = TODAY.year if TODAY.month >= 10 else TODAY.year - 1
NEXT_YEAR = YEAR + 1

PROVINCE = "pemprov-jambi"
VILLAGE_ORG = "desa-sengkati-gedang"
BATANGHARI, TANJAB_BARAT = "1504", "1506"
SENGKATI_GEDANG, SENGKATI_KECIL, BADANG = "1504012003", "1504012002", "1506012001"

BKBK = f"BKBK-E2E-{YEAR}"
BKBK_NEXT = f"BKBK-E2E-{NEXT_YEAR}"
APBDES = f"APBDES-SENGKATI-{YEAR}"
PDF = b"%PDF-1.4\n% e2e\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def on(month: int, day: int, year: int = YEAR) -> date:
    return date(year, month, day)


def month(number: int, year: int = YEAR) -> str:
    return f"{year}-{number:02d}"


# -- DOMAIN.md s.4, written out: the rupiah every figure below is computed from ---------------

FULL = 10_000 + 6_800  # JKK 1% of Rp1,000,000 + JKM Rp6,800
DISCOUNTED = FULL // 2  # PP 50/2025: 50% off JKK + JKM
NOT_APBD = {"APBDES", "CSR"}  # the discount excludes participants paid from APBN/APBD


def monthly_rupiah(first_day: date, *, source: str, occupation: str) -> int:
    """The JKK + JKM contribution of one person for one month (declared income Rp1,000,000)."""
    if source in NOT_APBD:
        if occupation == "ojek_pengemudi" and date(2026, 1, 1) <= first_day <= date(2027, 3, 1):
            return DISCOUNTED
        if occupation != "ojek_pengemudi" and date(2026, 4, 1) <= first_day <= date(2026, 12, 1):
            return DISCOUNTED
    return FULL


def year_rupiah(year: int, *, source: str, occupation: str, months: range = range(1, 13)) -> int:
    return sum(monthly_rupiah(date(year, m, 1), source=source, occupation=occupation) for m in months)


JKM_BENEFIT = 20_000_000 + 12_000_000 + 10_000_000  # lump sum + periodic + funeral (DOMAIN.md s.5)


# -- the people -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    nik: str
    name: str
    born: str  # dd/mm/yyyy, as the import file writes it
    sex: str
    village: str
    occupation: str
    category: str


SG, SK, BD = SENGKATI_GEDANG, SENGKATI_KECIL, BADANG
MISKIN, RENTAN = "miskin_ekstrem", "pekerja_rentan"  # extreme poor, vulnerable worker
# fmt: off
#                NIK                 name               born          sex  village  occupation        category
AHMAD   = Person("1504011405800001", "Ahmad Fauzi",     "14/05/1980", "L", SG, "petani",         MISKIN)
SITI    = Person("1504014209880002", "Siti Rahmawati",  "02/09/1988", "P", SG, "pedagang",       RENTAN)
JOKO    = Person("1504012301750003", "Joko Susilo",     "23/01/1975", "L", SK, "nelayan",        RENTAN)
BAMBANG = Person("1506010707700004", "Bambang Hartono", "07/07/1970", "L", BD, "petani",         MISKIN)
DEWI    = Person("1506017011920005", "Dewi Lestari",    "30/11/1992", "P", BD, "buruh_harian",   RENTAN)
RUDI    = Person("1504011502900006", "Rudi Hermawan",   "15/02/1990", "L", SG, "ojek_pengemudi", RENTAN)
WATI    = Person("1504015006850007", "Wati Kusuma",     "10/06/1985", "P", SG, "petani",         RENTAN)
# fmt: on
UNREGISTERED_NIK = "1504011111910008"  # a well-formed NIK nobody registered

BKBK_PEOPLE = [AHMAD, SITI, JOKO, BAMBANG, DEWI]
APBDES_PEOPLE = [RUDI, WATI]

# The money plan of the BKBK programme: every village's share is whole person-years.
PERSON_YEAR = 12 * FULL  # Rp201,600
CEILING = 25 * PERSON_YEAR  # Rp5,040,000
ALLOCATIONS = {
    BATANGHARI: 15 * PERSON_YEAR,
    TANJAB_BARAT: 10 * PERSON_YEAR,
    SENGKATI_GEDANG: 10 * PERSON_YEAR,
    SENGKATI_KECIL: 5 * PERSON_YEAR,
    BADANG: 5 * PERSON_YEAR,
}


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode() + b"\n"


@dataclass
class Walk:
    """What the officers share while they work: the stack, themselves, and the ids the
    system gave their records."""

    stack: LiveStack
    province: Officer  # jambi.operator, Pemerintah Provinsi Jambi: the payer
    regency: Officer  # batanghari.operator, Pemerintah Kabupaten Batanghari
    village: Officer  # desa.operator, Pemerintah Desa Sengkati Gedang
    bpjs: Officer  # bpjs.tanjabbar, BPJS Ketenagakerjaan KC Tanjung Jabung Barat (15.06, 15.07)
    ids: dict[str, int] = field(default_factory=dict)
    bill_numbers: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> Walk:
    with live_stack(tmp_path_factory.mktemp("jaring-e2e")) as stack:
        yield Walk(
            stack=stack,
            province=Officer(stack, "jambi.operator"),
            regency=Officer(stack, "batanghari.operator"),
            village=Officer(stack, "desa.operator"),
            bpjs=Officer(stack, "bpjs.tanjabbar"),
        )


# -- the steps ------------------------------------------------------------------------------


def officers_log_in_and_get_their_tokens(w: Walk) -> None:
    """Each officer logs in through the login form. Three create their API token on the
    account page; the BPJS office's token is made with `jaring create_api_token`."""
    for officer in (w.province, w.regency, w.village, w.bpjs):
        officer.log_in()
    for officer in (w.province, w.regency, w.village):
        officer.create_token_on_account_page()
    w.bpjs.token = w.stack.jaring_ok("create_api_token", "bpjs.tanjabbar", "--name", "e2e").strip()
    for officer in (w.province, w.regency, w.village, w.bpjs):
        assert officer.get("/me")["username"] == officer.username


def _participant_payload(person: Person) -> dict:
    return {
        "nik": person.nik,
        "full_name": person.name,
        "birth_date": person.born,
        "sex": person.sex,
        "village_code": person.village,
        "occupation": person.occupation,
        "category": person.category,
    }


def province_registers_people_through_the_api(w: Walk) -> None:
    """The province registers Joko (Sengkati Kecil), Bambang and Dewi (Badang, Tanjung
    Jabung Barat); a NIK whose birth date does not exist is refused."""
    for person in (JOKO, BAMBANG, DEWI):
        made = w.province.post("/participants", _participant_payload(person))
        assert (made["full_name"], made["village_code"], made["status"]) == (
            person.name,
            person.village,
            "registered",
        )
        assert made["nik"] != person.nik and made["nik"][:4] == person.nik[:4]  # masked for the province
        w.ids[person.nik] = made["id"]
    wrong = w.province.post(
        "/participants", {**_participant_payload(JOKO), "nik": "1504013302750009"}, status=400
    )
    assert wrong["code"] == "participant_invalid"


def village_imports_its_people_on_the_import_page(w: Walk) -> None:
    """Desa Sengkati Gedang uploads a CSV on Peserta > Impor: the worker checks it in the
    background, the preview shows 4 new and 1 rejected row, the operator saves it."""
    header = ["NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "KODE_DESA", "PEKERJAAN", "KATEGORI"]
    rows = [
        [p.nik, p.name, p.born, p.sex, p.village, p.occupation, p.category] for p in (AHMAD, SITI, RUDI, WATI)
    ]
    rows.append(
        ["1504019999990001", "Tanggal Salah", "01/01/1990", "L", SENGKATI_GEDANG, "petani", "lainnya"]
    )
    upload = w.village.submit(
        "/peserta/impor/",
        {},
        files={"berkas": ("peserta-sengkati.csv", csv_bytes([header, *rows]), "text/csv")},
    )
    run_id = int(upload.url.rstrip("/").rsplit("/", 1)[1])
    checked = _wait_for_import(w.village, run_id, "validated")
    assert (checked["created"], checked["updated"], checked["rejected"]) == (4, 0, 1)
    w.village.submit(f"/peserta/impor/{run_id}/", {}, action=f"/peserta/impor/{run_id}/simpan/")
    saved = _wait_for_import(w.village, run_id, "committed")
    assert (saved["created"], saved["rejected"]) == (4, 1)
    found = w.village.get("/participants", region=SENGKATI_GEDANG)["items"]
    by_nik = {p["nik"]: p for p in found}  # full NIKs for the village's own operator
    for person in (AHMAD, SITI, RUDI, WATI):
        assert by_nik[person.nik]["full_name"] == person.name
        w.ids[person.nik] = by_nik[person.nik]["id"]


def _wait_for_import(officer: Officer, run_id: int, status: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = officer.get(f"/imports/{run_id}")
        if run["status"] == status:
            return run
        assert run["status"] != "failed", run
        assert time.monotonic() < deadline, f"import {run_id} still {run['status']} (is db_worker running?)"
        time.sleep(0.3)


def province_creates_the_bkbk_programme(w: Walk) -> None:
    """The province sets up BKBK for Batanghari and Tanjung Jabung Barat: a year from 1
    January, Rp5,040,000, 50 extreme poor + 25 vulnerable workers per village."""
    made = w.province.post(
        "/programs",
        {
            "code": BKBK,
            "name": f"BKBK Jambi {YEAR} (uji ujung ke ujung)",
            "source": "BKBK",
            "payer": PROVINCE,
            "fiscal_year": YEAR,
            "starts_on": on(1, 1).isoformat(),
            "coverage_months": 12,
            "budget_ceiling": CEILING,
            "target_regions": ["15.04", "15.06"],
            "quotas": {"miskin_ekstrem": 50, "pekerja_rentan": 25},
        },
    )
    assert (made["starts_on"], made["ends_on"], made["budget_ceiling"]) == (
        on(1, 1).isoformat(),
        on(12, 31).isoformat(),
        5_040_000,
    )
    assert made["quotas"] == {"miskin_ekstrem": 50, "pekerja_rentan": 25}
    w.ids["bkbk"] = made["id"]


def province_allocates_to_regencies_and_villages(w: Walk) -> None:
    """Allocations: Batanghari Rp3,024,000 (Sengkati Gedang Rp2,016,000, Sengkati Kecil
    Rp1,008,000), Tanjung Jabung Barat Rp2,016,000 (Badang Rp1,008,000). A village
    beyond its regency's allocation is refused."""
    for region, amount in ALLOCATIONS.items():
        made = w.province.post(
            "/allocations", {"program_id": w.ids["bkbk"], "region_code": region, "amount": amount}
        )
        assert (made["region_code"], made["amount"]) == (region, amount)
    over = w.province.post(
        "/allocations",
        {"program_id": w.ids["bkbk"], "region_code": "1504012004", "amount": PERSON_YEAR},
        status=400,
    )
    assert over["code"] == "allocation_over_parent"
    listed = {a["region_code"]: a["amount"] for a in w.province.get("/allocations", program_id=w.ids["bkbk"])}
    assert listed == {
        "1504": 3_024_000,
        "1506": 2_016_000,
        "1504012003": 2_016_000,
        "1504012002": 1_008_000,
        "1506012001": 1_008_000,
    }


def _transfer(
    officer: Officer, w: Walk, kind: str, region: str, day: date, amount: int, reference: str, stage=1
):
    made = officer.post(
        "/transfers",
        {
            "program_id": w.ids["bkbk"],
            "kind": kind,
            "region_code": region,
            "transferred_on": day.isoformat(),
            "amount": amount,
            "reference": reference,
            "stage": stage,
        },
    )
    assert (made["kind"], made["region_code"], made["amount"], made["reference"]) == (
        kind,
        region,
        amount,
        reference,
    )
    return made


def _transfer_on_the_form(
    officer: Officer, w: Walk, kind: str, region: str, day: date, amount: int, reference: str, stage=1
):
    page = officer.submit(
        "/dana/transfer/baru/",
        {
            "program": str(w.ids["bkbk"]),
            "kind": kind,
            "region": region,
            "stage": str(stage),
            "transferred_on": day.isoformat(),
            "amount": str(amount),
            "reference": reference,
        },
        files={"evidence": ("sp2d.pdf", PDF, "application/pdf")},
    )
    assert reference in page.text  # the transfer book lists it


def money_moves_from_province_to_regencies_to_villages(w: Walk) -> None:
    """Province -> regency in two stages for Batanghari (the second on the form) and one
    for Tanjung Jabung Barat; regency -> village accounts (Sengkati Kecil on the form).
    A stage beyond the allocation is refused."""
    _transfer(w.province, w, "to_regency", BATANGHARI, on(1, 6), 2_016_000, "SP2D/BKBK/0001")
    _transfer_on_the_form(
        w.province, w, "to_regency", BATANGHARI, on(3, 2), 1_008_000, "SP2D/BKBK/0002", stage=2
    )
    _transfer(w.province, w, "to_regency", TANJAB_BARAT, on(1, 6), 2_016_000, "SP2D/BKBK/0003")
    refused = w.province.post(
        "/transfers",
        {
            "program_id": w.ids["bkbk"],
            "kind": "to_regency",
            "region_code": TANJAB_BARAT,
            "transferred_on": on(3, 2).isoformat(),
            "amount": PERSON_YEAR,
            "reference": "SP2D/BKBK/0004",
            "stage": 2,
        },
        status=400,
    )
    assert refused["code"] == "transfer_over_allocation"
    _transfer(w.regency, w, "to_village", SENGKATI_GEDANG, on(1, 13), 2_016_000, "BH/BKBK/0001")
    _transfer_on_the_form(w.regency, w, "to_village", SENGKATI_KECIL, on(3, 9), 1_008_000, "BH/BKBK/0002")
    _transfer(w.province, w, "to_village", BADANG, on(1, 13), 1_008_000, "TJB/BKBK/0001")


def villages_pay_bpjs_and_one_typo_is_reversed(w: Walk) -> None:
    """Sengkati Gedang records its payment to BPJS on the form with a wrong amount
    (Rp604,800), reverses it on the correction page and records the right one
    (Rp403,200: Ahmad and Siti for a year). Sengkati Kecil pays Rp201,600 (Joko) and
    Badang Rp403,200 (Bambang and Dewi)."""
    _transfer_on_the_form(w.village, w, "to_bpjs", SENGKATI_GEDANG, on(1, 20), 604_800, "SG/BPJS/0001")
    book = w.village.get("/transfers", program_id=w.ids["bkbk"], kind="to_bpjs")["items"]
    typo = next(t for t in book if t["reference"] == "SG/BPJS/0001")
    w.village.submit(
        f"/dana/transfer/{typo['id']}/koreksi/",
        {"reason": "Salah ketik jumlah (seharusnya Rp403.200)", "on": on(1, 21).isoformat()},
    )
    book = w.village.get("/transfers", program_id=w.ids["bkbk"], kind="to_bpjs")["items"]
    reversal = next(t for t in book if t["reverses"] == "SG/BPJS/0001")
    assert (reversal["amount"], reversal["reference"]) == (-604_800, "SG/BPJS/0001/KOREKSI")
    again = w.village.post(f"/transfers/{typo['id']}/reverse", {"reason": "dua kali"}, status=409)
    assert again["code"] == "already_reversed"
    _transfer(w.village, w, "to_bpjs", SENGKATI_GEDANG, on(1, 21), 2 * PERSON_YEAR, "SG/BPJS/0002")
    _transfer(w.regency, w, "to_bpjs", SENGKATI_KECIL, on(3, 16), PERSON_YEAR, "SK/BPJS/0001")
    _transfer(w.province, w, "to_bpjs", BADANG, on(1, 20), 2 * PERSON_YEAR, "BD/BPJS/0001")


def the_funnel_adds_up_to_the_rupiah(w: Walk) -> None:
    """The funnel: Rp5,040,000 budget, all of it at the regencies, Rp4,032,000 (80%) in
    village accounts, Rp1,008,000 (20%) paid to BPJS; per regency and per officer."""
    funnel = w.province.get("/funnel", year=YEAR)
    row = next(p for p in funnel["programs"] if p["code"] == BKBK)
    assert {k: row[k] for k in ("budget", "allocated", "to_regency", "to_village", "to_bpjs")} == {
        "budget": 5_040_000,
        "allocated": 5_040_000,
        "to_regency": 5_040_000,
        "to_village": 4_032_000,
        "to_bpjs": 1_008_000,
    }
    regencies = {r["code"]: r for r in funnel["regencies"]}
    assert {k: regencies["1504"][k] for k in ("allocated", "to_regency", "to_village", "to_bpjs")} == {
        "allocated": 3_024_000,
        "to_regency": 3_024_000,
        "to_village": 3_024_000,
        "to_bpjs": 604_800,
    }
    assert {k: regencies["1506"][k] for k in ("allocated", "to_regency", "to_village", "to_bpjs")} == {
        "allocated": 2_016_000,
        "to_regency": 2_016_000,
        "to_village": 1_008_000,
        "to_bpjs": 403_200,
    }
    program = w.province.get(f"/programs/{w.ids['bkbk']}/funnel")
    assert program["percent"] == {
        "budget": 100.0,
        "allocated": 100.0,
        "to_regency": 100.0,
        "to_village": 80.0,
        "to_bpjs": 20.0,
    }
    # Batanghari sees its own share of the province programme, not its neighbour's.
    own = w.regency.get(f"/programs/{w.ids['bkbk']}/funnel")
    assert (own["budget"], own["to_regency"], own["to_village"], own["to_bpjs"]) == (
        3_024_000,
        3_024_000,
        3_024_000,
        604_800,
    )
    village = w.village.get(f"/programs/{w.ids['bkbk']}/funnel")
    assert (village["to_village"], village["to_bpjs"]) == (2_016_000, 403_200)
    assert "5.040.000" in w.province.page("/dana/", tahun=str(YEAR)).text


def province_enrols_people_from_a_file(w: Walk) -> None:
    """Program > Impor kepesertaan: five people from 1 January, one unknown NIK refused
    on its row; uploading the same file again enrols nobody twice."""
    rows = [["NIK", "KODE_PROGRAM", "TANGGAL_MULAI"]]
    rows += [[p.nik, BKBK, f"01/01/{YEAR}"] for p in BKBK_PEOPLE]
    rows.append([UNREGISTERED_NIK, BKBK, f"01/01/{YEAR}"])
    content = csv_bytes(rows)
    for created, unchanged in ((5, 0), (0, 5)):
        page = w.province.submit(
            "/program/impor-kepesertaan/",
            {},
            files={"file": ("kepesertaan-bkbk.csv", content, "text/csv")},
            expect_redirect=False,
        )
        assert not form_errors(page.text), form_errors(page.text)
        assert _enrolment_counts(page.text) == (created, unchanged, 1)
        assert "belum terdaftar sebagai peserta" in page.text
    program = w.province.get(f"/programs/{w.ids['bkbk']}")
    assert (program["enrolled_active"], program["committed_rupiah"]) == (5, 5 * PERSON_YEAR)


def _enrolment_counts(page: str) -> tuple[int, int, int]:
    found = re.search(
        r"<strong>(\d+)</strong>\s*didaftarkan\s*·\s*<strong>(\d+)</strong>\s*sudah terdaftar\s*·\s*"
        r"<strong>(\d+)</strong>\s*ditolak",
        page,
    )
    assert found, "no enrolment result on the page"
    return tuple(int(n) for n in found.groups())


def village_funds_two_people_from_its_own_budget(w: Walk) -> None:
    """Desa Sengkati Gedang's APBDES programme for Rudi (ojek) and Wati (farmer): APBDES is
    not APBD, so PP 50/2025 halves their contribution (ojek all year, others April to
    December)."""
    made = w.village.post(
        "/programs",
        {
            "code": APBDES,
            "name": f"APBDES Sengkati Gedang {YEAR}",
            "source": "APBDES",
            "payer": VILLAGE_ORG,
            "fiscal_year": YEAR,
            "starts_on": on(1, 1).isoformat(),
            "coverage_months": 12,
            "budget_ceiling": 500_000,
            "target_regions": [SENGKATI_GEDANG],
        },
    )
    w.ids["apbdes"] = made["id"]
    for person in APBDES_PEOPLE:
        enrolled = w.village.post(
            f"/programs/{made['id']}/enrolments", {"nik": person.nik, "starts_on": on(1, 1).isoformat()}
        )
        assert (enrolled["participant_id"], enrolled["status"]) == (w.ids[person.nik], "active")
    # Ahmad is funded by BKBK for the same year: no double funding.
    twice = w.village.post(f"/programs/{made['id']}/enrolments", {"nik": AHMAD.nik}, status=400)
    assert twice["code"] == "double_funding"
    program = w.village.get(f"/programs/{made['id']}")
    january = sum(
        12 * monthly_rupiah(on(1, 1), source="APBDES", occupation=p.occupation) for p in APBDES_PEOPLE
    )
    assert program["committed_rupiah"] == january  # a year at January's rates, per person
    if YEAR == 2026:
        assert january == 12 * 8_400 + 12 * 16_800


def payers_issue_the_bills(w: Walk) -> None:
    """The province bills BKBK for 12 months from January: 5 people, Rp1,008,000 (BKBK is
    APBD money: no discount). The village bills its APBDES programme: Rudi 12 x Rp8,400,
    Wati 3 x Rp16,800 + 9 x Rp8,400 (two lines: the rate changes in April)."""
    bill = w.province.post("/bills", {"program": BKBK, "first_month": month(1), "months": 12})
    expected = sum(year_rupiah(YEAR, source="BKBK", occupation=p.occupation) for p in BKBK_PEOPLE)
    assert expected == 1_008_000
    assert (bill["number"], bill["people"], bill["person_months"]) == (f"TAG/{BKBK}/{month(1)}/12M", 5, 60)
    assert (bill["total_rupiah"], bill["paid_rupiah"], bill["outstanding_rupiah"], bill["payment_state"]) == (
        expected,
        0,
        expected,
        "unpaid",
    )
    w.ids["bill"], w.bill_numbers["bkbk"] = bill["id"], bill["number"]
    again = w.province.post("/bills", {"program": BKBK, "first_month": month(6), "months": 1}, status=409)
    assert again["code"] == "bill_period_taken"

    village_bill = w.village.post("/bills", {"program": APBDES, "first_month": month(1), "months": 12})
    rudi = year_rupiah(YEAR, source="APBDES", occupation=RUDI.occupation)
    wati = year_rupiah(YEAR, source="APBDES", occupation=WATI.occupation)
    assert (village_bill["people"], village_bill["person_months"], village_bill["total_rupiah"]) == (
        2,
        24,
        rudi + wati,
    )
    w.ids["village_bill"], w.bill_numbers["apbdes"] = village_bill["id"], village_bill["number"]
    # Each person's months at each monthly rate, and the amount of every line.
    billed: dict[tuple[int, str, int], int] = {}
    for line in w.village.get(f"/bills/{village_bill['id']}/lines")["items"]:
        assert line["amount"] == len(line["months"]) * line["monthly_rupiah"]
        for billed_month in line["months"]:
            key = (line["participant_id"], billed_month, line["monthly_rupiah"])
            billed[key] = billed.get(key, 0) + 1
    assert billed == {
        (w.ids[p.nik], month(m), monthly_rupiah(on(m, 1), source="APBDES", occupation=p.occupation)): 1
        for p in APBDES_PEOPLE
        for m in range(1, 13)
    }
    if YEAR == 2026:  # the PP 50/2025 figures themselves, as DOMAIN.md states them
        assert (rudi, wati) == (12 * 8_400, 3 * 16_800 + 9 * 8_400) == (100_800, 126_000)


def bpjs_confirmation_file_is_imported(w: Walk) -> None:
    """The province imports BPJS's payment confirmation (one row per person): a dry run
    saves nothing, the import pays Ahmad, Siti, Bambang (paid 20 January) and Joko (16
    March) for the year, importing it again records nothing twice, and a file paying
    months already paid is refused whole with the row and column to fix."""
    header = ["REFERENSI", "TANGGAL_BAYAR", "JUMLAH", "NIK", "BULAN_DARI", "BULAN_SAMPAI"]
    paid = [(AHMAD, on(1, 20)), (SITI, on(1, 20)), (JOKO, on(3, 16)), (BAMBANG, on(1, 20))]
    rows = [
        [f"BPJS/KONF/{n:04d}", day.strftime("%d/%m/%Y"), str(PERSON_YEAR), p.nik, month(1), month(12)]
        for n, (p, day) in enumerate(paid, start=1)
    ]
    content = csv_bytes([header, *rows])

    def send(data: bytes, dry_run: bool, status: int = 200) -> dict:
        return w.province.api(
            "POST",
            "/payments/import",
            status=status,
            files={"file": ("konfirmasi-bpjs.csv", data, "text/csv")},
            data={"dry_run": "true" if dry_run else "false"},
        )

    trial = send(content, dry_run=True)
    assert (trial["layout"], trial["rows"], trial["saved"], trial["errors"]) == ("person", 4, False, [])
    assert w.province.get(f"/bills/{w.ids['bill']}")["paid_rupiah"] == 0
    done = send(content, dry_run=False)
    assert (done["rows"], done["created"], done["unchanged"], done["saved"]) == (4, 4, 0, True)
    assert done["bills"] == [
        {
            "number": w.bill_numbers["bkbk"],
            "received": 4 * PERSON_YEAR,
            "allocated": 4 * PERSON_YEAR,
            "over": 0,
            "outstanding": PERSON_YEAR,
        }
    ]
    repeat = send(content, dry_run=False)
    assert (repeat["created"], repeat["unchanged"]) == (0, 4)
    twice = csv_bytes([header, ["BPJS/KONF/0099", f"01/02/{YEAR}", str(FULL), AHMAD.nik, month(2), month(2)]])
    refused = send(twice, dry_run=False, status=422)
    assert refused["saved"] is False
    assert [(e["row"], e["column"], e["code"]) for e in refused["errors"]] == [
        (2, "BULAN_DARI", "months_already_paid")
    ]


def bpjs_and_the_village_record_single_payments(w: Walk) -> None:
    """The BPJS office records Dewi's January-March (Rp50,400, paid 20 January); the
    village pays its whole APBDES bill with Rp3,200 too much, kept as credit."""
    posted = w.bpjs.post(
        "/payments",
        {
            "reference": "BPJS/TJB/0001",
            "paid_on": on(1, 20).isoformat(),
            "amount": 3 * FULL,
            "nik": DEWI.nik,
            "first_month": month(1),
            "last_month": month(3),
        },
    )
    assert (posted["payment"]["allocated_rupiah"], posted["payment"]["unallocated_rupiah"]) == (50_400, 0)
    assert posted["bill"] == {
        "number": w.bill_numbers["bkbk"],
        "received": 50_400,
        "allocated": 50_400,
        "over": 0,
        "outstanding": 9 * FULL,
    }
    bill = w.province.get(f"/bills/{w.ids['bill']}")
    assert (
        bill["paid_rupiah"],
        bill["outstanding_rupiah"],
        bill["credit_rupiah"],
        bill["payment_state"],
    ) == (
        4 * PERSON_YEAR + 3 * FULL,
        9 * FULL,
        0,
        "partial",
    )
    assert (bill["paid_rupiah"], bill["outstanding_rupiah"]) == (856_800, 151_200)

    total = w.village.get(f"/bills/{w.ids['village_bill']}")["total_rupiah"]
    village = w.village.post(
        "/payments",
        {
            "reference": "SG/APBDES/0001",
            "paid_on": on(1, 25).isoformat(),
            "amount": total + 3_200,
            "bill": w.bill_numbers["apbdes"],
        },
    )
    assert village["bill"] == {
        "number": w.bill_numbers["apbdes"],
        "received": total + 3_200,
        "allocated": total,
        "over": 3_200,
        "outstanding": 0,
    }
    bill = w.village.get(f"/bills/{w.ids['village_bill']}")
    assert (bill["paid_rupiah"], bill["credit_rupiah"], bill["payment_state"]) == (total, 3_200, "paid")


def protection_is_read_on_several_dates(w: Walk) -> None:
    """Before the payment nobody is covered; within the paid months people are active;
    Dewi, paid to March, is in arrears in May and lapsed in August (more than 3 unpaid
    months); Joko's months count only from the day BPJS received them."""

    def status(person: Person, day: date) -> tuple:
        found = w.province.get("/protection", nik=person.nik, date=day.isoformat())
        return (
            found["status"],
            found["paid_through"],
            found["covered_until"],
            found["membership_months"],
            found["unpaid_months"],
        )

    end = on(12, 31).isoformat()
    assert status(AHMAD, on(1, 10)) == ("not_covered", None, None, 0, 0)
    assert status(AHMAD, on(1, 20)) == ("active", on(1, 31).isoformat(), end, 1, 0)
    assert status(AHMAD, on(6, 30)) == ("active", on(6, 30).isoformat(), end, 6, 0)
    assert status(JOKO, on(2, 10)) == ("not_covered", None, None, 0, 0)
    assert status(JOKO, on(3, 20)) == ("active", on(3, 31).isoformat(), end, 3, 0)
    march = on(3, 31).isoformat()
    assert status(DEWI, on(2, 15)) == ("active", on(2, 28 if YEAR % 4 else 29).isoformat(), march, 2, 0)
    assert status(DEWI, on(5, 15)) == ("arrears", march, None, 3, 2)
    assert status(DEWI, on(6, 15)) == ("arrears", march, None, 3, 3)
    assert status(DEWI, on(8, 1)) == ("lapsed", march, None, 3, 5)
    assert status(BAMBANG, on(8, 15)) == ("active", on(8, 31).isoformat(), end, 8, 0)
    counts = w.province.get("/protection/counts", date=on(5, 15).isoformat())
    # Ahmad, Siti, Joko, Bambang, Rudi, Wati paid for May; Dewi in arrears.
    assert (counts["active"], counts["arrears"], counts["lapsed"], counts["not_covered"]) == (6, 1, 0, 0)


def a_death_is_reported_with_heirs_and_documents(w: Walk) -> None:
    """Bambang dies on 15 August. The province reports the JKM claim with his widow as
    heir, adds his son, uploads four documents through the API and the bank book on the
    claim page, and declares the documents complete."""
    claim = w.province.post(
        "/claims",
        {
            "nik": BAMBANG.nik,
            "kind": "jkm",
            "event_date": on(8, 15).isoformat(),
            "event_place": "Desa Badang, Tungkal Ulu",
            "description": "Meninggal dunia karena sakit di rumah.",
            "reported_on": on(8, 20).isoformat(),
            "heirs": [
                {
                    "full_name": "Sri Wahyuni",
                    "relation": "spouse",
                    "nik": "1506015504720006",
                    "bank_name": "Bank Jambi",
                    "account_number": "1234567890",
                    "account_holder": "Sri Wahyuni",
                }
            ],
        },
    )
    assert (claim["status"], claim["kind"], claim["quote_total"]) == ("reported", "jkm", None)
    w.ids["claim"] = claim["id"]
    with_son = w.province.post(
        f"/claims/{claim['id']}/heirs",
        {
            "full_name": "Andi Hartono",
            "relation": "child",
            "nik": "1506010303000010",
            "bank_name": "BRI",
            "account_number": "987654321012",
            "account_holder": "Andi Hartono",
        },
    )
    assert [h["full_name"] for h in with_son["heirs"]] == ["Sri Wahyuni", "Andi Hartono"]
    w.ids["widow"] = with_son["heirs"][0]["id"]
    for kind in ("death_certificate", "family_card", "heir_statement", "id_card"):
        w.province.api(
            "POST",
            f"/claims/{claim['id']}/documents",
            status=201,
            data={"kind": kind},
            files={"file": (f"{kind}.pdf", PDF, "application/pdf")},
        )
    assert w.province.get(f"/claims/{claim['id']}")["missing_documents"] != []
    w.province.submit(
        f"/klaim/{claim['id']}/",
        {"document_kind": "bank_book"},
        files={"document": ("buku-tabungan.pdf", PDF, "application/pdf")},
        action=f"/klaim/{claim['id']}/dokumen/",
    )
    detail = w.province.get(f"/claims/{claim['id']}")
    assert detail["missing_documents"] == []
    assert sorted(d["kind"] for d in detail["documents"]) == [
        "bank_book",
        "death_certificate",
        "family_card",
        "heir_statement",
        "id_card",
    ]
    complete = w.province.post(
        f"/claims/{claim['id']}/transitions",
        {"to": "documents_complete", "on": on(8, 25).isoformat()},
        status=200,
    )
    assert complete["status"] == "documents_complete"


def bpjs_verifies_and_pays_the_death_benefit(w: Walk) -> None:
    """The BPJS office verifies: Bambang was protected on 15 August, JKM is Rp42,000,000
    (Rp20m + Rp12m + Rp10m), frozen on the claim; the death is recorded and the months
    paid beyond August (September-December, Rp67,200) are owed back to the province.
    Payment on the claim's page to the widow, to the rupiah."""
    verified = w.bpjs.post(
        f"/claims/{w.ids['claim']}/transitions", {"to": "verified", "on": on(9, 1).isoformat()}, status=200
    )
    assert (verified["status"], verified["protection_status"], verified["quote_total"]) == (
        "verified",
        "active",
        JKM_BENEFIT,
    )
    assert sorted(verified["quote"].values()) == [10_000_000, 12_000_000, 20_000_000]
    assert verified["refund"] == {
        "died_on": on(8, 15).isoformat(),
        "months": 4,
        "rupiah": 4 * FULL,
        "payer": PROVINCE,
        "status": "due",
    }
    wrong = w.bpjs.post(
        f"/claims/{w.ids['claim']}/transitions",
        {
            "to": "paid",
            "paid_on": on(9, 10).isoformat(),
            "amount": JKM_BENEFIT - 1,
            "recipient_heir_id": w.ids["widow"],
        },
        status=400,
    )
    assert wrong["code"] == "amount_mismatch"
    w.bpjs.submit(
        f"/klaim/{w.ids['claim']}/bayar/",
        {
            "paid_on": on(9, 10).isoformat(),
            "amount": str(JKM_BENEFIT),
            "recipient_heir": str(w.ids["widow"]),
            "reference": "BPJS/JKM/0001",
        },
    )
    paid = w.province.get(f"/claims/{w.ids['claim']}")
    assert (paid["status"], paid["paid_on"], paid["paid_rupiah"], paid["recipient_name"]) == (
        "paid",
        on(9, 10).isoformat(),
        42_000_000,
        "Sri Wahyuni",
    )
    assert paid["days_to_payment"] == (on(9, 10) - on(8, 20)).days == 21
    assert [t["to_status"] for t in paid["timeline"]][-3:] == ["documents_complete", "verified", "paid"]
    report = w.province.get(
        "/benefits-report", date_from=on(1, 1).isoformat(), date_to=on(12, 31).isoformat()
    )
    assert (report["totals"]["claims"], report["totals"]["rupiah"]) == (1, 42_000_000)


def the_refund_and_the_death_reach_billing_and_the_programme(w: Walk) -> None:
    """Refunds list Rp67,200 for September-December to the province, which records it
    paid back; Bambang is deceased from 15 August, his enrolment ended, the programme's
    committed budget released; the frozen bill is unchanged."""
    refunds = [r for r in w.province.get("/refunds") if r["participant_id"] == w.ids[BAMBANG.nik]]
    assert len(refunds) == 1
    refund = refunds[0]
    assert (refund["months"], refund["rupiah"], refund["payer"], refund["status"]) == (
        4,
        67_200,
        PROVINCE,
        "due",
    )
    assert refund["details"] == [
        {
            "bill": w.bill_numbers["bkbk"],
            "program": BKBK,
            "payer": PROVINCE,
            "months": [month(m) for m in (9, 10, 11, 12)],
            "rupiah": 67_200,
        }
    ]
    settled = w.province.api(
        "POST",
        f"/refunds/{refund['id']}/settle",
        json={"settled_on": on(10, 1).isoformat(), "reference": "STS/BPJS/0001"},
    )
    assert (settled["status"], settled["settled_on"]) == ("settled", on(10, 1).isoformat())
    found = w.province.get("/protection", nik=BAMBANG.nik, date=on(8, 20).isoformat())
    assert (found["status"], found["paid_through"]) == ("deceased", on(8, 31).isoformat())
    program = w.province.get(f"/programs/{w.ids['bkbk']}")
    assert (program["enrolled_active"], program["committed_rupiah"]) == (4, 4 * PERSON_YEAR)
    bill = w.province.get(f"/bills/{w.ids['bill']}")
    assert (bill["total_rupiah"], bill["paid_rupiah"]) == (1_008_000, 856_800)


def _sheet(book, name: str) -> list[list]:
    return book.get_sheet_by_name(name).to_python()


def province_downloads_the_monev_report(w: Walk) -> None:
    """After the hourly summary rebuild, the province downloads the monev report of Jambi
    for December (or this month) from Monev > Laporan: the PDF and the XLSX, whose money,
    protection and benefit figures are the walk's."""
    w.stack.jaring_ok("refresh_summaries")
    period = month(12) if on(12, 31) < TODAY else TODAY.strftime("%Y-%m")
    form = w.province.page("/monev/laporan/")
    assert 'name="period"' in form.text
    pdf = w.province.page("/monev/laporan/", region="15", period=period, fmt="pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    xlsx = w.province.page("/monev/laporan/", region="15", period=period, fmt="xlsx")
    assert f'filename="monev-15-{period}.xlsx"' in xlsx.headers["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))

    figures = {row[0]: row[1] for row in _sheet(book, "Ringkasan")[4:] if row and row[0]}
    money_rows = [row for row in _sheet(book, "Alur dana per program")[3:] if row and row[0]]
    assert [row[0] for row in money_rows] == [APBDES, BKBK]  # each programme once
    assert figures["Program berjalan"] == 2
    money = {row[0]: row[1:8] for row in money_rows}
    assert figures["Peserta aktif program"] == 6  # 4 left in BKBK after the death + 2 APBDES
    assert figures["Pagu/alokasi program"] == 5_040_000 + 500_000
    assert figures[f"Manfaat dibayar {YEAR}"] == 42_000_000
    assert figures["Dilindungi program (iuran terbayar)"] == 5  # all but Dewi (lapsed) and Bambang
    assert money[BKBK] == ["BKBK", 5_040_000, 5_040_000, 4_032_000, 1_008_000, 0.8, 0.2]
    assert money[APBDES][:5] == ["APBDES", 500_000, 0, 0, 0]
    regencies = {row[0]: row[1:5] for row in _sheet(book, "Alur dana per kab-kota")[3:] if row and row[0]}
    assert regencies["Kabupaten Batanghari"] == [3_024_000, 3_024_000, 3_024_000, 604_800]
    assert regencies["Kabupaten Tanjung Jabung Barat"] == [2_016_000, 2_016_000, 1_008_000, 403_200]

    protection = {row[0]: row[1:7] for row in _sheet(book, "Perlindungan")[3:] if row and row[0]}
    # active, arrears, lapsed, deceased, not covered, active enrolments
    assert protection["Kabupaten Batanghari"] == [5, 0, 0, 0, 0, 5]
    assert protection["Kabupaten Tanjung Jabung Barat"] == [0, 0, 1, 1, 0, 1]
    benefits = {row[0]: row[1:3] for row in _sheet(book, "Klaim dan manfaat")[3:] if row and row[0]}
    assert benefits["Kematian (JKM)"] == [1, 42_000_000]


def province_sets_up_next_year_and_bills_it(w: Walk) -> None:
    """Next year's BKBK: the four living people enrolled from 1 January, Bambang refused
    (deceased), the 12-month bill Rp806,400 (APBD money: no discount)."""
    made = w.province.post(
        "/programs",
        {
            "code": BKBK_NEXT,
            "name": f"BKBK Jambi {NEXT_YEAR} (uji ujung ke ujung)",
            "source": "BKBK",
            "payer": PROVINCE,
            "fiscal_year": NEXT_YEAR,
            "starts_on": on(1, 1, NEXT_YEAR).isoformat(),
            "coverage_months": 12,
            "budget_ceiling": CEILING,
            "target_regions": ["15.04", "15.06"],
            "quotas": {"miskin_ekstrem": 50, "pekerja_rentan": 25},
        },
    )
    w.ids["bkbk_next"] = made["id"]
    living = [AHMAD, SITI, JOKO, DEWI]
    for person in living:
        w.province.post(
            f"/programs/{made['id']}/enrolments",
            {"nik": person.nik, "starts_on": on(1, 1, NEXT_YEAR).isoformat()},
        )
    refused = w.province.post(f"/programs/{made['id']}/enrolments", {"nik": BAMBANG.nik}, status=400)
    assert refused["code"] == "participant_not_eligible"
    bill = w.province.post("/bills", {"program": BKBK_NEXT, "first_month": month(1, NEXT_YEAR), "months": 12})
    expected = sum(year_rupiah(NEXT_YEAR, source="BKBK", occupation=p.occupation) for p in living)
    assert (bill["people"], bill["person_months"], bill["total_rupiah"]) == (4, 48, expected)
    assert expected == 806_400
    program = w.province.get(f"/programs/{made['id']}")
    assert (program["enrolled_active"], program["committed_rupiah"]) == (4, 806_400)


def connections_stay_bounded_under_parallel_requests(w: Walk) -> None:
    """32 requests at once, then quiet: the server holds no connection per thread it
    ran (with persistent connections 32 parallel requests left 65 idle ones and eight
    clients got "too many clients"); only the worker keeps its own."""
    headers = {"Authorization": f"Bearer {w.province.token}"}

    def one(_n: int) -> int:
        return requests.get(w.province.url("/api/v1/programs"), headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        assert set(pool.map(one, range(64))) == {200}
    time.sleep(0.5)  # the last responses' connections close as their requests finish
    assert w.stack.connections() <= 3


def integrity_check_finds_no_difference(w: Walk) -> None:
    """`jaring check_integrity` recomputes every kept figure (transfer totals, quota
    counters, enrolments and committed budget, bill totals, the protection summary)
    from the records: none differs, before and after the hourly summary rebuild."""
    for rebuild_first in (False, True):
        if rebuild_first:
            w.stack.jaring_ok("refresh_summaries")
        done = w.stack.jaring("check_integrity", "--json")
        assert done.returncode == 0, (
            f"check_integrity exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
        report = json.loads(done.stdout)
        assert report["differences"] == 0, report
        assert {c["counter"] for c in report["counters"]} >= {"monitoring.protection_summary"}


STEPS = [
    officers_log_in_and_get_their_tokens,
    province_registers_people_through_the_api,
    village_imports_its_people_on_the_import_page,
    province_creates_the_bkbk_programme,
    province_allocates_to_regencies_and_villages,
    money_moves_from_province_to_regencies_to_villages,
    villages_pay_bpjs_and_one_typo_is_reversed,
    the_funnel_adds_up_to_the_rupiah,
    province_enrols_people_from_a_file,
    village_funds_two_people_from_its_own_budget,
    payers_issue_the_bills,
    bpjs_confirmation_file_is_imported,
    bpjs_and_the_village_record_single_payments,
    protection_is_read_on_several_dates,
    a_death_is_reported_with_heirs_and_documents,
    bpjs_verifies_and_pays_the_death_benefit,
    the_refund_and_the_death_reach_billing_and_the_programme,
    province_downloads_the_monev_report,
    province_sets_up_next_year_and_bills_it,
    connections_stay_bounded_under_parallel_requests,
    integrity_check_finds_no_difference,
]


def test_officers_walk_the_whole_chain_over_http(walk: Walk) -> None:
    """One fiscal year, step by step (a failing step names itself in the traceback)."""
    for step in STEPS:
        step(walk)
