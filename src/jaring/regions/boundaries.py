"""Regency/city boundaries shipped with the package (simplified GeoJSON, WGS84)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

from jaring import codes

_DATA = Path(__file__).resolve().parent / "data"


@cache
def _all_regencies() -> dict:
    return json.loads(gzip.decompress((_DATA / "regencies_simplified.geojson.gz").read_bytes()))


def regency_boundaries(province_code: str | None = None) -> dict:
    """A GeoJSON FeatureCollection of regency boundaries, optionally of one province.

    Each feature's properties carry ``code`` (no dots), ``name``, ``province_code``,
    ``type`` and a centroid.
    """
    features = _all_regencies()["features"]
    if province_code is not None:
        province = codes.normalize(province_code)
        features = [f for f in features if f["properties"]["code"].startswith(province)]
    return {"type": "FeatureCollection", "features": features}
