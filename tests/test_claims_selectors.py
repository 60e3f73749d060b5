"""The reads other modules reuse: ``benefits_paid`` (dashboards) and the report,
with the queries they cost pinned."""

from datetime import date

import pytest

from jaring.claims import services
from jaring.claims.selectors import benefits_paid, benefits_report
from jaring.errors import InvalidInput

from . import claims_world as w


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _paid(person, *, kind="jkm", on, reported_on, paid_on, children=()):
    claim = services.claim_report(
        actor=None,
        participant=person,
        kind=kind,
        event_date=on,
        event_place="Rumah",
        description="Meninggal",
        heirs=[w.heir()],
        children=children,
        documents=[*w.required_documents(kind), *([w.upload("school_certificate")] if children else [])],
        reported_on=reported_on,
    )
    services.claim_documents_complete(actor=None, claim=claim, on=reported_on)
    claim = services.claim_verify(actor=None, claim=claim, on=reported_on)
    return services.claim_pay(
        actor=None, claim=claim, paid_on=paid_on, amount=claim.quote_total, recipient_heir=claim.heirs.get()
    )


@pytest.fixture
def paid(demo):
    prog = w.program(demo.org("pemprov-jambi"))
    a, b, c, d = (w.person(1), w.person(2), w.person(3, village="1571011001"), w.person(4))
    w.enrol(prog, [a, b, c, d])
    w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-2025")
    return [
        _paid(a, on=date(2025, 3, 1), reported_on=date(2025, 3, 3), paid_on=date(2025, 3, 13)),  # 10 days
        _paid(
            b,
            kind="jkk_death",
            on=date(2025, 4, 1),
            reported_on=date(2025, 4, 2),
            paid_on=date(2025, 4, 6),  # 4 days
            children=[w.child()],
        ),
        _paid(c, on=date(2025, 5, 1), reported_on=date(2025, 5, 1), paid_on=date(2025, 5, 31)),  # 30 days
        services.claim_report(  # open: never counted
            actor=None,
            participant=d,
            kind="jkk_injury",
            event_date=date(2025, 6, 1),
            event_place="Kebun",
            description="Terluka",
        ),
    ]


def test_benefits_paid_by_region_and_period(paid):
    everything = benefits_paid(None, None, None)
    assert everything.totals.as_dict() == {
        "claims": 3,
        "rupiah": 42_000_000 + 71_500_000 + 42_000_000,
        "scholarship_children": 1,
        "scholarship_rupiah": 1_500_000,
    }
    assert (everything.median_days, everything.average_days) == (10.0, 14.7)
    assert set(everything.by_kind) == {"jkm", "jkk_death"}
    assert everything.by_kind["jkm"].claims == 2
    batanghari = benefits_paid("15.04", None, None)
    assert (batanghari.totals.claims, batanghari.median_days) == (2, 7.0)  # (10 + 4) / 2
    assert benefits_paid("1571", None, None).totals.rupiah == 42_000_000
    april = benefits_paid("15", date(2025, 4, 6), date(2025, 4, 6))  # inclusive bounds
    assert april.totals.claims == 1 and april.by_kind["jkk_death"].scholarship_children == 1
    nothing = benefits_paid("17", None, None)
    assert nothing.totals.claims == 0 and nothing.median_days is None and nothing.by_kind == {}
    with pytest.raises(InvalidInput) as reversed_period:
        benefits_paid("15", date(2025, 5, 1), date(2025, 4, 1))
    assert reversed_period.value.code == "period_reversed"


def test_the_report_is_scoped_and_costs_a_fixed_number_of_queries(paid, demo, django_assert_max_num_queries):
    regency = demo.user("batanghari.operator")
    with django_assert_max_num_queries(8):
        report = benefits_report(regency)
    assert report.summary.totals.claims == 2  # Kota Jambi's claim is outside
    assert [r.code for r in report.regions] == ["150401"]  # a regency sees its districts
    assert report.open_claims == {"reported": 1}
    assert [(m, t.claims) for m, t in report.months] == [(date(2025, 3, 1), 1), (date(2025, 4, 1), 1)]
    province = benefits_report(demo.user("jambi.viewer"))
    assert [r.code for r in province.regions] == ["1504", "1571"]
    branch = benefits_report(demo.user("bpjs.tanjabbar"))
    assert branch.summary.totals.claims == 0 and branch.regions == []


def test_api_list_costs_a_fixed_number_of_queries(paid, demo, client, django_assert_max_num_queries):
    client.force_login(demo.user("jambi.viewer"))
    with django_assert_max_num_queries(8):
        items = client.get("/api/v1/claims").json()["items"]
    assert len(items) == 4
    with django_assert_max_num_queries(14):  # the same for 4 claims or 200,000
        assert client.get("/klaim/laporan/").status_code == 200
