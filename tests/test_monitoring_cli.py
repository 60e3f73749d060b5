"""`jaring coverage` and `jaring import_coverage`: the exact JSON, derived province
figures with the notice, target inheritance, errors as code: message."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .coverage_files import JAMBI_AUG_2024, load, write_csv

pytestmark = pytest.mark.django_db
KEYS = [
    "region",
    "date",
    "participants",
    "potential",
    "coverage_pct",
    "target_pct",
    "target_participants",
    "gap_participants",
    "gap_budget_rupiah",
]


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _json(*args) -> dict:
    return json.loads(_run("coverage", *args, "--json"))


def test_jambi_on_12_august_2024_reads_39_52_with_its_target(tmp_path):
    load(tmp_path, [*JAMBI_AUG_2024, ["15", "2024-12-31", 592_806, 1_312_370, ""]])
    data = _json("--region", "15", "--date", "2024-08-12")
    assert list(data) == [*KEYS, "children"]
    assert {k: data[k] for k in KEYS} == {
        "region": "15",
        "date": "2024-08-12",
        "participants": 518_632,
        "potential": 1_312_370,
        "coverage_pct": "39.52",
        "target_pct": "53.00",
        "target_participants": 695_556,
        "gap_participants": 176_924,
        "gap_budget_rupiah": 176_924 * 201_600,
    }
    batanghari, kota = data["children"]  # ranked by coverage, highest first
    assert list(batanghari) == KEYS
    assert (batanghari["region"], batanghari["coverage_pct"], batanghari["target_pct"]) == (
        "1504",
        "50.71",
        "53.00",
    )
    assert (kota["region"], kota["coverage_pct"]) == ("1571", "38.61")
    assert batanghari["target_participants"] == 52_049 and batanghari["gap_participants"] == 2_246


def test_the_latest_figures_on_or_before_the_date_are_used(tmp_path):
    load(tmp_path, [*JAMBI_AUG_2024, ["15", "2024-12-31", 592_806, 1_312_370, ""]])
    assert _json("--region", "15", "--date", "2024-12-30")["date"] == "2024-08-12"
    december = _json("--region", "15", "--date", "2025-03-01")
    assert (december["date"], december["coverage_pct"]) == ("2024-12-31", "45.17")
    assert december["children"][0]["date"] == "2024-08-12"  # the regencies' latest
    before = _json("--region", "15", "--date", "2024-08-11")
    assert before["date"] is None and before["children"] == []


def test_a_province_without_its_own_row_is_the_sum_of_its_regencies(tmp_path):
    load(
        tmp_path,
        [
            ["17", "2024-01-01", "", "", 45],
            ["17.01", "2024-12-31", 23_800, 52_089, ""],
            ["17.71", "2024-12-31", 57_326, 117_781, 50],
        ],
    )
    data = _json("--region", "17", "--date", "2024-12-31")
    assert (data["participants"], data["potential"], data["coverage_pct"]) == (81_126, 169_870, "47.76")
    assert data["target_pct"] == "45.00"  # the province's own target
    by_code = {c["region"]: c for c in data["children"]}
    assert by_code["1701"]["target_pct"] == "45.00"  # inherited from the province
    assert by_code["1771"]["target_pct"] == "50.00"  # its own
    assert "notes" in data and "2 dari 10" in data["notes"][0]


def test_a_given_province_that_disagrees_with_its_regencies_wins_and_says_so(tmp_path):
    load(
        tmp_path, [["15", "2024-08-12", 518_632, 1_312_370, 53], ["15.04", "2024-08-12", 49_803, 98_206, ""]]
    )
    data = _json("--region", "15", "--date", "2024-08-12")
    assert data["participants"] == 518_632 and data["coverage_pct"] == "39.52"
    (note,) = data["notes"]
    assert "berbeda" in note and "49.803" in note and "diimpor dipakai" in note
    text = _run("coverage", "--region", "15", "--date", "2024-08-12")
    assert "39,52%" in text and "Catatan:" in text and "berbeda" in text


def test_human_output_and_errors(tmp_path):
    load(tmp_path, JAMBI_AUG_2024)
    text = _run("coverage", "--region", "15.04", "--date", "2024-08-12")
    assert "50,71%" in text and "49.803" in text and "Target 53,00%" in text
    with pytest.raises(CommandError, match="not_found"):
        _run("coverage", "--region", "99")
    with pytest.raises(CommandError, match="invalid_region_code"):
        _run("coverage", "--region", "15.x")
    with pytest.raises(CommandError, match="date_invalid"):
        _run("coverage", "--region", "15", "--date", "12-08-2024")


def test_scoped_reader_cannot_read_outside(tmp_path, demo):
    load(tmp_path, JAMBI_AUG_2024)
    with pytest.raises(CommandError, match="not_found"):
        _run("coverage", "--region", "15", "--as", "batanghari.operator")
    assert (
        json.loads(_run("coverage", "--region", "15.04", "--json", "--as", "batanghari.operator"))["region"]
        == "1504"
    )


def test_import_coverage_cli_json_and_refusal(tmp_path):
    good = write_csv(tmp_path, JAMBI_AUG_2024)
    result = json.loads(_run("import_coverage", str(good), "--json"))
    assert (result["saved"], result["created"], result["targets"], result["errors"]) == (True, 3, 1, [])
    bad = write_csv(tmp_path, [["15.04", "2024-08-12", -1, 10, ""]], name="salah.csv")
    out = StringIO()
    with pytest.raises(CommandError, match="import_refused"):
        call_command("import_coverage", str(bad), stdout=out)
    assert "baris 2, kolom PESERTA_AKTIF: number_negative" in out.getvalue()
    with pytest.raises(CommandError, match="file_missing"):
        _run("import_coverage", str(tmp_path / "tidak-ada.csv"))
