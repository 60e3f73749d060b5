import pytest

from jaring import codes
from jaring.codes import InvalidRegionCode, Level


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15", "15"),
        ("15.71", "1571"),
        ("1571", "1571"),
        (" 15.71.01 ", "157101"),
        ("15.71.01.1001", "1571011001"),
        ("1571011001", "1571011001"),
        (1504, "1504"),
    ],
)
def test_normalize_accepts_codes_with_or_without_dots(raw, expected):
    assert codes.normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "1", "157", "15.71.0", "15A1", "15.71.01.100", "15-71", "\uff11\uff15"])
def test_normalize_refuses_malformed_codes_with_a_message(raw):
    with pytest.raises(InvalidRegionCode) as excinfo:
        codes.normalize(raw)
    assert "Kode wilayah" in excinfo.value.message
    assert excinfo.value.code == "invalid_region_code"


@pytest.mark.parametrize(
    ("code", "level", "dotted", "parent"),
    [
        ("15", Level.PROVINCE, "15", None),
        ("1504", Level.REGENCY, "15.04", "15"),
        ("150401", Level.DISTRICT, "15.04.01", "1504"),
        ("1504012003", Level.VILLAGE, "15.04.01.2003", "150401"),
    ],
)
def test_level_dotted_and_parent(code, level, dotted, parent):
    assert codes.level_of(code) == level
    assert codes.dotted(code) == dotted
    assert codes.parent_of(code) == parent


def test_ancestors_run_from_province_down():
    assert codes.ancestors_of("1504012003") == ["15", "1504", "150401"]
    assert codes.ancestors_of("15") == []


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("1504", "1505"), ("1599", "16"), ("15", "16"), ("19", "2"), ("99", None), ("1509", "151")],
)
def test_prefix_upper_bound_is_the_first_string_after_the_prefix(prefix, bound):
    assert codes.prefix_upper_bound(prefix) == bound


def test_prefix_range_contains_exactly_the_descendants():
    candidates = ["1503", "1504", "150401", "1504012003", "1505", "15049", "1599", "16", "150"]
    lower, upper = "1504", codes.prefix_upper_bound("1504")
    inside = sorted(c for c in candidates if lower <= c < upper)
    assert inside == sorted(c for c in candidates if c.startswith("1504"))


def test_kelurahan_and_desa_are_told_apart_by_the_village_part():
    assert codes.village_is_kelurahan("1504011001") is True
    assert codes.village_is_kelurahan("1504012003") is False


def test_collapse_drops_codes_inside_others():
    assert codes.collapse(["1504", "15", "1771", "150401"]) == ["15", "1771"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["1506", "1507"], "15"),
        (["1504012003"], "1504012003"),
        (["15", "17"], None),
        (["150401", "1504012003"], "150401"),
    ],
)
def test_common_ancestor(given, expected):
    assert codes.common_ancestor(given) == expected


@pytest.mark.parametrize("prefix", ["15+", "KATEGORI", "15.04", "\uff11\uff15", "15\x00"])
def test_prefix_upper_bound_refuses_what_is_not_a_digit_string(prefix):
    with pytest.raises(codes.InvalidRegionCode):
        codes.prefix_upper_bound(prefix)
