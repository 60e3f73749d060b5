import pytest

from jaring.regions.boundaries import regency_boundaries
from jaring.regions.models import Region


def test_every_regency_of_the_country_has_a_shipped_boundary():
    features = regency_boundaries()["features"]
    assert len({f["properties"]["code"] for f in features}) == 514


@pytest.mark.django_db
def test_jambi_boundaries_match_the_loaded_regencies():
    collection = regency_boundaries("15")
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert codes == set(Region.objects.filter(parent_id="15").values_list("code", flat=True))
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in collection["features"])
