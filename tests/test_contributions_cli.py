"""`jaring plan_budget`: the calculator on the command line."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def plan(*args) -> str:
    out = StringIO()
    call_command("plan_budget", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Bengkulu 2025: 80,418 people x 12 months (defaults JKK_JKM, Rp1,000,000, APBD_KAB)
        (["--people", "80418", "--months", "12"], 16_212_268_800),
        (["--people", "80418", "--months", "12", "--date", "2025-01-01"], 16_212_268_800),
        # Jambi BKBK 2023
        (
            ["--people", "112538", "--months", "12", "--source", "BKBK", "--date", "2023-06-01"],
            22_687_660_800,
        ),
        (["--people", "1", "--months", "1", "--package", "JKK_JKM_JHT", "--date", "2025-06-01"], 36_800),
        (
            [
                "--people",
                "1000",
                "--months",
                "3",
                "--source",
                "APBDES",
                "--occupation",
                "ojek_pengemudi",
                "--date",
                "2026-02-01",
            ],
            25_200_000,
        ),
        (
            ["--people", "10", "--months", "12", "--income", "2000000", "--date", "2025-06-01"],
            10 * 12 * 26_800,
        ),
    ],
)
def test_json_is_exactly_one_object_of_integers(db, args, expected):
    output = plan(*args, "--json")
    data = json.loads(output)
    assert set(data) == {"people", "months", "monthly_per_person", "total_rupiah"}
    assert all(type(v) is int for v in data.values())
    assert data["total_rupiah"] == expected
    assert data["people"] * data["months"] * data["monthly_per_person"] == expected


def test_text_output_is_indonesian_rupiah(db):
    output = plan("--people", "80418", "--months", "12", "--date", "2025-06-01")
    assert output.splitlines()[0] == "80.418 orang x 12 bulan x Rp16.800 = Rp16.212.268.800"
    assert "JKM (kematian): Rp6.800 (PP 44/2015)" in output
    discounted = plan(
        "--people", "1", "--months", "1", "--source", "CSR", "--occupation", "petani", "--date", "2026-05-01"
    )
    assert "Diskon JKK + JKM: -Rp8.400" in discounted


def test_a_quote_without_occupation_has_the_discount_every_bpu_has_april_to_december_2026(db):
    # DOMAIN.md s.4: PP 50/2025 discounts every BPU occupation in those months, so an
    # unknown occupation is discounted too (CSR money is not APBD).
    for day in ("2026-04-01", "2026-06-01", "2026-12-31"):
        data = json.loads(plan("--people", "1", "--months", "1", "--source", "CSR", "--date", day, "--json"))
        assert data["monthly_per_person"] == 8_400, day
    text = plan("--people", "1", "--months", "1", "--source", "CSR", "--date", "2026-06-01")
    assert text.splitlines()[0] == "1 orang x 1 bulan x Rp8.400 = Rp8.400"
    for day in ("2026-03-31", "2027-01-01"):  # outside those months only transport workers have it
        data = json.loads(plan("--people", "1", "--months", "1", "--source", "CSR", "--date", day, "--json"))
        assert data["monthly_per_person"] == 16_800, day


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--people", "0", "--months", "12"], "people_invalid"),
        (["--people", "-5", "--months", "12"], "people_invalid"),
        (["--people", "banyak", "--months", "12"], "people_invalid"),
        (["--people", "10", "--months", "0"], "months_invalid"),
        (["--people", "10", "--months", "-1"], "months_invalid"),
        (["--people", "10", "--months", "13"], "months_invalid"),
        (["--people", "10", "--months", "12", "--package", "JHT"], "package_unknown"),
        (["--people", "10", "--months", "12", "--source", "APBN"], "source_unknown"),
        (["--people", "10", "--months", "12", "--date", "2025-13-01"], "date_invalid"),
        (["--people", "10", "--months", "12", "--date", "kemarin"], "date_invalid"),
        (["--people", "10", "--months", "12", "--income", "0"], "income_invalid"),
        (["--people", "10", "--months", "12", "--date", "2010-01-01"], "rate_missing"),
    ],
)
def test_bad_input_is_a_command_error_with_code_and_indonesian_message(db, args, code):
    with pytest.raises(CommandError) as refused:
        plan(*args, "--json")
    prefix, _, message = str(refused.value).partition(": ")
    assert prefix == code
    assert message and any(word in message for word in ("harus", "tidak", "Belum"))
