"""`jaring benefit_quote`: the benefit calculator on the command line, from the rule
table a fresh database is seeded with."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def quote(*args) -> str:
    out = StringIO()
    call_command("benefit_quote", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "total", "components"),
    [
        (
            ["--kind", "jkm", "--income", "1000000"],
            42_000_000,
            {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000},
        ),
        (
            ["--kind", "jkk_death", "--income", "1000000", "--event-date", "2025-06-14"],
            70_000_000,
            {"death_benefit": 48_000_000, "periodic": 12_000_000, "funeral": 10_000_000},
        ),
        (
            ["--kind", "jkk_death", "--income", "300000"],
            42_000_000,
            {"death_benefit": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000},
        ),
        (["--kind", "jkk_total_disability", "--income", "1000000"], 56_000_000, {"disability": 56_000_000}),
        (
            ["--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "10"],
            8_000_000,
            {"disability": 8_000_000},
        ),
        (
            ["--kind", "jkm", "--income", "1000000", "--membership-months", "36", "--child", "SMA:1"],
            45_000_000,
            {
                "lump_sum": 20_000_000,
                "periodic": 12_000_000,
                "funeral": 10_000_000,
                "scholarship_child_1": 3_000_000,
            },
        ),
        (
            ["--kind", "jkm", "--income", "1000000", "--membership-months", "35", "--child", "SMA:1"],
            42_000_000,
            {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000},
        ),
        (
            ["--kind", "jkk_injury", "--income", "2000000", "--incapacity-months", "14"],
            26_000_000,
            {"temporary_incapacity": 24_000_000, "temporary_incapacity_reduced": 2_000_000},
        ),
    ],
)
def test_json_is_exactly_kind_total_and_components(db, args, total, components):
    data = json.loads(quote(*args, "--json"))
    assert set(data) == {"kind", "total_rupiah", "components"}
    assert data["kind"] == args[1]
    assert data["total_rupiah"] == total
    assert data["components"] == components
    assert all(type(v) is int for v in data["components"].values())


def test_text_output_is_indonesian_rupiah(db):
    output = quote("--kind", "jkm", "--income", "1000000", "--event-date", "2025-06-14")
    lines = output.splitlines()
    assert lines[0] == "Kematian (JKM): Rp42.000.000"
    assert "  Santunan kematian sekaligus: Rp20.000.000 = Rp20.000.000 (PP 82/2019)" in lines
    assert lines[-1] == "  aturan per 14/06/2025"
    partial = quote("--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "12,5")
    assert "12,5% x 80 x Rp1.000.000" in partial


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--kind", "jkk_partial_disability", "--income", "1000000"], "disability_pct_required"),
        (
            ["--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "0"],
            "disability_pct_out_of_range",
        ),
        (
            ["--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "101"],
            "disability_pct_out_of_range",
        ),
        (
            ["--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "-3"],
            "disability_pct_out_of_range",
        ),
        (
            ["--kind", "jkk_partial_disability", "--income", "1000000", "--disability-pct", "x"],
            "disability_pct_invalid",
        ),
        (["--kind", "jkm", "--income", "1000000", "--disability-pct", "10"], "disability_pct_not_applicable"),
        (["--kind", "jkm", "--income", "-1000000"], "income_invalid"),
        (["--kind", "jkm", "--income", "0"], "income_invalid"),
        (["--kind", "jkm", "--income", "satu juta"], "income_invalid"),
        (["--kind", "jkm", "--income", "1000000", "--membership-months", "-2"], "membership_months_invalid"),
        (
            ["--kind", "jkm", "--income", "1000000", "--membership-months", "lama"],
            "membership_months_invalid",
        ),
        (["--kind", "jkh", "--income", "1000000"], "kind_unknown"),
        (["--kind", "jkm", "--income", "1000000", "--event-date", "2025-02-30"], "date_invalid"),
        (["--kind", "jkm", "--income", "1000000", "--event-date", "2019-12-01"], "benefit_rule_missing"),
        (["--kind", "jkk_injury", "--income", "1000000"], "incapacity_months_required"),
        (
            ["--kind", "jkm", "--income", "1", "--child", "SD", "--child", "SD", "--child", "TK"],
            "too_many_children",
        ),
        (["--kind", "jkm", "--income", "1", "--child", "SD:x"], "child_year_invalid"),
        (["--kind", "jkm", "--income", "1", "--child", "PAUD"], "child_level_unknown"),
    ],
)
def test_bad_input_prints_code_and_message(db, args, code):
    with pytest.raises(CommandError) as refused:
        quote(*args)
    assert str(refused.value).startswith(f"{code}: ")
    assert len(str(refused.value)) > len(code) + 10
