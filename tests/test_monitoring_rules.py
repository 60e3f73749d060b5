"""The pure rules of coverage monitoring: arithmetic, figure resolution, target
inheritance, row checks, map projection and the scorecard, from DOMAIN.md s.8."""

from datetime import date
from decimal import Decimal

import pytest

from jaring import codes
from jaring.monitoring import coverage, maps, scoring
from jaring.monitoring.coverage import CoverageLine, Figure
from jaring.monitoring.rows import parse_coverage_row

AUG = date(2024, 8, 12)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (518_632, 1_312_370, "39.52"),  # Jambi, 12 Aug 2024
        (49_803, 98_206, "50.71"),  # Batanghari
        (592_806, 1_312_370, "45.17"),  # Jambi, Dec 2024
        (261_814, 625_750, "41.84"),  # Bengkulu, Dec 2024
        (1, 800, "0.13"),  # 0.125: half up, not to even
        (1, 400, "0.25"),
        (0, 10, "0.00"),
        (12, 10, "120.00"),
    ],
)
def test_percent_text_two_decimals_half_up(part, whole, expected):
    assert coverage.percent_text(part, whole) == expected


def test_percent_of_nothing_is_none():
    assert coverage.percent_text(5, 0) is None


def test_jambi_target_2024_is_695556_people_rounded_down():
    assert coverage.target_participants(1_312_370, Decimal("53")) == 695_556
    assert coverage.target_participants(3, Decimal("50")) == 1  # 1.5 people: nobody counted who is not there
    assert coverage.target_participants(100, None) is None


def test_gap_is_never_negative_and_budget_is_a_year_of_contributions():
    assert coverage.gap_participants(695_556, 518_632) == 176_924
    assert coverage.gap_participants(100, 150) == 0
    assert coverage.gap_budget(176_924, 16_800) == 176_924 * 201_600
    assert coverage.gap_budget(None, 16_800) is None
    assert coverage.gap_budget(10, None) is None


def test_line_as_dict_has_the_exact_keys_and_values():
    line = CoverageLine(
        region="15",
        figure=Figure("15", AUG, 518_632, 1_312_370),
        target=Decimal("53"),
        monthly_per_person=16_800,
    )
    assert line.as_dict() == {
        "region": "15",
        "date": "2024-08-12",
        "participants": 518_632,
        "potential": 1_312_370,
        "coverage_pct": "39.52",
        "target_pct": "53.00",
        "target_participants": 695_556,
        "gap_participants": 176_924,
        "gap_budget_rupiah": 35_667_878_400,
    }
    assert line.meets_target is False


def _fig(code, participants, potential, on=AUG):
    return Figure(code, on, participants, potential)


def test_given_figure_wins_over_disagreeing_children_and_says_so():
    children = [_fig("1504", 49_803, 98_206), _fig("1571", 90_000, 200_000)]
    resolved = coverage.resolve(
        code="15",
        label="Jambi",
        given=_fig("15", 518_632, 1_312_370),
        children=children,
        same_day_children=children,
    )
    assert resolved.figure.participants == 518_632 and resolved.figure.source == coverage.GIVEN
    (note,) = resolved.notes
    assert "Jambi" in note and "berbeda" in note and "139.803" in note and "diimpor dipakai" in note


def test_given_and_children_that_agree_need_no_note():
    children = [_fig("1504", 49_803, 98_206), _fig("1571", 468_829, 1_214_164)]
    resolved = coverage.resolve(
        code="15",
        label="Jambi",
        given=_fig("15", 518_632, 1_312_370),
        children=children,
        same_day_children=children,
    )
    assert resolved.notes == ()


def test_province_without_its_own_figure_is_the_sum_of_its_regencies():
    children = [_fig("1701", 100, 400), _fig("1702", 50, 100)]
    resolved = coverage.resolve(code="17", label="Bengkulu", given=None, children=children, children_total=2)
    assert (resolved.figure.participants, resolved.figure.potential) == (150, 500)
    assert resolved.figure.source == coverage.DERIVED and resolved.figure.parts == 2
    assert resolved.notes == ()


def test_partial_and_mixed_date_sums_are_noted():
    children = [_fig("1701", 100, 400, date(2024, 7, 31)), _fig("1702", 50, 100)]
    resolved = coverage.resolve(code="17", label="Bengkulu", given=None, children=children, children_total=10)
    assert resolved.figure.on == AUG
    assert any("2 dari 10" in n for n in resolved.notes)
    assert any("bertanggal berbeda" in n for n in resolved.notes)


def test_newer_children_win_over_an_older_given_figure():
    older = _fig("15", 1, 10, date(2024, 7, 31))
    resolved = coverage.resolve(code="15", label="Jambi", given=older, children=[_fig("1504", 5, 10)])
    assert resolved.figure.source == coverage.DERIVED
    assert "lebih baru" in resolved.notes[0]


def test_target_is_inherited_from_the_nearest_region_above_for_the_same_year():
    targets = {("15", 2024): Decimal("53"), ("1571", 2024): Decimal("60"), ("15", 2025): Decimal("55")}
    assert coverage.target_for("1504012003", 2024, targets, codes.parent_of) == Decimal("53")
    assert coverage.target_for("1571", 2024, targets, codes.parent_of) == Decimal("60")
    assert coverage.target_for("157101", 2024, targets, codes.parent_of) == Decimal("60")
    assert coverage.target_for("1504", 2025, targets, codes.parent_of) == Decimal("55")
    assert coverage.target_for("1504", 2023, targets, codes.parent_of) is None
    assert coverage.target_for("1701", 2024, targets, codes.parent_of) is None


def test_ranking_uses_exact_ratios_and_code_for_ties():
    def line(code, p, q):
        return CoverageLine(region=code, figure=_fig(code, p, q), target=None, monthly_per_person=None)

    # 1/3 and 3333/10000 both print "33.33"; the exact ratio decides.
    ranked = coverage.ranked(
        [line("1502", 3_333, 10_000), line("1501", 1, 3), line("1503", 1, 3), line("1504", 1, 2)]
    )
    assert [r.region for r in ranked] == ["1504", "1501", "1503", "1502"]


def test_growth_in_percentage_points():
    assert coverage.growth_points(_fig("15", 592_806, 1_312_370), _fig("15", 518_632, 1_312_370)) == "5.65"
    assert coverage.growth_points(_fig("15", 1, 10), _fig("15", 2, 10)) == "-10.00"
    assert coverage.growth_points(None, _fig("15", 1, 10)) is None


# -- rows of the import ------------------------------------------------------------------

KNOWN = {"15", "1504", "1571", "1504012003", "17"}
TODAY = date(2026, 11, 28)


def _row(**values):
    row = {
        "KODE_WILAYAH": "15.04",
        "TANGGAL": "12/08/2024",
        "PESERTA_AKTIF": "49.803",
        "POTENSI_PEKERJA": 98206,
        "TARGET_PERSEN": "",
    }
    row.update(values)
    return parse_coverage_row(
        row, row=7, known_codes=KNOWN, in_jurisdiction=lambda c: c.startswith("15"), today=TODAY
    )


def test_a_good_row_with_thousand_separators_and_dotted_code():
    record, errors, warnings = _row(TARGET_PERSEN="53,5")
    assert errors == [] and warnings == []
    assert (record.region_code, record.on, record.participants, record.potential, record.target) == (
        "1504",
        AUG,
        49_803,
        98_206,
        Decimal("53.5"),
    )


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"KODE_WILAYAH": ""}, "KODE_WILAYAH", "region_required"),
        ({"KODE_WILAYAH": "15.4"}, "KODE_WILAYAH", "region_invalid"),
        ({"KODE_WILAYAH": "15.99"}, "KODE_WILAYAH", "region_unknown"),
        ({"KODE_WILAYAH": "17"}, "KODE_WILAYAH", "region_outside_jurisdiction"),
        ({"TANGGAL": "31/02/2024"}, "TANGGAL", "date_invalid"),
        ({"TANGGAL": ""}, "TANGGAL", "date_required"),
        ({"TANGGAL": "01/12/2026"}, "TANGGAL", "date_future"),
        ({"TANGGAL": "31/12/2013"}, "TANGGAL", "date_too_early"),
        ({"PESERTA_AKTIF": "-5"}, "PESERTA_AKTIF", "number_negative"),
        ({"PESERTA_AKTIF": "banyak"}, "PESERTA_AKTIF", "number_invalid"),
        ({"PESERTA_AKTIF": 12.5}, "PESERTA_AKTIF", "number_invalid"),
        ({"POTENSI_PEKERJA": ""}, "POTENSI_PEKERJA", "number_required"),
        ({"POTENSI_PEKERJA": 0}, "POTENSI_PEKERJA", "potential_zero"),
        ({"TARGET_PERSEN": "tinggi"}, "TARGET_PERSEN", "target_invalid"),
        ({"TARGET_PERSEN": 0.53}, "TARGET_PERSEN", "target_out_of_range"),
        ({"TARGET_PERSEN": "120"}, "TARGET_PERSEN", "target_out_of_range"),
        ({"TARGET_PERSEN": "53.123"}, "TARGET_PERSEN", "target_precision"),
    ],
)
def test_each_bad_cell_names_row_column_and_fix(values, column, code):
    record, errors, _warnings = _row(**values)
    assert record is None
    assert [(e.row, e.column, e.code) for e in errors] == [(7, column, code)]
    assert errors[0].message  # an Indonesian sentence saying what to fix


def test_all_errors_of_a_row_at_once():
    _record, errors, _warnings = _row(KODE_WILAYAH="99.99", TANGGAL="kemarin", PESERTA_AKTIF="-1")
    assert {e.column for e in errors} == {"KODE_WILAYAH", "TANGGAL", "PESERTA_AKTIF"}


def test_more_participants_than_potential_is_a_warning_not_an_error():
    record, errors, warnings = _row(PESERTA_AKTIF=120, POTENSI_PEKERJA=100)
    assert errors == [] and record.participants == 120
    assert [w.code for w in warnings] == ["participants_over_potential"]


def test_a_target_only_row_sets_the_target_without_figures():
    record, errors, _warnings = _row(
        KODE_WILAYAH="15", PESERTA_AKTIF="", POTENSI_PEKERJA="", TARGET_PERSEN="53"
    )
    assert errors == [] and record.target == Decimal("53") and not record.has_figures


# -- map -----------------------------------------------------------------------------------


def _square(code, lng, lat, size=1.0, name=None):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {
        "properties": {"code": code, "name": name or code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_projection_fits_the_box_and_keeps_one_shape_per_feature():
    island = {
        "properties": {"code": "1503", "name": "Pulau"},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[103, -2], [103.5, -2], [103.5, -1.5], [103, -2]]],
                [[[104, -2], [104.5, -2], [104.5, -1.5], [104, -2]]],
            ],
        },
    }
    projected = maps.project(
        [_square("1501", 101, -2), _square("1502", 102, -2), island], width=300, padding=0
    )
    assert [s.code for s in projected.shapes] == ["1501", "1502", "1503"]
    assert projected.shapes[2].d.count("M") == 2  # both islands in the one path
    xs = [
        float(p.split(" ")[0])
        for s in projected.shapes
        for p in s.d.replace("M", "L").replace("Z", "").split("L")
        if p
    ]
    assert min(xs) == 0 and max(xs) == 300
    assert projected.height < 300  # 3.5 degrees wide, 1 high


def test_svg_paints_links_and_escapes():
    projected = maps.project([_square("1501", 101, -2, name="A"), _square("1502", 102, -2, name="B")])
    paints = {"1501": maps.Paint("cov-4", "#31a354", 'Kota <"x">', href="?wilayah=15.01&a=1")}
    svg = maps.render_svg(
        projected,
        paints,
        title="Peta",
        default=maps.Paint("nodata", "#dee2e6", "B: belum ada data"),
        highlight="1502",
    )
    assert svg.count("<path") == 2
    assert (
        '<a href="?wilayah=15.01&amp;a=1"><path class="region cov-4" data-code="1501" fill="#31a354"' in svg
    )
    assert "Kota &lt;&quot;x&quot;&gt;" in svg
    assert 'class="region nodata current" data-code="1502"' in svg and svg.index("1502") > svg.index("1501")


@pytest.mark.parametrize(
    ("value", "css"),
    [
        (Decimal("0"), "cov-0"),
        (Decimal("19.99"), "cov-0"),
        (Decimal("39.52"), "cov-2"),
        (Decimal("50.71"), "cov-4"),
        (Decimal("75"), "cov-5"),
    ],
)
def test_coverage_colour_bins(value, css):
    assert maps.COVERAGE.bin_for(value).css_class == css


# -- scorecard -------------------------------------------------------------------------------


def test_policy_score_agreement_and_budget_against_the_gap():
    assert scoring.policy_score(agreement_in_force=True, committed=50, gap_budget=100) == Decimal("75.0")
    assert scoring.policy_score(agreement_in_force=False, committed=500, gap_budget=100) == Decimal("50.0")
    assert scoring.policy_score(agreement_in_force=False, committed=0, gap_budget=0) == Decimal(
        "50.0"
    )  # target met
    assert scoring.policy_score(agreement_in_force=False, committed=0, gap_budget=None) == Decimal("0.0")


def test_money_coverage_and_growth_scores():
    assert scoring.money_score(allocated=0, to_village=0, to_bpjs=0) is None
    assert scoring.money_score(allocated=100, to_village=50, to_bpjs=25) == Decimal("37.5")
    assert scoring.coverage_score(coverage_pct="39.52", target_pct="53.00") == Decimal("74.6")
    assert scoring.coverage_score(coverage_pct="60.00", target_pct="53.00") == Decimal("100.0")
    assert scoring.coverage_score(coverage_pct="39.52", target_pct=None) == Decimal("39.5")
    assert scoring.growth_score("5.65") == Decimal("56.5")
    assert scoring.growth_score("-1.00") == Decimal("0.0")
    assert scoring.growth_score("12.00") == Decimal("100.0")


def test_total_weighs_the_four_equally_and_counts_missing_as_zero():
    components = scoring.Components(
        policy=Decimal(100), money=None, coverage=Decimal("74.6"), growth=Decimal("56.5")
    )
    assert components.total == Decimal("57.8")  # (100 + 0 + 74.6 + 56.5) / 4 = 57.775
