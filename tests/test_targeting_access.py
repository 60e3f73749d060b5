"""The proposal pages for every role of every organization kind: everyone who sees a
program reads its proposal, of their own jurisdiction's candidates only; operators and
admins enrol from it, and only inside their jurisdiction; the files carrying whole NIKs
go to those who see NIKs whole."""

from __future__ import annotations

import pytest

from jaring.programs.models import Enrolment
from jaring.targeting.models import DtsenPerson

from .access import CASES, ORGS, client_for, matrix_user
from .test_targeting_candidates import AHMAD, ON, _edition
from .test_targeting_import import GOOD
from .test_targeting_proposals import VILLAGE, _program

pytestmark = pytest.mark.django_db

EDITOR_ROLES = {"admin", "operator"}
HOLDS_THE_VILLAGE = {"province", "regency", "village", "bpjs_regional", "donor"}  # 15.04.01.2003 inside


def _sees_full_nik(kind: str, role: str) -> bool:
    return kind.startswith("bpjs") or (kind in {"regency", "village"} and role in EDITOR_ROLES)


DAY = f"{ON:%d/%m/%Y}"


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_the_proposal_pages_for_every_role(demo, tmp_path, kind, role):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    client = client_for(matrix_user(kind, role))
    page = client.get("/sasaran/usulan/", {"program": program.pk, "wilayah": VILLAGE, "tanggal": DAY})
    assert page.status_code == 200
    assert len(page.context["rows"]) == (5 if kind in HOLDS_THE_VILLAGE else 0), ORGS[kind]
    assert (AHMAD.encode() in page.content) == (kind in HOLDS_THE_VILLAGE and _sees_full_nik(kind, role))

    ahmad = str(DtsenPerson.objects.get(nik=AHMAD).pk)
    posted = client.post(
        f"/sasaran/usulan/{program.pk}/daftarkan/?wilayah={VILLAGE}&tanggal={DAY}", {"orang": ahmad}
    )
    enrolled = Enrolment.objects.filter(program=program, participant__nik=AHMAD).exists()
    if role not in EDITOR_ROLES:
        assert posted.status_code == 403 and not enrolled
    else:
        assert posted.status_code == 302
        assert enrolled == (kind in HOLDS_THE_VILLAGE)

    file = client.get(f"/sasaran/usulan/{program.pk}/berkas.xlsx", {"wilayah": VILLAGE, "tanggal": DAY})
    assert file.status_code == (200 if role in EDITOR_ROLES and _sees_full_nik(kind, role) else 403)
