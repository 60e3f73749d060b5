"""Rebuild the reference data Jaring ships inside its package from ../shared/data.

    python scripts/bundle_reference_data.py [SHARED_DATA_DIR]

Writes src/jaring/regions/data/wilayah.csv.gz (all four levels in one file, code
without dots, name, type) and the regency boundaries as gzipped GeoJSON. Run it when
a new Kepmendagri edition lands in shared/; commit the result.
"""

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "jaring" / "regions" / "data"


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "type"])
    for name in ("provinces", "regencies", "districts", "villages"):
        with open(shared / "wilayah" / f"{name}.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                writer.writerow([row["code"], row["name"], row.get("type", "")])
    with gzip.GzipFile(OUT / "wilayah.csv.gz", "wb", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    for name in ("regencies_simplified", "regencies_jambi_bengkulu"):
        with (
            open(shared / "boundaries" / f"{name}.geojson", "rb") as src,
            gzip.GzipFile(OUT / f"{name}.geojson.gz", "wb", mtime=0) as gz,
        ):
            shutil.copyfileobj(src, gz)
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
