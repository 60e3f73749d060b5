"""The proposal page: regions with drill-down to the village, ticking and enrolling in
one action, refusals named per person with nothing saved, and the proposal as the
registration and enrolment files the imports read back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from jaring.programs.imports import enrolments_import
from jaring.programs.models import Enrolment
from jaring.registry.imports import import_participants
from jaring.registry.models import Participant
from jaring.targeting.models import DtsenPerson

from . import claims_world as w
from .test_targeting_candidates import AHMAD, BUJANG, MAIMUNAH, ON, SITI, _edition
from .test_targeting_import import GOOD
from .test_targeting_proposals import VILLAGE, _program

pytestmark = pytest.mark.django_db

PAGE = "/sasaran/usulan/"
DAY = f"{ON:%d/%m/%Y}"


def _ids(*niks) -> list[str]:
    return [str(pk) for pk in DtsenPerson.objects.filter(nik__in=niks).values_list("pk", flat=True)]


def test_the_province_drills_down_from_regencies_to_the_village(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    client = demo.client("jambi.operator")
    top = client.get(PAGE, {"program": program.pk, "tanggal": DAY})
    assert top.status_code == 200
    regions = top.context["lines"]
    assert len(regions) == 11  # Jambi's nine regencies and two cities
    batanghari = next(line for line in regions if line.code == "1504")
    assert (batanghari.candidates, batanghari.proposed) == (5, 3)
    assert b"Kabupaten Batanghari" in top.content
    district = client.get(PAGE, {"program": program.pk, "wilayah": "15.04.01", "tanggal": DAY})
    assert [line.code for line in district.context["lines"] if line.candidates] == [VILLAGE]
    village = client.get(PAGE, {"program": program.pk, "wilayah": VILLAGE, "tanggal": DAY})
    rows = village.context["rows"]
    assert [(r["name"], r["ticked"]) for r in rows] == [
        ("Ahmad Yani", True),
        ("Siti Aisyah", True),
        ("Rizki", False),
        ("Bujang", True),
        ("Maimunah", False),
    ]
    # The province sees NIKs masked, and is not offered the files that carry them whole.
    assert AHMAD.encode() not in village.content and b"proposal-files" not in village.content
    assert client.get(f"/sasaran/usulan/{program.pk}/berkas.xlsx").status_code == 403


def test_the_regency_unticks_one_ticks_another_and_enrols_them_in_one_action(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    client = demo.client("batanghari.operator")
    answer = client.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah={VILLAGE}&tanggal={DAY}",
        {"orang": _ids(AHMAD, MAIMUNAH)},
    )
    assert answer.status_code == 302 and VILLAGE in answer["Location"]
    assert set(Enrolment.objects.filter(program=program).values_list("participant__nik", flat=True)) == {
        AHMAD,
        MAIMUNAH,
    }
    after = client.get(answer["Location"])
    assert [r["name"] for r in after.context["rows"]] == ["Siti Aisyah", "Rizki", "Bujang"]
    assert after.context["found"].already_protected == 2
    assert "didaftarkan" in " ".join(str(m) for m in after.context["messages"])


def test_a_refusal_is_named_per_person_and_nothing_is_saved(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo, poor=1)
    client = demo.client("batanghari.operator")
    answer = client.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah={VILLAGE}&tanggal={DAY}",
        {"orang": _ids(AHMAD, SITI)},
        follow=True,
    )
    refusals = answer.context["refusals"]
    assert [(r["nik"], r["name"]) for r in refusals] == [(SITI, "Siti Aisyah")]
    assert "penuh" in refusals[0]["reason"]
    assert b"proposal-refusals" in answer.content
    assert not Enrolment.objects.exists() and not Participant.objects.filter(nik=AHMAD).exists()


def test_viewers_read_the_proposal_but_cannot_enrol(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    auditor = demo.client("auditor")
    page = auditor.get(PAGE, {"program": program.pk, "wilayah": VILLAGE, "tanggal": DAY})
    assert page.status_code == 200 and b"Daftarkan yang dicentang" not in page.content
    refused = auditor.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah={VILLAGE}", {"orang": _ids(AHMAD)}
    )
    assert refused.status_code == 403 and not Enrolment.objects.exists()


def test_a_bad_region_code_is_said_and_the_program_shown(demo, tmp_path):
    program = _program(demo)
    answer = demo.client("jambi.operator").get(PAGE, {"program": program.pk, "wilayah": "15.x"}, follow=True)
    assert "tidak valid" in " ".join(str(m) for m in answer.context["messages"])
    assert answer.context["program"] == program


def test_without_an_edition_the_village_says_why_it_is_empty(demo):
    program = _program(demo)
    page = demo.client("batanghari.operator").get(PAGE, {"program": program.pk, "wilayah": VILLAGE})
    assert page.context["rows"] == [] and b"proposal-empty" in page.content


def _sheet(content: bytes) -> list[list[str]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_the_files_register_and_enrol_the_proposal_through_the_imports(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    client = demo.client("batanghari.operator")
    base = f"/sasaran/usulan/{program.pk}/berkas.xlsx?wilayah={VILLAGE}&tanggal={DAY}"
    registration = client.get(f"{base}&berkas=registrasi")
    assert registration.status_code == 200 and "registrasi-" in registration["Content-Disposition"]
    rows = _sheet(registration.content)
    assert [r[0] for r in rows[1:]] == [AHMAD, SITI, BUJANG]
    enrolment = client.get(f"{base}&berkas=kepesertaan")
    assert _sheet(enrolment.content)[1] == [AHMAD, "BKBK-DTSEN", DAY]
    officer = demo.user("batanghari.operator")
    (tmp_path / "registrasi.xlsx").write_bytes(registration.content)
    (tmp_path / "kepesertaan.xlsx").write_bytes(enrolment.content)
    run = import_participants(actor=officer, path=tmp_path / "registrasi.xlsx", today=ON)
    assert (run.created, run.rejected) == (3, 0), run
    assert Participant.objects.get(nik=BUJANG).category == "pekerja_rentan"
    result = enrolments_import(actor=officer, path=tmp_path / "kepesertaan.xlsx")
    assert (result.created, result.rejected) == (3, 0), result.errors
    assert Enrolment.objects.get(participant__nik=SITI).starts_on == ON


def test_a_person_enrolled_elsewhere_meanwhile_is_refused_by_name(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    other = w.program(demo.org("pemprov-jambi"), code="LAIN", year=2025)
    w.enrol(
        other,
        [w.person(5, nik=MAIMUNAH, full_name="Maimunah", birth_date=date(1982, 8, 8), sex="P")],
        starts_on=date(2025, 7, 1),
    )
    client = demo.client("batanghari.operator")
    answer = client.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah={VILLAGE}&tanggal={DAY}",
        {"orang": _ids(MAIMUNAH)},
        follow=True,
    )
    (refusal,) = answer.context["refusals"]
    assert refusal["name"] == "Maimunah" and "LAIN" in refusal["reason"]
    assert not Enrolment.objects.filter(program=program).exists()


def test_an_id_from_outside_the_jurisdiction_is_ignored_never_answered_with_its_nik(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    client = demo.client("kotajambi.operator")  # Kota Jambi: the Batanghari people are not theirs
    answer = client.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah=1571&tanggal={DAY}",
        {"orang": _ids(AHMAD)},
        follow=True,
    )
    assert AHMAD.encode() not in answer.content and not answer.context["refusals"]
    assert "Centang minimal satu orang" in " ".join(str(m) for m in answer.context["messages"])
    assert not Enrolment.objects.exists()
