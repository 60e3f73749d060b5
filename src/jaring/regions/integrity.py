"""Regions' kept district and village counts against the regions loaded."""

from __future__ import annotations

from collections import Counter as Tally

from jaring import codes
from jaring.integrity import Counter
from jaring.regions.models import Region

COUNTED = {
    "district_count": (codes.Level.DISTRICT, (2, 4)),
    "village_count": (codes.Level.VILLAGE, (2, 4, 6)),
}


def _kept() -> dict[str, int]:
    return {
        f"{code}/{name}": value
        for code, districts, villages in Region.objects.values_list("code", "district_count", "village_count")
        for name, value in (("district_count", districts), ("village_count", villages))
    }


def _expected() -> dict[str, int]:
    all_codes = list(Region.objects.values_list("code", flat=True))
    tallies = {name: Tally() for name in COUNTED}
    for code in all_codes:
        level = codes.level_of(code)
        for name, (counted_level, lengths) in COUNTED.items():
            if level == counted_level:
                for length in lengths:
                    tallies[name][code[:length]] += 1
    return {f"{code}/{name}": tallies[name][code] for code in all_codes for name in COUNTED}


def _repair(expected) -> None:
    for key, value in expected.items():
        code, name = key.split("/")
        Region.objects.filter(code=code).update(**{name: value})


COUNTERS = [
    Counter(
        name="regions.counts",
        label="Jumlah kecamatan dan desa/kelurahan per wilayah",
        kept=_kept,
        expected=_expected,
        repair=_repair,
    )
]
