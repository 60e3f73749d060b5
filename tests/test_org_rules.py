import pytest

from jaring.access.rules import OrgKind, normalize_organization_code, validate_jurisdiction
from jaring.errors import InvalidInput


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        (OrgKind.PROVINCE, ["15"], ["15"]),
        (OrgKind.REGENCY, ["15.04"], ["1504"]),
        (OrgKind.VILLAGE, ["15.04.01.2003"], ["1504012003"]),
        (OrgKind.BPJS_BRANCH, ["15.06", "1507"], ["1506", "1507"]),
        (OrgKind.BPJS_REGIONAL, ["15", "17"], ["15", "17"]),
        (OrgKind.DONOR, ["15.04", "1504012003", "17"], ["1504", "17"]),
    ],
)
def test_jurisdiction_fits_the_organization_kind(kind, given, expected):
    assert validate_jurisdiction(kind, given) == expected


@pytest.mark.parametrize(
    ("kind", "given", "fragment"),
    [
        (OrgKind.PROVINCE, ["15.04"], "bukan kode provinsi"),
        (OrgKind.REGENCY, ["15"], "bukan kode kabupaten/kota"),
        (OrgKind.REGENCY, ["15.04", "15.71"], "hanya boleh memiliki satu"),
        (OrgKind.VILLAGE, ["15.04.01"], "bukan kode desa/kelurahan"),
        (OrgKind.BPJS_BRANCH, ["15"], "bukan kode kabupaten/kota"),
        (OrgKind.BPJS_REGIONAL, ["15.06"], "bukan kode provinsi"),
        (OrgKind.DONOR, [], "wajib diisi"),
    ],
)
def test_jurisdiction_that_does_not_fit_is_refused_with_the_reason(kind, given, fragment):
    with pytest.raises(InvalidInput) as excinfo:
        validate_jurisdiction(kind, given)
    assert fragment in excinfo.value.message
    assert excinfo.value.field == "regions"


@pytest.mark.parametrize("raw", ["GP-BH", "gp-bh", " Gp-Bh ", "gp-bh\n"])
def test_organization_codes_are_normalized_to_one_form(raw):
    assert normalize_organization_code(raw) == "gp-bh"
