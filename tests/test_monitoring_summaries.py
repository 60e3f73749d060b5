"""The kept protection summary behind the dashboards: rebuilt from the paid months,
it holds for every village, district, regency and province exactly what counting
directly gives; dashboards read it through the jurisdiction."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from jaring.access.scoping import jurisdiction_of
from jaring.billing.selectors import protection_counts
from jaring.billing.services import death_record
from jaring.monitoring.models import ProtectionSummary, SummaryRefresh
from jaring.monitoring.summaries import STATUSES, protected_children, protected_in, summaries_refresh

from .access import CASES, ORGS, client_for, matrix_user
from .billing_world import MONTHLY, enrol, issue, make_people, make_program, pay_person

ON = date(2025, 7, 15)


@pytest.fixture
def world(demo):
    """People in two Mersam villages and one in Kota Jambi: paid through July
    (active), paid through May (in arrears), paid in January only (lapsed), never
    paid, and one who died."""
    program = make_program(demo.org("pemprov-jambi"))
    sengkati = make_people(5)
    neighbour = make_people(2, village="1504012002", start=10)
    city = make_people(1, village="1571011001", start=20)
    enrol(program, sengkati + neighbour + city)
    issue(program, "2025-01", 12)
    pay_person(sengkati[0], "2025-01", "2025-07", 7 * MONTHLY, reference="A")
    pay_person(sengkati[1], "2025-01", "2025-05", 5 * MONTHLY, reference="B")
    pay_person(sengkati[2], "2025-01", "2025-01", MONTHLY, reference="C")
    pay_person(neighbour[0], "2025-01", "2025-12", 12 * MONTHLY, reference="D")
    pay_person(city[0], "2025-01", "2025-12", 12 * MONTHLY, reference="E")
    death_record(actor=None, participant=sengkati[4], died_on=date(2025, 3, 2), reason="akta kematian")
    return program


def test_every_region_holds_what_counting_directly_gives(world):
    run = summaries_refresh(on=ON)
    assert (run.on, run.regions) == (ON, ProtectionSummary.objects.count())
    for row in ProtectionSummary.objects.all():
        direct = protection_counts(None, ON, region=row.region_code)
        assert {s: getattr(row, s) for s in STATUSES} == {s: direct[s] for s in STATUSES}, row.region_code
    sengkati = ProtectionSummary.objects.get(region_code="1504012003")
    assert (sengkati.active, sengkati.arrears, sengkati.lapsed, sengkati.deceased, sengkati.not_covered) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert sengkati.enrolled == 4  # the death ended one enrolment
    assert ProtectionSummary.objects.get(region_code="15").active == 3
    assert set(ProtectionSummary.objects.values_list("level", flat=True)) == {
        "province",
        "regency",
        "district",
        "village",
    }


def test_a_rebuild_replaces_the_rows_and_reads_follow_the_jurisdiction(world, demo):
    summaries_refresh(on=ON)
    summaries_refresh(on=date(2025, 12, 15))  # only the full-year payers are active now
    assert SummaryRefresh.objects.count() == 2
    assert ProtectionSummary.objects.filter(region_code="15").get().active == 2
    viewer = demo.user("jambi.viewer")
    assert protected_in(viewer, None).active == 2
    regencies = protected_children(viewer, "15")
    assert (regencies["1504"].active, regencies["1571"].active) == (1, 1)
    assert set(protected_children(viewer, "1504")) == {"150401"}
    village = demo.user("desa.operator")  # Sengkati Gedang only
    assert protected_in(village, None).lapsed == 3
    assert protected_in(village, "1504012002").active == 0  # the neighbour: not visible
    assert protected_in(demo.user("admin"), None).active == 2


def test_refresh_summaries_command(world, capsys):
    call_command("refresh_summaries", "--date", "2025-07-15", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["on"] == "2025-07-15" and result["regions"] == ProtectionSummary.objects.count()


def test_the_dashboard_shows_the_programs_panel_and_queues_a_stale_summary(world, demo):
    client = demo.client("jambi.viewer")
    html = client.get("/monev/").content.decode()  # stale (none yet): the task runs inline in tests
    assert SummaryRefresh.objects.count() == 1
    panel = html[html.index('data-testid="programs-panel"') :]
    assert 'data-testid="panel-active">' in panel and 'data-testid="summary-refreshed"' in html
    client.get("/monev/")
    assert SummaryRefresh.objects.count() == 1  # fresh: nothing queued


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_every_role_reads_only_its_own_regions(world, kind, role):
    summaries_refresh(on=ON)
    user = matrix_user(kind, role)
    jurisdiction = jurisdiction_of(user)
    sengkati = protected_in(user, "1504012003")
    if jurisdiction.contains("1504012003"):
        assert (sengkati.active, sengkati.arrears, sengkati.lapsed) == (1, 1, 1)
    else:
        assert sengkati.people == 0
    _org, _inside, outside = ORGS[kind]
    if not jurisdiction.contains(outside):
        assert protected_in(user, outside).people == 0
    for code in protected_children(user, "15"):
        assert jurisdiction.contains(code), code
    html = client_for(user).get("/monev/").content.decode()
    assert 'data-testid="programs-panel"' in html


def test_children_for_a_past_day_are_counted_as_of_that_day_not_from_todays_summary(world, demo):
    """The dashboard for 15 July shows who was protected then, though the kept summary
    counts December (when only the full-year payers are active)."""
    summaries_refresh(on=date(2025, 12, 15))
    viewer = demo.user("jambi.viewer")
    assert protected_children(viewer, "1504")["150401"].active == 1  # December: the full-year payer
    july = protected_children(viewer, "1504", ON)["150401"]
    assert (july.active, july.arrears, july.lapsed) == (2, 1, 1)
    assert july.enrolled == 6  # the dead man's enrolment ended on 2 March
    world.enrolments.filter(participant__village_id="1504012002").update(ends_on=date(2025, 8, 1))
    assert protected_children(viewer, "1504", ON)["150401"].enrolled == 6  # still held on 15 July
    assert protected_children(viewer, "1504", date(2025, 8, 2))["150401"].enrolled == 4
    assert protected_children(viewer, "1504", date(2025, 12, 15)) == protected_children(viewer, "1504")
    assert set(protected_children(demo.user("desa.operator"), "150401", ON)) == {"1504012003"}
    assert protected_children(viewer, "1504012003", ON) == {}
