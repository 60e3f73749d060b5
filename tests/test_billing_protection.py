"""The pure protection rule: active, arrears, lapsed, deceased, exited, not covered."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.billing.protection import (
    PaidSpan,
    ProtectionStatus,
    classify,
    month_end,
    month_index,
    month_label,
    month_start,
    months_paid_after,
    paid_months_on,
    protection_status,
)

S = ProtectionStatus


def m(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def span(first: str, last: str, paid_on: date) -> PaidSpan:
    return PaidSpan(first=m(first), last=m(last), paid_on=paid_on)


# January-June 2025 paid in advance on 20 December 2024.
HALF_YEAR = [span("2025-01", "2025-06", date(2024, 12, 20))]


def test_month_arithmetic_round_trips_and_knows_month_lengths():
    assert month_index(date(2025, 3, 15)) == 2025 * 12 + 2
    assert month_start(m("2025-03")) == date(2025, 3, 1)
    assert month_end(m("2024-02")) == date(2024, 2, 29)  # leap year
    assert month_end(m("2025-12")) == date(2025, 12, 31)
    assert month_label(m("2025-12") + 1) == "2026-01"


@pytest.mark.parametrize(
    ("on", "status", "paid_through", "unpaid", "covered_until"),
    [
        (date(2024, 12, 31), S.NOT_COVERED, None, 0, None),  # paid, but for later months
        (date(2025, 1, 1), S.ACTIVE, date(2025, 1, 31), 0, date(2025, 6, 30)),
        (date(2025, 6, 30), S.ACTIVE, date(2025, 6, 30), 0, date(2025, 6, 30)),
        (date(2025, 7, 1), S.ARREARS, date(2025, 6, 30), 1, None),
        (date(2025, 9, 30), S.ARREARS, date(2025, 6, 30), 3, None),  # 3 unpaid: still arrears
        (date(2025, 10, 1), S.LAPSED, date(2025, 6, 30), 4, None),  # more than 3: ended
        (date(2027, 1, 1), S.LAPSED, date(2025, 6, 30), 19, None),
    ],
)
def test_status_follows_the_paid_months(on, status, paid_through, unpaid, covered_until):
    result = protection_status(HALF_YEAR, on)
    assert (result.status, result.paid_through, result.unpaid_months, result.covered_until) == (
        status,
        paid_through,
        unpaid,
        covered_until,
    )
    assert result.paid_status == status


def test_membership_counts_paid_months_up_to_the_date():
    assert protection_status(HALF_YEAR, date(2025, 3, 10)).membership_months == 3
    assert protection_status(HALF_YEAR, date(2025, 8, 10)).membership_months == 6


def test_a_lapse_starts_a_new_membership_but_arrears_do_not():
    spans = [
        span("2023-01", "2023-12", date(2023, 1, 5)),
        span("2024-03", "2024-12", date(2024, 3, 5)),  # Jan-Feb 2024 unpaid: arrears, not a lapse
        span("2025-05", "2025-08", date(2025, 5, 5)),  # Jan-Apr 2025 unpaid: 4 months, lapsed
    ]
    assert protection_status(spans, date(2024, 12, 15)).membership_months == 22
    later = protection_status(spans, date(2025, 8, 15))
    assert (later.status, later.membership_months) == (S.ACTIVE, 4)
    assert protection_status(spans, date(2025, 4, 15)).status == S.LAPSED


def test_a_month_paid_after_the_date_does_not_protect_on_that_date():
    late = [span("2025-01", "2025-12", date(2025, 3, 20))]
    assert protection_status(late, date(2025, 3, 10)).status == S.NOT_COVERED
    after = protection_status(late, date(2025, 3, 20))
    assert (after.status, after.membership_months) == (S.ACTIVE, 3)


def test_arrears_are_payable_only_three_months_back():
    # Paid on 10 June for the whole year: January and February were more than three
    # months back, so they do not count; March to December do.
    late = [span("2025-01", "2025-12", date(2025, 6, 10))]
    assert paid_months_on(late, date(2025, 6, 10)) == set(range(m("2025-03"), m("2025-12") + 1))
    result = protection_status(late, date(2025, 6, 10))
    assert (result.status, result.membership_months) == (S.ACTIVE, 4)
    assert protection_status(late, date(2025, 6, 10), payable_months=12).membership_months == 6


def test_deceased_from_the_day_of_death_with_the_status_the_death_had():
    died = date(2025, 4, 10)
    assert protection_status(HALF_YEAR, date(2025, 4, 9), died_on=died).status == S.ACTIVE
    on_the_day = protection_status(HALF_YEAR, died, died_on=died)
    assert (on_the_day.status, on_the_day.paid_status) == (S.DECEASED, S.ACTIVE)
    later = protection_status(HALF_YEAR, date(2026, 1, 1), died_on=died)
    assert (later.status, later.paid_status, later.membership_months) == (S.DECEASED, S.ACTIVE, 4)
    assert later.covered_until is None


def test_a_death_in_arrears_keeps_the_arrears_as_paid_status():
    result = protection_status(HALF_YEAR, date(2025, 12, 1), died_on=date(2025, 8, 2))
    assert (result.status, result.paid_status, result.unpaid_months) == (S.DECEASED, S.ARREARS, 2)


def test_exited_from_the_exit_date_and_death_wins_over_exit():
    assert protection_status(HALF_YEAR, date(2025, 2, 1), exited_on=date(2025, 3, 1)).status == S.ACTIVE
    assert protection_status(HALF_YEAR, date(2025, 3, 1), exited_on=date(2025, 3, 1)).status == S.EXITED
    both = protection_status(
        HALF_YEAR, date(2025, 6, 1), exited_on=date(2025, 3, 1), died_on=date(2025, 5, 1)
    )
    assert both.status == S.DECEASED


def test_no_paid_month_is_not_covered_even_when_dead():
    assert protection_status([], date(2025, 1, 1)).status == S.NOT_COVERED
    dead = protection_status([], date(2025, 1, 1), died_on=date(2024, 1, 1))
    assert (dead.status, dead.paid_status) == (S.DECEASED, S.NOT_COVERED)


def test_the_lapse_threshold_is_a_parameter():
    assert protection_status(HALF_YEAR, date(2025, 8, 1), lapse_after=1).status == S.LAPSED


def test_adjacent_spans_make_one_paid_period():
    spans = [span("2025-01", "2025-03", date(2025, 1, 2)), span("2025-04", "2025-06", date(2025, 1, 3))]
    assert protection_status(spans, date(2025, 2, 1)).covered_until == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("covered", "last_paid", "status"),
    [
        (True, m("2025-05"), S.ACTIVE),
        (False, None, S.NOT_COVERED),
        (False, m("2025-03"), S.ARREARS),
        (False, m("2025-02"), S.ARREARS),
        (False, m("2025-01"), S.LAPSED),
    ],
)
def test_classify_matches_the_per_person_rule(covered, last_paid, status):
    assert classify(covered=covered, last_paid=last_paid, month=m("2025-05")) == status


def test_months_paid_after_a_month_whenever_paid():
    spans = [span("2025-01", "2025-06", date(2025, 1, 2)), span("2025-07", "2025-09", date(2025, 8, 1))]
    assert months_paid_after(spans, m("2025-04")) == list(range(m("2025-05"), m("2025-09") + 1))
    assert months_paid_after(spans, m("2025-09")) == []
