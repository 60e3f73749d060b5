"""A program's proposal from the DTSEN candidates: free places per village and category
taken in priority order within the budget (targeting/proposals.py), and enrolling the
chosen people in one action, all or nothing (targeting/services.py)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from jaring.audit.models import AuditEvent
from jaring.programs.models import Enrolment, Program, VillageEnrolmentCount
from jaring.programs.selectors import monthly_rates
from jaring.programs.services import program_create
from jaring.regions.models import Region
from jaring.registry.models import Participant
from jaring.registry.vocab import Category
from jaring.targeting import rules
from jaring.targeting.proposals import proposal
from jaring.targeting.services import ProposalRefused, enrol_chosen

from . import claims_world as w
from .test_targeting_candidates import AHMAD, BUJANG, MAIMUNAH, ON, RIZKI, SITI, _edition
from .test_targeting_import import GOOD

pytestmark = pytest.mark.django_db

VILLAGE = "1504012003"  # Sengkati Gedang, Mersam, Batanghari


def _program(demo, *, poor=2, workers=1, budget=50_000_000_000, code="BKBK-DTSEN", regions=("15",)):
    return program_create(
        actor=None,
        code=code,
        name="BKBK DTSEN",
        source="BKBK",
        payer=demo.org("pemprov-jambi"),
        fiscal_year=2025,
        starts_on=date(2025, 1, 1),
        coverage_months=12,
        budget_ceiling=budget,
        target_region_codes=list(regions),
        quotas={k: v for k, v in (("miskin_ekstrem", poor), ("pekerja_rentan", workers)) if v} or None,
    )


def _niks(found) -> list[str]:
    return [p.nik for p in found.people]


def _village(found, code=VILLAGE):
    return next(line for line in found.villages if line.village == code)


def test_free_places_go_to_the_poorest_first_each_in_the_first_category_they_fill(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    found = proposal(demo.user("jambi.operator"), _program(demo), ON)
    # Ahmad and Siti (desil 1) take the two extreme-poor places; Ahmad works as a farmer but
    # is taken as extreme poor, so the vulnerable-worker place goes to Bujang (fisherman,
    # desil 3) before Maimunah; Rizki (desil 1, not working) finds no place left.
    assert _niks(found) == [AHMAD, SITI, BUJANG]
    assert [p.category for p in found.people] == [
        Category.MISKIN_EKSTREM,
        Category.MISKIN_EKSTREM,
        Category.PEKERJA_RENTAN,
    ]
    line = _village(found)
    assert (line.candidates, line.proposed, line.free_quota) == (5, 3, 3)
    assert (found.candidates, found.already_protected, found.proposed) == (5, 0, 3)
    # Every village of Jambi is a line, with its free places, even where nobody is listed.
    assert len(found.villages) == 1585 and found.free_quota == 1585 * 3


def test_a_place_already_taken_is_not_offered_again(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    w.enrol(
        program, [w.person(1, nik=SITI, birth_date=date(1987, 6, 15), sex="P", category="miskin_ekstrem")]
    )
    found = proposal(demo.user("jambi.operator"), program, ON)
    # Siti is enrolled (protected, one extreme-poor place used): Ahmad takes the last one.
    assert _niks(found) == [AHMAD, BUJANG]
    assert (found.already_protected, _village(found).free_quota) == (1, 2)


def test_the_budget_stops_the_proposal_at_what_it_can_pay(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    probe = _program(demo, code="PROBE")
    yearly = 12 * monthly_rates(probe, {"petani"})["petani"]
    found = proposal(demo.user("jambi.operator"), _program(demo, budget=2 * yearly), ON)
    assert _niks(found) == [AHMAD, SITI]
    assert found.cost == 2 * yearly and found.budget_left == 0


def test_a_program_without_village_quotas_proposes_whom_its_budget_pays(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    probe = _program(demo, code="PROBE")
    yearly = 12 * monthly_rates(probe, {"lainnya"})["lainnya"]
    found = proposal(demo.user("jambi.operator"), _program(demo, poor=0, workers=0, budget=4 * yearly), ON)
    # Maimunah (desil 3, trader) is the fourth who fills a category; the budget pays four.
    assert _niks(found) == [AHMAD, SITI, RIZKI, BUJANG]
    assert found.free_quota is None and _village(found).free_quota is None


def test_each_officer_sees_the_proposal_of_their_jurisdiction_only(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    assert _niks(proposal(demo.user("batanghari.operator"), program, ON)) == [AHMAD, SITI, BUJANG]
    city = proposal(demo.user("kotajambi.operator"), program, ON)
    assert city.people == [] and all(line.village.startswith("1571") for line in city.villages)
    assert proposal(demo.user("jambi.operator"), program, ON, region="15.71").people == []
    mersam = Region.objects.filter(code__startswith="150401", level="village").count()
    assert len(proposal(demo.user("jambi.operator"), program, ON, region="15.04.01").villages) == mersam > 0


def test_the_fill_rule_passes_over_who_does_not_fit_and_tries_the_next():
    from jaring.programs.rules import QuotaState

    def seeker(key, categories, cost=10):
        return rules.Seeker(key=key, village="v", categories=categories, cost=cost)

    poor, worker = Category.MISKIN_EKSTREM, Category.PEKERJA_RENTAN
    people = [seeker("a", (poor,)), seeker("b", (poor, worker)), seeker("c", (poor,)), seeker("d", (worker,))]
    chosen = rules.fill(people, {("v", poor): 1, ("v", worker): 1}, None)
    assert [(s.key, c) for s, c in chosen] == [("a", poor), ("b", worker)]
    state = QuotaState(total_limit=None, total_used=0, budget_ceiling=25, budget_committed=0)
    chosen = rules.fill(
        [seeker("a", (poor,), 20), seeker("b", (poor,), 10), seeker("c", (poor,), 5)], None, state
    )
    assert [s.key for s, _c in chosen] == ["a", "c"] and state.budget_committed == 25


def test_the_command_prints_the_proposal_as_json(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    _program(demo)
    out = StringIO()
    call_command(
        "targeting",
        "--program",
        "bkbk-dtsen",
        "--region",
        "15.04.01",
        "--date",
        "2025-06-30",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert {
        k: data[k] for k in ("program", "region", "date", "candidates", "already_protected", "proposed")
    } == {
        "program": "BKBK-DTSEN",
        "region": "15.04.01",
        "date": "2025-06-30",
        "candidates": 5,
        "already_protected": 0,
        "proposed": 3,
    }
    assert data["free_quota"] == len(data["by_village"]) * 3
    line = next(v for v in data["by_village"] if v["village"] == "15.04.01.2003")
    assert line == {
        "village": "15.04.01.2003",
        "name": line["name"],
        "candidates": 5,
        "proposed": 3,
        "free_quota": 3,
    }


def test_enrolling_the_chosen_registers_the_new_and_enrols_all_audited(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    officer = demo.user("batanghari.operator")
    outcome = enrol_chosen(actor=officer, program=program, on=ON, niks=[AHMAD, SITI, BUJANG])
    assert outcome.created == 3
    people = {p.nik: p for p in Participant.objects.filter(nik__in=[AHMAD, SITI, BUJANG])}
    assert {n: (p.category, p.welfare_decile, p.village_id) for n, p in people.items()} == {
        AHMAD: ("miskin_ekstrem", 1, VILLAGE),
        SITI: ("miskin_ekstrem", 1, VILLAGE),
        BUJANG: ("pekerja_rentan", 3, VILLAGE),
    }
    enrolments = Enrolment.objects.filter(program=program)
    assert {e.participant.nik: e.starts_on for e in enrolments} == {n: ON for n in (AHMAD, SITI, BUJANG)}
    counts = dict(VillageEnrolmentCount.objects.filter(program=program).values_list("category", "active"))
    assert counts == {"miskin_ekstrem": 2, "pekerja_rentan": 1}
    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions.count("participant.create") == 3 and actions.count("enrolment.create") == 3
    after = proposal(officer, Program.objects.get(pk=program.pk), ON)
    assert after.people == [] and (after.candidates, after.already_protected) == (2, 3)


def test_a_person_already_funded_is_refused_and_nothing_is_written(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo)
    other = w.program(demo.org("pemprov-jambi"), code="LAIN")
    w.enrol(other, [w.person(1, nik=SITI, birth_date=date(1987, 6, 15), sex="P")])
    before = (Participant.objects.count(), Enrolment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ProposalRefused) as caught:
        enrol_chosen(
            actor=demo.user("jambi.operator"), program=program, on=ON, niks=[AHMAD, SITI, "1571010101900001"]
        )
    refused = {r.nik: r.error.code for r in caught.value.refusals}
    assert refused == {SITI: "already_protected", "1571010101900001": "not_a_candidate"}
    assert "sudah terlindungi" in next(r.error.message for r in caught.value.refusals if r.nik == SITI)
    assert (Participant.objects.count(), Enrolment.objects.count(), AuditEvent.objects.count()) == before


def test_a_full_village_quota_refuses_the_extra_person_and_enrols_nobody(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = _program(demo, poor=1, workers=0)
    with pytest.raises(ProposalRefused) as caught:
        enrol_chosen(actor=demo.user("jambi.operator"), program=program, on=ON, niks=[AHMAD, SITI, MAIMUNAH])
    refused = {r.nik: r.error.code for r in caught.value.refusals}
    # Ahmad takes the one place; Maimunah (desil 3, trader) would fill a vulnerable-worker
    # place the program does not have.
    assert refused == {SITI: "quota_village", MAIMUNAH: "quota_category"}
    assert not Enrolment.objects.filter(program=program).exists()
    assert not Participant.objects.filter(nik__in=[AHMAD, SITI, MAIMUNAH]).exists()


def test_who_may_not_enrol_is_told_so(demo, tmp_path):
    from jaring.errors import PermissionDeniedError

    _edition(demo, tmp_path, GOOD)
    with pytest.raises(PermissionDeniedError):
        enrol_chosen(actor=demo.user("auditor"), program=_program(demo), on=ON, niks=[AHMAD])
    assert not Enrolment.objects.exists() and not Participant.objects.filter(nik=AHMAD).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at the same moment")
def test_two_officers_taking_a_villages_last_place_at_once_enrol_one_on_postgresql(db, monkeypatch, tmp_path):
    """The province and the regency each enrol a different person into the village's one
    extreme-poor place, on their own committing connections: the program's lock makes the
    second wait, then refuses it whole (its new person is not left registered)."""
    from jaring.accounts.models import User
    from jaring.demo.seed import seed_demo

    from .concurrency import at_once, empty_committed_tables, in_own_connection, slowed
    from .conftest import Demo

    try:

        def seed():
            seed_demo(people=False)
            _edition(Demo(), tmp_path, GOOD)
            return _program(Demo(), poor=1, workers=0).pk

        program_id = in_own_connection(seed)
        slowed(monkeypatch, "jaring.targeting.services.participants_upsert")  # both past their checks
        choices = iter([("jambi.operator", AHMAD), ("batanghari.operator", SITI)])

        def officer_enrols():
            username, nik = next(choices)
            actor = User.objects.select_related("organization").get(username=username)
            return enrol_chosen(actor=actor, program=Program.objects.get(pk=program_id), on=ON, niks=[nik])

        results = at_once(officer_enrols)
        refused = [r for r in results if isinstance(r, ProposalRefused)]
        assert len(refused) == 1 and [r.error.code for r in refused[0].refusals] == ["quota_village"], results
        assert sum(1 for r in results if not isinstance(r, Exception) and r.created == 1) == 1

        def committed():
            return (
                Enrolment.objects.filter(program_id=program_id).count(),
                VillageEnrolmentCount.objects.get(program_id=program_id).active,
                Participant.objects.filter(nik__in=[AHMAD, SITI]).count(),
            )

        assert in_own_connection(committed) == (1, 1, 1)
    finally:
        empty_committed_tables()
