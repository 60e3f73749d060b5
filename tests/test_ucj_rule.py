"""The UCJ counting rule and the road to the target (monitoring/ucj.py), on the figures
of DOMAIN.md s.4 and s.8 worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.monitoring import ucj

SIX = ucj.CountingRule(full_after_months=6, effective_from=date(2020, 1, 1))


@pytest.mark.parametrize(
    ("people", "months", "counted"),
    [
        (1_000, 3, 500),  # DOMAIN.md s.4: 1,000 workers x 3 months count as 500
        (1_000, 6, 1_000),
        (1_000, 12, 1_000),  # full from 6 months: more months add nothing
        (71_935, 2, 23_978),  # Bengkulu 2025: 71,935 x 2 / 6 = 23,978.33, rounded down
        (71_935, 1, 11_989),  # 71,935 / 6 = 11,989.17
        (1, 5, 0),  # one person with 5 months is 5/6 of a person: nobody whole
        (6, 1, 1),
        (0, 6, 0),
    ],
)
def test_a_group_counts_pro_rata_below_six_months_rounded_down(people, months, counted):
    assert ucj.group_counted(people, months) == counted


def test_months_are_added_up_before_the_one_rounding_down():
    # Three people with 2, 4 and 9 paid months: (2 + 4 + 6) / 6 = 2, not 0 + 0 + 1.
    total = sum(ucj.counted_months(m, 6) for m in (2, 4, 9))
    assert (total, ucj.counted_people(total, 6)) == (12, 2)


def test_the_rule_in_force_on_the_date_is_chosen_and_a_missing_one_refused():
    ended = ucj.CountingRule(6, date(2020, 1, 1), date(2025, 12, 31))
    newer = ucj.CountingRule(3, date(2026, 1, 1))
    assert ucj.rule_on([ended, newer], date(2025, 12, 31)) is ended
    assert ucj.rule_on([ended, newer], date(2026, 1, 1)) is newer
    with pytest.raises(ucj.CountingRuleMissing) as refused:
        ucj.rule_on([ended], date(2026, 3, 1))
    assert refused.value.code == "counting_rule_missing"
    assert "01/03/2026" in refused.value.indonesian


@pytest.mark.parametrize(
    ("on", "left"),
    [(date(2024, 8, 12), 4), (date(2025, 1, 1), 11), (date(2025, 6, 30), 6), (date(2025, 12, 1), 0)],
)
def test_months_left_are_the_whole_months_after_the_dates_month(on, left):
    assert ucj.months_left(on) == left


@pytest.mark.parametrize(
    ("gap", "months", "needed"),
    [
        (100, 6, 100),  # six months or more: each person counts fully
        (100, 11, 100),
        (100, 4, 150),  # 4 months: each counts 4/6, so 100 x 6 / 4
        (100, 5, 120),
        (101, 4, 152),  # 151.5 rounded up: the target must be reached
        (0, 4, 0),
        (10, 0, None),  # December: no month left to fund
        (None, 4, None),  # no target
    ],
)
def test_people_needed_to_close_the_gap_in_the_months_left(gap, months, needed):
    assert ucj.people_needed(gap, months) == needed


def test_jambi_2024_gap_after_programs_and_its_price():
    # DOMAIN.md s.8: Jambi 12 Aug 2024, 518,632 / 1,312,370; target 53% = 695,556.
    # Programs count 20,000 now and 35,000 by year end: 15,000 more are coming.
    gap = ucj.gap_after_programs(
        target_participants=695_556, participants=518_632, counted_now=20_000, counted_year_end=35_000
    )
    assert gap == 695_556 - 518_632 - 15_000 == 161_924
    left = ucj.months_left(date(2024, 8, 12))
    needed = ucj.people_needed(gap, left)
    assert (left, needed) == (4, 242_886)  # 161,924 x 6 / 4
    assert ucj.rupiah_needed(needed, [16_800] * left) == 242_886 * 4 * 16_800 == 16_321_939_200


def test_a_target_already_met_needs_nobody():
    assert (
        ucj.gap_after_programs(target_participants=100, participants=90, counted_now=0, counted_year_end=20)
        == 0
    )


def test_the_projection_lists_the_commands_json_keys_in_order():
    projection = ucj.Projection(
        region="17",
        on=date(2025, 10, 31),
        participants=261_814,
        potential=625_750,
        target_pct="45.00",
        target_participants=281_587,
        program_people=71_935,
        program_counted_now=23_978,
        program_counted_year_end=23_978,
        months_left=2,
        people_needed=59_319,
        rupiah_needed=59_319 * 2 * 16_800,
        full_after_months=6,
    )
    assert list(projection.as_dict()) == [
        "region",
        "date",
        "participants",
        "potential",
        "target_pct",
        "target_participants",
        "program_people",
        "program_counted_now",
        "program_counted_year_end",
        "gap_after_programs",
        "months_left",
        "people_needed",
        "rupiah_needed",
    ]
    assert projection.gap_after_programs == 281_587 - 261_814 == 19_773
    assert ucj.people_needed(19_773, 2) == 59_319


def test_what_bengkulus_two_billion_buys_for_its_71935_workers_and_counts():
    # DOMAIN.md s.8: about Rp2 billion a year for 71,935 workers, less than two months.
    bought = ucj.budget_counts(budget_rupiah=2_000_000_000, people=71_935, monthly_rupiah=16_800)
    assert (bought.months, bought.rupiah, bought.counted) == (1, 1_208_508_000, 11_989)
    two = ucj.budget_counts(budget_rupiah=2_417_016_000, people=71_935, monthly_rupiah=16_800)
    assert (two.months, two.counted) == (2, 23_978)  # 71,935 x 2 / 6 = 23,978.33
    year = ucj.budget_counts(budget_rupiah=10**13, people=10, monthly_rupiah=16_800)
    assert (year.months, year.counted) == (12, 10)  # a budget is for one year at most
