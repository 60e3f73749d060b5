"""The pure contribution rules (no database): DOMAIN.md s.4 and s.8 figures, rounding,
missing and ambiguous rules, rule validation, scenario arithmetic, count rows."""

import importlib
from datetime import date

import pytest

from jaring.contributions import counts, planning, rates
from jaring.contributions.vocab import APBD_SOURCES, Component, FundingSource, Package
from jaring.errors import DomainError, InvalidInput
from jaring.registry.vocab import Occupation

# The rules the data migrations seed (0003 corrects the PP 50/2025 discounts of 0002), as
# the pure module sees them.
SEED = importlib.import_module("jaring.contributions.migrations.0002_seed_bpu_contribution_rates")
DISCOUNTS = importlib.import_module("jaring.contributions.migrations.0003_discount_every_bpu_occupation_2026")
SEEDED = [
    rates.RateRule(
        id=index,
        component=r["component"],
        effective_from=r["effective_from"],
        effective_to=r.get("effective_to"),
        packages=frozenset(r["packages"]),
        sources=frozenset(r.get("sources", ())),
        occupations=frozenset(r.get("occupations", ())),
        rate_bp=r.get("rate_bp"),
        amount=r.get("amount_rupiah"),
        basis=r["basis"],
    )
    for index, r in enumerate(
        [*(r for r in SEED.RULES if r["component"] != "DISCOUNT"), *DISCOUNTS.DISCOUNTS], start=1
    )
]
OJEK = Occupation.OJEK_PENGEMUDI.value


def quote(on, *, package="JKK_JKM", source="APBD_KAB", occupation=None, income=1_000_000, rules=SEEDED):
    return rates.quote_monthly(
        rules, on=on, package=package, source=source, occupation=occupation, income=income
    )


@pytest.mark.parametrize(
    ("on", "package", "source", "occupation", "monthly"),
    [
        # standard government package on Rp1,000,000; adding JHT
        (date(2025, 6, 1), "JKK_JKM", "APBD_KAB", None, 16_800),
        (date(2025, 6, 1), "JKK_JKM_JHT", "APBD_KAB", None, 36_800),
        # PP 50/2025: transport workers Jan 2026 - Mar 2027, other BPU Apr - Dec 2026, non-APBD payers
        (date(2026, 2, 1), "JKK_JKM", "APBDES", OJEK, 8_400),
        (date(2026, 5, 1), "JKK_JKM", "APBDES", "petani", 8_400),
        (date(2026, 5, 1), "JKK_JKM", "CSR", "nelayan", 8_400),
        (date(2026, 1, 1), "JKK_JKM", "APBDES", OJEK, 8_400),
        (date(2025, 12, 31), "JKK_JKM", "APBDES", OJEK, 16_800),
        (date(2027, 3, 31), "JKK_JKM", "APBDES", OJEK, 8_400),
        (date(2027, 4, 1), "JKK_JKM", "APBDES", OJEK, 16_800),
        (date(2026, 2, 1), "JKK_JKM", "APBDES", "petani", 16_800),  # before April
        (date(2026, 3, 31), "JKK_JKM", "APBDES", "petani", 16_800),
        (date(2026, 4, 1), "JKK_JKM", "APBDES", "petani", 8_400),
        (date(2026, 12, 31), "JKK_JKM", "APBDES", "lainnya", 8_400),
        (date(2027, 1, 15), "JKK_JKM", "APBDES", "petani", 16_800),  # discount over for other BPU
        # JHT is not discounted: 8,400 + 20,000
        (date(2026, 5, 1), "JKK_JKM_JHT", "APBDES", "petani", 28_400),
        # April - December 2026 every BPU occupation is discounted, so an unknown one is too
        (date(2026, 5, 1), "JKK_JKM", "APBDES", None, 8_400),
        (date(2026, 4, 1), "JKK_JKM", "CSR", None, 8_400),
        (date(2026, 12, 31), "JKK_JKM", "CSR", None, 8_400),
        (date(2026, 6, 1), "JKK_JKM", "APBDES", OJEK, 8_400),
        # outside those months only transport workers have it, so an unknown occupation not
        (date(2026, 3, 31), "JKK_JKM", "CSR", None, 16_800),
        (date(2027, 1, 1), "JKK_JKM", "CSR", None, 16_800),
    ],
)
def test_monthly_contribution_follows_domain_figures(on, package, source, occupation, monthly):
    assert quote(on, package=package, source=source, occupation=occupation).total == monthly


@pytest.mark.parametrize("source", sorted(APBD_SOURCES))
@pytest.mark.parametrize("occupation", [OJEK, "petani", None])
def test_no_discount_for_apbd_money_in_2026(source, occupation):
    for on in (date(2026, 2, 1), date(2026, 6, 1), date(2027, 2, 1)):
        result = quote(on, source=source, occupation=occupation)
        assert result.total == 16_800
        assert result.rupiah(rates.DISCOUNT) == 0


def test_standard_package_is_201_600_a_year():
    assert quote(date(2025, 6, 1)).total * 12 == 201_600


def test_lines_name_each_component_and_sum_to_the_total():
    discounted = quote(date(2026, 5, 1), package="JKK_JKM_JHT", source="APBDES", occupation="petani")
    assert [(line.component, line.rupiah) for line in discounted.lines] == [
        ("JKK", 10_000),
        ("JKM", 6_800),
        ("JHT", 20_000),
        ("DISCOUNT", -8_400),
    ]
    assert sum(line.rupiah for line in discounted.lines) == discounted.total
    assert discounted.lines[-1].basis.startswith("PP 50/2025")
    assert set(discounted.rule_ids) == {1, 2, 3, 5}


@pytest.mark.parametrize(
    ("income", "jkk", "jht"),
    [
        (1_234_567, 12_346, 24_691),  # 12,345.67 -> 12,346; 24,691.34 -> 24,691
        (1_234_550, 12_346, 24_691),  # exactly half rounds up
        (1_234_549, 12_345, 24_691),  # 12,345.49 -> 12,345; 24,690.98 -> 24,691
        (1_000_025, 10_000, 20_001),  # 10,000.25 -> 10,000; 20,000.5 -> 20,001
        (20_700_000, 207_000, 414_000),  # the top bracket of DOMAIN.md s.4
    ],
)
def test_percentages_round_half_up_to_whole_rupiah(income, jkk, jht):
    result = quote(date(2025, 6, 1), package="JKK_JKM_JHT", income=income)
    assert result.rupiah("JKK") == jkk
    assert result.rupiah("JHT") == jht
    assert result.total == jkk + 6_800 + jht
    assert all(isinstance(line.rupiah, int) for line in result.lines)


def test_discount_of_an_odd_subtotal_rounds_half_up_and_lines_still_sum():
    result = quote(date(2026, 5, 1), source="APBDES", occupation="petani", income=1_000_100)
    assert result.rupiah("JKK") == 10_001
    assert result.rupiah("DISCOUNT") == -8_401  # 50% of 16,801 = 8,400.5
    assert result.total == 8_400 == sum(line.rupiah for line in result.lines)


def test_a_fixed_discount_never_exceeds_the_subtotal():
    rules = [
        *SEEDED[:3],
        rates.RateRule(
            component=rates.DISCOUNT,
            effective_from=date(2030, 1, 1),
            packages=frozenset({"JKK_JKM"}),
            amount=50_000,
        ),
    ]
    assert quote(date(2030, 1, 1), rules=rules).total == 0


def test_missing_rule_is_a_clear_domain_error():
    with pytest.raises(DomainError) as before_2015:
        quote(date(2010, 1, 1))
    assert before_2015.value.code == "rate_missing"
    assert "JKK" in before_2015.value.message and "01/01/2010" in before_2015.value.message
    without_jht = [r for r in SEEDED if r.component != rates.JHT]
    with pytest.raises(DomainError) as no_jht:
        quote(date(2025, 6, 1), package="JKK_JKM_JHT", rules=without_jht)
    assert no_jht.value.code == "rate_missing"
    assert "JHT" in no_jht.value.message
    assert quote(date(2025, 6, 1), rules=without_jht).total == 16_800


def test_two_rules_for_the_same_case_are_refused_not_guessed():
    second_jkm = rates.RateRule(
        component=rates.JKM, effective_from=date(2025, 1, 1), packages=frozenset({"JKK_JKM"}), amount=7_000
    )
    with pytest.raises(DomainError) as ambiguous:
        quote(date(2025, 6, 1), rules=[*SEEDED, second_jkm])
    assert ambiguous.value.code == "rate_ambiguous"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"package": "JKK"}, "package_unknown"),
        ({"source": "APBN"}, "source_unknown"),
        ({"income": 0}, "income_invalid"),
        ({"income": -1_000_000}, "income_invalid"),
        ({"income": 1_000_000.0}, "income_invalid"),  # floats never enter money arithmetic
    ],
)
def test_bad_quote_input_is_refused(kwargs, code):
    with pytest.raises(InvalidInput) as refused:
        quote(date(2025, 6, 1), **kwargs)
    assert refused.value.code == code


def test_overlap_considers_dates_packages_sources_and_occupations():
    ojek, every_bpu, ojek_2027 = SEEDED[3:6]
    assert not ojek.overlaps(every_bpu) and not every_bpu.overlaps(ojek_2027)  # one after the other
    others = rates.RateRule(  # same dates as the transport rule, disjoint occupations
        component=rates.DISCOUNT,
        effective_from=ojek.effective_from,
        effective_to=ojek.effective_to,
        packages=frozenset({"JKK_JKM"}),
        occupations=frozenset({"petani"}),
        rate_bp=1_000,
    )
    assert not ojek.overlaps(others)
    everyone = rates.RateRule(
        component=rates.DISCOUNT,
        effective_from=date(2026, 6, 1),
        effective_to=date(2026, 6, 30),
        packages=frozenset({"JKK_JKM"}),
        rate_bp=1_000,
    )
    assert everyone.overlaps(every_bpu) and not everyone.overlaps(ojek)  # June 2026, after March
    later = rates.RateRule(
        component=rates.DISCOUNT,
        effective_from=date(2027, 4, 1),
        packages=frozenset({"JKK_JKM"}),
        occupations=frozenset({OJEK}),
        rate_bp=1_000,
    )
    assert not later.overlaps(ojek) and not later.overlaps(ojek_2027)
    apbd_only = rates.RateRule(
        component=rates.DISCOUNT,
        effective_from=date(2026, 6, 1),
        packages=frozenset({"JKK_JKM"}),
        sources=frozenset({"APBD_KAB"}),
        rate_bp=1_000,
    )
    assert not apbd_only.overlaps(ojek)
    assert not SEEDED[0].overlaps(SEEDED[1])  # JKK and JKM are different components


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"rate_bp": 100, "amount": 6_800}, "rate_value_required"),
        ({"rate_bp": None, "amount": None}, "rate_value_required"),
        ({"rate_bp": 0}, "rate_out_of_range"),
        ({"rate_bp": 10_001}, "rate_out_of_range"),
        ({"packages": frozenset()}, "rate_packages_empty"),
        ({"component": "JHT", "packages": frozenset({"JKK_JKM"})}, "rate_package_mismatch"),
        ({"effective_to": date(2014, 12, 31)}, "rate_dates_reversed"),
    ],
)
def test_validate_rule_names_the_problem(changes, code):
    base = {
        "component": "JKK",
        "effective_from": date(2015, 7, 1),
        "packages": frozenset({"JKK_JKM"}),
        "rate_bp": 100,
    }
    with pytest.raises(InvalidInput) as refused:
        rates.validate_rule(rates.RateRule(**{**base, **changes}))
    assert refused.value.code == code


def test_pure_codes_match_the_vocabularies():
    assert set(rates.COMPONENTS) == set(Component.values)
    assert set(rates.PACKAGE_COMPONENTS) == set(Package.values)
    assert set(rates.SOURCES) == set(FundingSource.values)
    for occupation in [*(m.value for m in Occupation), None]:  # every occupation has its period, known or not
        assert quote(date(2026, 6, 1), source="CSR", occupation=occupation).total == 8_400, occupation


# -- budget arithmetic (DOMAIN.md s.8) --------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "months", "monthly", "total"),
    [
        (80_418, 12, 16_800, 16_212_268_800),  # Bengkulu 2025 request
        (112_538, 12, 16_800, 22_687_660_800),  # Jambi BKBK 2023
        (1_000, 3, 8_400, 25_200_000),
    ],
)
def test_budget_is_people_times_months_times_rate(people, months, monthly, total):
    assert planning.budget_rupiah(people=people, months=months, monthly_per_person=monthly) == total


def test_percent_of_vulnerable_rounds_down_per_regency():
    lines = planning.plan_lines(
        kind=planning.PERCENT_OF_VULNERABLE,
        basis_counts={"1702": 1_001, "1701": 10},
        months=12,
        monthly_per_person=16_800,
        percent=70,
    )
    assert [(ln.region_code, ln.people, ln.rupiah) for ln in lines] == [
        ("1701", 7, 7 * 201_600),
        ("1702", 700, 700 * 201_600),  # 700.7 people is 700
    ]


def test_per_village_multiplies_villages():
    lines = planning.plan_lines(
        kind=planning.PER_VILLAGE,
        basis_counts={"1504": 110},
        months=12,
        monthly_per_person=16_800,
        per_village=75,
    )
    assert (lines[0].people, lines[0].rupiah) == (8_250, 8_250 * 201_600)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": planning.PERCENT_OF_VULNERABLE, "percent": 0}, "percent_invalid"),
        ({"kind": planning.PERCENT_OF_VULNERABLE, "percent": 101}, "percent_invalid"),
        ({"kind": planning.PER_VILLAGE, "per_village": 0}, "per_village_invalid"),
        ({"kind": "per_person", "percent": 10}, "scenario_kind_unknown"),
        ({"kind": planning.PER_VILLAGE, "per_village": 5, "months": 13}, "months_invalid"),
    ],
)
def test_plan_lines_refuse_bad_parameters(kwargs, code):
    with pytest.raises(InvalidInput) as refused:
        planning.plan_lines(**{"basis_counts": {"1504": 1}, "months": 12, "monthly_per_person": 1, **kwargs})
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (16_212_268_800, "Rp16.212.268.800"),
        (8_400, "Rp8.400"),
        (0, "Rp0"),
        (-8_400, "-Rp8.400"),
        (None, "\u2013"),
    ],
)
def test_rupiah_is_written_with_dots(amount, text):
    assert planning.format_rupiah(amount) == text


# -- one row of a worker-count file ------------------------------------------------------------


def _row(**values):
    cells = {"KODE_WILAYAH": "15.04", "TAHUN": 2025, "PEKERJA_RENTAN": "12.500", **values}
    return counts.parse_count_row(
        cells, row=7, regency_codes={"1504", "1571", "1701"}, in_jurisdiction=lambda c: c.startswith("15")
    )


def test_a_good_count_row_becomes_a_record():
    assert _row() == counts.CountRecord(row=7, region_code="1504", year=2025, vulnerable_workers=12_500)
    assert _row(TAHUN=2025.0, PEKERJA_RENTAN=12500.0, KODE_WILAYAH=1504.0).vulnerable_workers == 12_500


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"KODE_WILAYAH": ""}, "KODE_WILAYAH", "region_required"),
        ({"KODE_WILAYAH": "15"}, "KODE_WILAYAH", "region_not_regency"),
        ({"KODE_WILAYAH": "15.99"}, "KODE_WILAYAH", "region_unknown"),
        ({"KODE_WILAYAH": "17.01"}, "KODE_WILAYAH", "region_outside_jurisdiction"),
        ({"TAHUN": "20x5"}, "TAHUN", "year_invalid"),
        ({"TAHUN": 1999}, "TAHUN", "year_invalid"),
        ({"PEKERJA_RENTAN": "-3"}, "PEKERJA_RENTAN", "count_invalid"),
        ({"PEKERJA_RENTAN": 12.5}, "PEKERJA_RENTAN", "count_invalid"),
        ({"PEKERJA_RENTAN": None}, "PEKERJA_RENTAN", "count_invalid"),
    ],
)
def test_a_bad_count_row_names_row_column_and_fix(values, column, code):
    errors = _row(**values)
    assert [(e.row, e.column, e.code) for e in errors] == [(7, column, code)]
    assert "mis." in errors[0].message or "Periksa" in errors[0].message or "Hapus" in errors[0].message


def test_the_rule_modules_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys; import jaring.contributions.rates, jaring.contributions.planning, "
        "jaring.contributions.counts; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
