"""jaring protection_status, issue_bill and import_payments."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.billing.models import Bill, Payment

from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_person


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(demo):
    program = make_program(demo.org("pemprov-jambi"))
    people = make_people(2)
    enrol(program, people)
    return program, people


def test_protection_status_prints_exactly_the_four_keys(world):
    program, people = world
    issue(program, "2025-01", 12)
    pay_person(people[0], "2025-01", "2025-06", 6 * MONTHLY, reference="C")
    printed = json.loads(_run("protection_status", "--nik", people[0].nik, "--date", "2025-04-15", "--json"))
    assert printed == {
        "nik": people[0].nik,
        "date": "2025-04-15",
        "status": "active",
        "paid_through": "2025-04-30",
    }
    never = json.loads(_run("protection_status", "--nik", people[1].nik, "--date", "2025-04-15", "--json"))
    assert never == {
        "nik": people[1].nik,
        "date": "2025-04-15",
        "status": "not_covered",
        "paid_through": None,
    }
    text = _run("protection_status", "--nik", people[0].nik, "--date", "2025-08-02")
    assert "Menunggak" in text and "30-06-2025" in text


def test_protection_status_errors_and_jurisdiction(world):
    _program, people = world
    with pytest.raises(CommandError, match="not_found"):
        _run("protection_status", "--nik", "3171011203850001")
    with pytest.raises(CommandError, match="date_invalid"):
        _run("protection_status", "--nik", people[0].nik, "--date", "15-04-2025")
    with pytest.raises(CommandError, match="not_found"):
        _run("protection_status", "--nik", people[0].nik, "--as", "kotajambi.operator")
    masked = json.loads(_run("protection_status", "--nik", people[0].nik, "--json", "--as", "jambi.viewer"))
    assert masked["nik"] == people[0].nik[:4] + "********" + people[0].nik[12:]


def test_issue_bill_from_the_cli(world):
    program, _people = world
    printed = json.loads(
        _run("issue_bill", "--program", program.code, "--from", "2025-01", "--months", "3", "--json")
    )
    assert printed == {
        "number": "TAG/BKBK-UJI-2025/2025-01/3M",
        "program": program.code,
        "period_start": "2025-01-01",
        "period_end": "2025-03-31",
        "months": 3,
        "people": 2,
        "person_months": 6,
        "total_rupiah": 6 * MONTHLY,
    }
    with pytest.raises(CommandError, match="bill_period_taken"):
        _run("issue_bill", "--program", program.code, "--from", "2025-02", "--months", "1")
    with pytest.raises(CommandError, match="bill_months_invalid"):
        _run("issue_bill", "--program", program.code, "--from", "2025-04", "--months", "2")
    with pytest.raises(CommandError, match="permission_denied"):
        _run(
            "issue_bill",
            "--program",
            program.code,
            "--from",
            "2025-04",
            "--months",
            "1",
            "--as",
            "batanghari.operator",
        )
    assert "Rp100.800" in _run("issue_bill", "--program", program.code, "--from", "2025-04", "--months", "3")
    assert Bill.objects.count() == 2


def test_import_payments_from_the_cli(world, tmp_path):
    program, _people = world
    bill = issue(program, "2025-01", 12)
    path = tmp_path / "bayar.csv"
    path.write_text(
        f"REFERENSI;TANGGAL_BAYAR;JUMLAH;NOMOR_TAGIHAN\nCLI/1;05/02/2025;{bill.total_rupiah};{bill.number}\n"
    )
    dry = json.loads(_run("import_payments", str(path), "--dry-run", "--json"))
    assert (dry["created"], dry["saved"], Payment.objects.count()) == (1, False, 0)
    printed = json.loads(_run("import_payments", str(path), "--json", "--as", "jambi.operator"))
    assert printed["created"] == 1 and printed["bills"][0]["outstanding"] == 0
    assert "1 sudah tercatat" in _run("import_payments", str(path))
    bad = tmp_path / "salah.csv"
    bad.write_text(f"REFERENSI,TANGGAL_BAYAR,JUMLAH,NOMOR_TAGIHAN\nCLI/2,05/02/2025,0,{bill.number}\n")
    with pytest.raises(CommandError, match="rows_invalid"):
        _run("import_payments", str(bad))
    with pytest.raises(CommandError, match="file_missing"):
        _run("import_payments", str(tmp_path / "tidak-ada.csv"))
