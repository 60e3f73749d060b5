"""Loading the official region list (Kepmendagri edition) into the database."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction

from jaring import codes
from jaring.audit.services import audit_record
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.regions.models import Region

BUNDLED_REGIONS = Path(__file__).resolve().parent / "data" / "wilayah.csv.gz"
_SHARED_FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")
_FIELDS = ("parent_id", "level", "name", "kind", "district_count", "village_count")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    kind: str


@dataclass
class LoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def read_region_rows(source: Path | None = None) -> list[RegionRow]:
    """Read an edition: the bundled .csv.gz, a CSV in the same format, or a directory
    holding provinces.csv, regencies.csv, districts.csv and villages.csv."""
    path = Path(source) if source else BUNDLED_REGIONS
    if path.is_dir():
        texts = []
        for name in _SHARED_FILES:
            file = path / name
            if not file.exists():
                raise InvalidInput(
                    N_("Berkas %(file)s tidak ditemukan."),
                    params={"file": str(file)},
                    code="region_source_missing",
                )
            texts.append(file.read_text(encoding="utf-8-sig"))
    elif path.exists():
        raw = path.read_bytes()
        texts = [gzip.decompress(raw).decode("utf-8") if path.suffix == ".gz" else raw.decode("utf-8-sig")]
    else:
        raise InvalidInput(
            N_("Berkas %(file)s tidak ditemukan."), params={"file": str(path)}, code="region_source_missing"
        )

    rows: list[RegionRow] = []
    seen: set[str] = set()
    for text in texts:
        for line_no, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            code = codes.normalize(record["code"])
            if code in seen:
                raise InvalidInput(
                    N_("Kode %(code)s muncul dua kali (baris %(row)s)."),
                    params={"code": code, "row": str(line_no)},
                    code="region_duplicate",
                )
            seen.add(code)
            rows.append(
                RegionRow(code=code, name=" ".join(record["name"].split()), kind=record.get("type") or "")
            )
    return rows


def _target_values(rows: list[RegionRow]) -> dict[str, tuple]:
    districts: Counter[str] = Counter()
    villages: Counter[str] = Counter()
    for row in rows:
        level = codes.level_of(row.code)
        if level == codes.Level.DISTRICT:
            districts[row.code[:2]] += 1
            districts[row.code[:4]] += 1
        elif level == codes.Level.VILLAGE:
            for length in (2, 4, 6):
                villages[row.code[:length]] += 1
    target = {}
    for row in rows:
        target[row.code] = (
            codes.parent_of(row.code),
            codes.level_of(row.code).value,
            row.name,
            row.kind,
            districts[row.code],
            villages[row.code],
        )
    return target


@transaction.atomic
def regions_load(*, source: Path | None = None, provinces: set[str] | None = None) -> LoadResult:
    """Create or update regions from an edition; idempotent.

    Regions missing from the new edition are kept (people and money may still point
    at them). ``provinces`` limits the load to some provinces (used by tests).
    """
    rows = read_region_rows(source)
    if provinces:
        rows = [row for row in rows if row.code[:2] in provinces]
    target = _target_values(rows)
    known = set(target)
    for code, values in target.items():
        if values[0] and values[0] not in known:
            raise InvalidInput(
                N_("Wilayah %(region)s merujuk induk %(parent)s yang tidak ada."),
                params={"region": codes.dotted(code), "parent": codes.dotted(values[0])},
                code="region_orphan",
            )

    existing = {
        code: tuple(rest)
        for code, *rest in Region.objects.values_list("code", *_FIELDS).iterator(chunk_size=10_000)
    }
    to_create, to_update = [], []
    for code in sorted(target, key=lambda c: (len(c), c)):
        values = target[code]
        if code not in existing:
            to_create.append(Region(code=code, **dict(zip(_FIELDS, values, strict=True))))
        elif existing[code] != values:
            to_update.append(Region(code=code, **dict(zip(_FIELDS, values, strict=True))))

    with transaction.atomic():
        Region.objects.bulk_create(to_create, batch_size=5_000)
        Region.objects.bulk_update(to_update, fields=list(_FIELDS), batch_size=1_000)
        counts = Counter(Region.objects.values_list("level", flat=True).order_by())
        result = LoadResult(
            provinces=counts[codes.Level.PROVINCE],
            regencies=counts[codes.Level.REGENCY],
            districts=counts[codes.Level.DISTRICT],
            villages=counts[codes.Level.VILLAGE],
            created=len(to_create),
            updated=len(to_update),
            unchanged=len(target) - len(to_create) - len(to_update),
        )
        if to_create or to_update:
            audit_record(
                actor=None,
                action="regions.load",
                target_type="region",
                target_id="*",
                target_repr="Daftar wilayah Kemendagri",
                changes={"created": [None, len(to_create)], "updated": [None, len(to_update)]},
            )
    return result
