"""The demo follows its install date: one live year ending today beside the published
2024-2025 history, which stays as published."""

from datetime import date

from django.db.models import Max, Min, Sum
from django.utils import timezone

from jaring.billing.selectors import protection_counts
from jaring.demo.live import live_code, seed_live_year
from jaring.demo.seed import seed_demo
from jaring.funds.models import Transfer
from jaring.programs.models import Agreement, Program


def _sum(program, kind):
    return Transfer.objects.filter(program=program, kind=kind).aggregate(s=Sum("amount"))["s"]


def test_the_demo_holds_a_live_year_ending_today_and_the_published_history(demo, monkeypatch):
    seed_demo()
    today = timezone.localdate()
    live = Program.objects.get(code=live_code(today.year))
    dates = Transfer.objects.filter(program=live).aggregate(
        first=Min("transferred_on"), last=Max("transferred_on")
    )
    assert date(today.year, 1, 1) <= dates["first"] and dates["last"] <= today
    assert (today - dates["last"]).days < 60  # money moved recently, not a year and a half ago
    # Most of the year's people are protected today; the history's figures are untouched.
    counts = protection_counts(demo.user("jambi.viewer"), today)
    assert counts["active"] >= live.enrolled_active * 0.9 > 0
    history = Program.objects.get(code="BKBK-JAMBI-2025")
    assert _sum(history, "to_regency") == 1_585 * 75 * 201_600 == 23_965_200_000
    assert _sum(live, "to_regency") == 23_965_200_000
    assert _sum(live, "to_village") > _sum(history, "to_village")  # more money reached the villages

    # Installed another day, the live year is that day's year, its agreement renewed.
    later = date(today.year + 1, 3, 15)
    real_localdate = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, **kw: real_localdate(value, **kw) if value else later
    )
    next_year = seed_live_year(today=later)
    moved = Transfer.objects.filter(program=next_year).aggregate(last=Max("transferred_on"))["last"]
    assert next_year.code == live_code(later.year) and moved <= later
    renewal = Agreement.objects.get(programs=next_year)
    assert (renewal.starts_on, renewal.ends_on) == (date(later.year, 1, 1), date(later.year + 1, 12, 31))
    assert seed_live_year(today=later) is None  # idempotent
