"""The pure benefit rules (no database): every example of DOMAIN.md s.5 and s.8 under
the rules the data migration seeds, the scholarship schedule, rule dates, and bad input."""

import importlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from jaring.claims import benefits
from jaring.claims.benefits import BenefitRule, Child, ScholarshipLevel, quote_benefit
from jaring.errors import DomainError, InvalidInput

SEED = importlib.import_module("jaring.claims.migrations.0002_seed_benefit_rules")
RULES = [
    BenefitRule(
        id=index,
        kind=r["kind"],
        component=r["component"],
        calculation=r["calculation"],
        effective_from=SEED.PP_82_2019,
        amount=r.get("amount_rupiah"),
        income_percent=r.get("income_percent"),
        minimum=r.get("minimum_rupiah"),
        months_from=r.get("months_from"),
        months_to=r.get("months_to"),
        min_membership_months=r.get("min_membership_months", 0),
        max_children=r.get("max_children"),
        basis=SEED.BASIS,
    )
    for index, r in enumerate(SEED.RULES, start=1)
]
LEVELS = [
    ScholarshipLevel(
        id=index,
        level=lv["level"],
        order=lv["order"],
        annual=lv["annual_rupiah"],
        years=lv["years"],
        effective_from=SEED.PP_82_2019,
    )
    for index, lv in enumerate(SEED.LEVELS, start=1)
]
ON = date(2025, 6, 14)


def quote(kind, income=1_000_000, *, rules=RULES, levels=LEVELS, on=ON, **kwargs):
    return quote_benefit(rules, levels, kind=kind, income=income, event_date=on, **kwargs)


# --- DOMAIN.md s.5 and s.8 -----------------------------------------------------------


def test_jkm_death_of_an_active_member_is_42_million_in_three_parts():
    result = quote("jkm")
    assert result.total == 42_000_000
    assert result.components == {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000}
    assert result.as_dict() == {
        "kind": "jkm",
        "total_rupiah": 42_000_000,
        "components": {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000},
    }


@pytest.mark.parametrize("income", [1_000_000, 5_000_000, 20_700_000])
def test_jkm_does_not_depend_on_income(income):
    assert quote("jkm", income).total == 42_000_000


def test_jkm_needs_no_waiting_period():
    """The Jambi BKBK farmer enrolled a week before his death was paid in full."""
    assert quote("jkm", membership_months=0).total == 42_000_000


@pytest.mark.parametrize(
    ("income", "death_benefit"),
    [
        (1_000_000, 48_000_000),  # DOMAIN.md s.8
        (2_500_000, 120_000_000),
        (20_700_000, 993_600_000),
        (400_000, 20_000_000),  # 48 x 400,000 = 19,200,000: at least the JKM lump sum
        (416_667, 20_000_016),  # just above the minimum
    ],
)
def test_jkk_death_is_48_times_income_at_least_the_jkm_lump_sum_plus_periodic_and_funeral(
    income, death_benefit
):
    result = quote("jkk_death", income)
    assert result.components == {
        "death_benefit": death_benefit,
        "periodic": 12_000_000,
        "funeral": 10_000_000,
    }
    assert result.total == death_benefit + 22_000_000


def test_jkk_death_on_one_million_is_70_million():
    assert quote("jkk_death").total == 70_000_000


@pytest.mark.parametrize(("income", "total"), [(1_000_000, 56_000_000), (3_250_000, 182_000_000)])
def test_total_permanent_disability_is_56_times_income(income, total):
    assert quote("jkk_total_disability", income).components == {"disability": total}


@pytest.mark.parametrize(
    ("pct", "income", "expected"),
    [
        (10, 1_000_000, 8_000_000),  # 10% x 80 x 1,000,000
        ("25", 1_000_000, 20_000_000),
        ("12,5", 1_000_000, 10_000_000),
        (Decimal("12.5"), 2_000_000, 20_000_000),
        ("100", 1_000_000, 80_000_000),
        ("0.01", 1_000_000, 8_000),
        ("33.33", 1_234_567, 32_918_494),  # 0.3333 x 80 x 1,234,567 = 32,918,494.488 -> rounded
        ("1", 1_000_001, 800_001),  # 800,000.8 rounds half up
    ],
)
def test_partial_disability_is_percentage_times_80_times_income(pct, income, expected):
    assert quote("jkk_partial_disability", income, disability_pct=pct).components == {"disability": expected}


@pytest.mark.parametrize(
    ("months", "components"),
    [
        (0, {}),
        (1, {"temporary_incapacity": 1_000_000}),
        (12, {"temporary_incapacity": 12_000_000}),
        (13, {"temporary_incapacity": 12_000_000, "temporary_incapacity_reduced": 500_000}),
        (20, {"temporary_incapacity": 12_000_000, "temporary_incapacity_reduced": 4_000_000}),
    ],
)
def test_temporary_incapacity_is_full_income_for_12_months_then_half(months, components):
    result = quote("jkk_injury", incapacity_months=months)
    assert result.components == components
    assert any("fasilitas kesehatan" in note for note in result.notes)  # medical care is not cash


def test_half_rupiah_rounds_up():
    result = quote("jkk_injury", 1_000_001, incapacity_months=13)
    assert result.components["temporary_incapacity_reduced"] == 500_001  # 500,000.5


# --- scholarships -----------------------------------------------------------------------


def test_full_schedule_is_87_million_per_child_and_174_million_for_two():
    per_child = sum(lv.annual * lv.years for lv in LEVELS)
    assert per_child == 87_000_000
    result = quote("jkk_death", children=[Child("BELUM"), Child("BELUM")])
    assert [s.entitlement for s in result.scholarships] == [87_000_000, 87_000_000]
    assert result.components["scholarship_child_1"] == 0  # not at school yet: nothing paid now


def test_jkm_scholarship_needs_36_paid_months():
    children = [Child("SD", 3, "Rina")]
    short = quote("jkm", membership_months=35, children=children)
    assert short.total == 42_000_000
    assert short.scholarships == ()
    assert "35 bulan" in short.notes[0] and "36 bulan" in short.notes[0]
    enough = quote("jkm", membership_months=36, children=children)
    assert enough.components["scholarship_child_1"] == 1_500_000
    assert enough.total == 43_500_000


@pytest.mark.parametrize("kind", ["jkk_death", "jkk_total_disability"])
def test_jkk_death_and_total_disability_scholarship_needs_no_minimum_membership(kind):
    result = quote(kind, membership_months=1, children=[Child("SMA", 1), Child("S1", 2)])
    assert result.components["scholarship_child_1"] == 3_000_000
    assert result.components["scholarship_child_2"] == 12_000_000
    assert result.scholarship_rupiah == 15_000_000
    assert result.scholarship_children == 2


@pytest.mark.parametrize(
    ("child", "this_year", "entitlement", "years"),
    [
        (Child("TK", 1), 1_500_000, 87_000_000, 19),
        (Child("TK", 2), 1_500_000, 85_500_000, 18),
        (Child("SD", 1), 1_500_000, 84_000_000, 17),
        (Child("SD", 6), 1_500_000, 76_500_000, 12),
        (Child("SMP", 1), 2_000_000, 75_000_000, 11),
        (Child("SMA", 3), 3_000_000, 63_000_000, 6),
        (Child("S1", 5), 12_000_000, 12_000_000, 1),
    ],
)
def test_scholarship_pays_this_school_year_and_entitles_the_rest_of_the_schedule(
    child, this_year, entitlement, years
):
    (granted,) = quote("jkk_death", children=[child]).scholarships
    assert (granted.this_year, granted.entitlement, granted.years) == (this_year, entitlement, years)


def test_scholarship_ends_the_year_the_child_turns_23():
    child = Child("S1", 1, "Andi", birth_date=date(2003, 1, 10))  # 22 on the event date
    (granted,) = quote("jkk_death", children=[child]).scholarships
    assert (granted.years, granted.entitlement) == (1, 12_000_000)
    with pytest.raises(InvalidInput) as refused:
        quote("jkk_death", children=[replace(child, birth_date=date(2002, 6, 14))])  # 23 that day
    assert refused.value.code == "child_too_old"
    assert "Andi" in refused.value.message and "23" in refused.value.message


def test_scholarship_is_capped_for_all_children_together():
    capped = [replace(r, amount=100_000_000) if r.component == "scholarship" else r for r in RULES]
    result = quote("jkk_death", rules=capped, children=[Child("TK", 1), Child("TK", 1)])
    assert [s.entitlement for s in result.scholarships] == [87_000_000, 13_000_000]
    assert [s.this_year for s in result.scholarships] == [1_500_000, 1_500_000]


def test_more_than_two_children_is_refused():
    with pytest.raises(InvalidInput) as refused:
        quote("jkk_death", children=[Child("SD", 1)] * 3)
    assert refused.value.code == "too_many_children"
    assert "2 anak" in refused.value.message


@pytest.mark.parametrize(
    ("child", "code"),
    [
        (Child("SMK", 1), "child_level_unknown"),
        (Child("SD", 7), "child_year_invalid"),
        (Child("TK", 0), "child_year_invalid"),
    ],
)
def test_bad_children_are_named(child, code):
    with pytest.raises(InvalidInput) as refused:
        quote("jkk_death", children=[child])
    assert refused.value.code == code
    assert refused.value.field == "children"


@pytest.mark.parametrize("kind", ["jkk_partial_disability", "jkk_injury"])
def test_kinds_without_scholarship_refuse_children(kind):
    extra = {"disability_pct": 10} if kind == "jkk_partial_disability" else {"incapacity_months": 1}
    with pytest.raises(InvalidInput) as refused:
        quote(kind, children=[Child("SD", 1)], **extra)
    assert refused.value.code == "scholarship_not_applicable"


# --- rule dates ---------------------------------------------------------------------


def test_no_rule_before_pp_82_2019_is_a_clear_error():
    assert quote("jkm", on=date(2019, 12, 2)).total == 42_000_000
    with pytest.raises(DomainError) as missing:
        quote("jkm", on=date(2019, 12, 1))
    assert missing.value.code == "benefit_rule_missing"
    assert "01/12/2019" in missing.value.message


def test_a_new_rule_prices_events_from_its_date_only():
    ended = [
        replace(r, effective_to=date(2025, 12, 31)) if (r.kind, r.component) == ("jkm", "lump_sum") else r
        for r in RULES
    ]
    raised = [
        *ended,
        BenefitRule(
            kind="jkm",
            component="lump_sum",
            calculation="fixed",
            amount=25_000_000,
            effective_from=date(2026, 1, 1),
            id=99,
        ),
    ]
    assert quote("jkm", rules=raised, on=date(2025, 12, 31)).total == 42_000_000
    assert quote("jkm", rules=raised, on=date(2026, 1, 1)).total == 47_000_000
    assert 99 in quote("jkm", rules=raised, on=date(2026, 1, 1)).rule_ids


def test_two_rules_for_one_component_on_one_day_are_ambiguous():
    doubled = [*RULES, replace(RULES[0], id=77, effective_from=date(2025, 1, 1))]
    with pytest.raises(DomainError) as ambiguous:
        quote("jkm", rules=doubled)
    assert ambiguous.value.code == "benefit_rule_ambiguous"
    assert quote("jkm", rules=doubled, on=date(2024, 12, 31)).total == 42_000_000


def test_quote_lists_the_rules_that_priced_it():
    assert quote("jkm").rule_ids == [1, 2, 3]


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "income", "kwargs", "code"),
    [
        ("jkk_partial_disability", 1_000_000, {}, "disability_pct_required"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": ""}, "disability_pct_required"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": 0}, "disability_pct_out_of_range"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": "-5"}, "disability_pct_out_of_range"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": "100.01"}, "disability_pct_out_of_range"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": "banyak"}, "disability_pct_invalid"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": "NaN"}, "disability_pct_invalid"),
        ("jkk_partial_disability", 1_000_000, {"disability_pct": "12.345"}, "disability_pct_invalid"),
        ("jkm", 1_000_000, {"disability_pct": 10}, "disability_pct_not_applicable"),
        ("jkk_injury", 1_000_000, {}, "incapacity_months_required"),
        ("jkk_injury", 1_000_000, {"incapacity_months": -1}, "incapacity_months_invalid"),
        ("jkm", 1_000_000, {"incapacity_months": 2}, "incapacity_months_not_applicable"),
        ("jkm", 0, {}, "income_invalid"),
        ("jkm", -1_000_000, {}, "income_invalid"),
        ("jkm", True, {}, "income_invalid"),
        ("jkm", 1_000_000.0, {}, "income_invalid"),
        ("jkm", 1_000_000, {"membership_months": -1}, "membership_months_invalid"),
        ("jkh", 1_000_000, {}, "kind_unknown"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_field(kind, income, kwargs, code):
    with pytest.raises(InvalidInput) as refused:
        quote(kind, income, **kwargs)
    assert refused.value.code == code
    assert refused.value.message


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"component": "bonus"}, "component_unknown"),
        ({"calculation": "magic"}, "calculation_unknown"),
        ({"amount": None}, "amount_required"),
        ({"amount": 0}, "amount_required"),
        ({"calculation": "income_multiple", "amount": None}, "income_percent_required"),
        ({"component": "scholarship"}, "calculation_mismatch"),
        ({"effective_to": date(2019, 1, 1)}, "rule_dates_reversed"),
        ({"kind": "jkh"}, "kind_unknown"),
    ],
)
def test_rule_validation(changes, code):
    with pytest.raises(InvalidInput) as refused:
        benefits.validate_rule(replace(RULES[0], **changes))
    assert refused.value.code == code


def test_seeded_rules_are_valid_and_do_not_overlap():
    for rule in RULES:
        benefits.validate_rule(rule)
    pairs = [(a, b) for i, a in enumerate(RULES) for b in RULES[i + 1 :]]
    assert not any(a.overlaps(b) for a, b in pairs)


def test_rupiah_format():
    assert benefits.rupiah(42_000_000) == "Rp42.000.000"
    assert benefits.rupiah(-8_400) == "-Rp8.400"
