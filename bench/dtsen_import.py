"""Benchmark the DTSEN extract import (targeting.imports.import_dtsen), issue 14:
"an extract of 5,000,000 rows for a province imports within 3x the raw COPY of the
same file".

    .venv/bin/python bench/dtsen_import.py [--rows 5000000] [--postgres-url URL]
        [--workdir DIR] [--seed N] [--profile OUT.prof] [--newer] [--keep FILE]

On a fresh PostgreSQL database (migrated, the regions of Jambi, province 15, loaded,
a province organisation ``pemprov-15`` with an operator ``bench.dtsen``):

a. a generated extract of ``--rows`` people of real Jambi villages (families of one
   to six in one village; NIKs encoding a district of the province, the birth date
   and sex; every row good, so the edition is saved) is imported as edition 2026-10
   by the operator, end to end (``import_dtsen``: file digest, reading, checking,
   writing, the audit record, the commit), in its own process;
b. the same file COPYed into a bare table of its nine columns as text
   (``bench/_import_runner.py copy``);
c. with ``--newer``: a newer edition (2026-11) of the same people less one in fifty
   and with a thirtieth of new people, to time the leavers.

Prints one JSON line per step and a summary: rows, COPY seconds, import seconds, the
ratio (goal <= 3), rows per second and the importing process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from import_participants import _child, emit, fresh_postgres, runner  # noqa: E402 (one runner)

GOAL = 3.0
TODAY = date(2026, 11, 23)
USERNAME = "bench.dtsen"
COLUMNS = [
    "NIK", "NAMA", "TANGGAL_LAHIR", "JENIS_KELAMIN", "KODE_DESA", "ID_KELUARGA", "DESIL", "PEKERJAAN",
    "STATUS_BEKERJA",
]  # fmt: skip


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _vmhwm_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def generate(path: Path, rows: int, *, seed: int = 2026, drop_every: int = 0, new_every: int = 0) -> dict:
    """Write the extract with polars expressions (hashes of the row index are the
    randomness: same seed, same file). ``drop_every``/``new_every``: a newer edition
    leaves out every n-th person and adds new people (NIK serials from 5000)."""
    import polars as pl
    from gen_participants import FEMALE_FIRST, MALE_FIRST, SECOND, load_regions

    from jaring.registry.vocab import OCCUPATION_LABELS

    started = time.perf_counter()
    regions = load_regions(("15",))
    villages = pl.Series(regions.villages)
    districts = pl.Series(regions.districts)
    occupations = pl.Series([str(label) for label in OCCUPATION_LABELS.values()])

    def pick(key: pl.Expr, salt: int, size: int) -> pl.Expr:
        return (key.hash(seed * 1000 + salt) % size).cast(pl.Int64)

    def rand(salt: int, size: int) -> pl.Expr:
        return pick(pl.col("i"), salt, size)

    total = rows + (rows // new_every if new_every else 0)
    frame = pl.DataFrame({"i": pl.int_range(total, eager=True)})
    first_day = date(1930, 1, 1)
    frame = (
        frame.with_columns(
            family=pl.col("i") // 4,
            female=rand(1, 2) == 1,
            birth=pl.lit(first_day) + pl.duration(days=rand(2, (date(2026, 6, 30) - first_day).days)),
            new=pl.col("i") >= rows,
        )
        .with_columns(
            village=pl.lit(villages).gather(pick(pl.col("family"), 3, len(villages))),
        )
        .with_columns(
            district=pl.when(rand(4, 10) == 0)
            .then(pl.lit(districts).gather(rand(5, len(districts))))
            .otherwise(pl.col("village").str.slice(0, 6)),
            ddmmyy=pl.format(
                "{}{}{}",
                (pl.col("birth").dt.day() + pl.when(pl.col("female")).then(40).otherwise(0))
                .cast(pl.String)
                .str.zfill(2),
                pl.col("birth").dt.month().cast(pl.String).str.zfill(2),
                (pl.col("birth").dt.year() % 100).cast(pl.String).str.zfill(2),
            ),
        )
        .with_columns(
            serial=pl.int_range(1, pl.len() + 1).over("district", "ddmmyy", "new")
            + pl.when(pl.col("new")).then(5000).otherwise(0),
        )
    )
    if frame.get_column("serial").max() > 9999:
        raise SystemExit("more than 9999 people of one district and birth date: lower --rows")
    male, female, second = pl.Series(MALE_FIRST), pl.Series(FEMALE_FIRST), pl.Series(SECOND)
    frame = frame.select(
        pl.col("i"),
        NIK=pl.format("{}{}{}", "district", "ddmmyy", pl.col("serial").cast(pl.String).str.zfill(4)),
        NAMA=pl.format(
            "{} {}",
            pl.when(pl.col("female"))
            .then(pl.lit(female).gather(rand(6, len(female))))
            .otherwise(pl.lit(male).gather(rand(7, len(male)))),
            pl.lit(second).gather(rand(8, len(second))),
        ),
        TANGGAL_LAHIR=pl.when(rand(9, 20) == 0)
        .then(pl.col("birth").dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col("birth").dt.strftime("%d/%m/%Y")),
        JENIS_KELAMIN=pl.when(rand(10, 10) == 0)
        .then(pl.when(pl.col("female")).then(pl.lit("Perempuan")).otherwise(pl.lit("Laki-laki")))
        .otherwise(pl.when(pl.col("female")).then(pl.lit("P")).otherwise(pl.lit("L"))),
        KODE_DESA=pl.when(rand(11, 10) < 7)
        .then(
            pl.format(
                "{}.{}.{}.{}",
                pl.col("village").str.slice(0, 2),
                pl.col("village").str.slice(2, 2),
                pl.col("village").str.slice(4, 2),
                pl.col("village").str.slice(6, 4),
            )
        )
        .otherwise(pl.col("village")),
        ID_KELUARGA=pl.format(
            "{}{}", pl.col("village").str.slice(0, 6), pl.col("family").cast(pl.String).str.zfill(10)
        ),
        DESIL=(pick(pl.col("family"), 12, 10) + 1).cast(pl.String),
        PEKERJAAN=pl.when(rand(13, 10) < 4)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit(occupations).gather(rand(14, 10))),
        STATUS_BEKERJA=pl.when(rand(15, 3) == 0)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.when(rand(16, 2) == 0).then(pl.lit("bekerja")).otherwise(pl.lit("tidak bekerja"))),
    )
    if drop_every:
        frame = frame.filter(pl.col("i") % drop_every != 0)
    frame.drop("i").write_csv(path)
    return {
        "rows": frame.height,
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def setup() -> dict:
    _django()
    from django.core.management import call_command

    from jaring.accounts.services import organization_create, user_create
    from jaring.regions.services import regions_load

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    regions = regions_load(provinces={"15"}).as_dict()
    organization = organization_create(
        actor=None, code="pemprov-15", name="Pemerintah Provinsi Jambi", kind="province", region_codes=["15"]
    )
    user_create(
        actor=None,
        organization=organization,
        username=USERNAME,
        password="Kopi-Jambi-Sungai-Batanghari-2026",
        role="operator",
    )
    return {"regions": regions, "seconds": round(time.perf_counter() - started, 1)}


def run_import(path: Path, edition: str, profile: Path | None) -> dict:
    _django()
    from django.conf import settings

    from jaring.accounts.models import User
    from jaring.targeting.imports import import_dtsen

    actor = User.objects.select_related("organization").get(username=USERNAME)
    baseline = _rss_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = import_dtsen(actor=actor, path=path, edition=edition, today=TODAY)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    return {
        "debug": settings.DEBUG,
        "edition": result.edition,
        "rows": result.rows,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "first_errors": [e.as_dict() for e in result.errors[:3]],
        "saved": result.saved is not None,
        "left_the_list": result.saved.left_the_list if result.saved else 0,
        "seconds": round(seconds, 2),
        "rows_per_s": round(result.rows / seconds) if seconds else None,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
        "peak_vmhwm_mb": _vmhwm_mb(),
    }


def _self(task: str, *args: str, url: str) -> dict:
    return _child([__file__, "--task", task, *args], {**os.environ, "DATABASE_URL": url, "DEBUG": "0"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--profile", type=Path, help="run the import under cProfile, save the stats here")
    parser.add_argument("--newer", action="store_true", help="also import a newer edition (leavers)")
    parser.add_argument("--keep", type=Path, help="reuse (or write once) the extract at this path")
    parser.add_argument("--task", choices=("generate", "setup", "import"), help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:  # a child
        if args.task == "generate":
            path, rows, drop, new = args.args
            answer = generate(Path(path), int(rows), seed=args.seed, drop_every=int(drop), new_every=int(new))
        elif args.task == "setup":
            answer = setup()
        else:
            answer = run_import(Path(args.args[0]), args.args[1], args.profile)
        print(json.dumps(answer))
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        path = args.keep or Path(tmp) / "dtsen.csv"
        if not path.exists():
            emit("generate", **_child([__file__, "--task", "generate", str(path), str(args.rows), "0", "0"]))
        with fresh_postgres(args.postgres_url, "dtsen") as url:
            emit("setup_postgresql", **_self("setup", url=url))
            profile = ["--profile", str(args.profile)] if args.profile else []
            imported = _self("import", *profile, str(path), "2026-10", url=url)
            emit("import_dtsen", **imported)
            copied = runner("copy", str(path), database_url=url)
            emit("copy_csv", **copied)
            newer = None
            if args.newer:
                second = Path(tmp) / "dtsen-newer.csv"
                emit(
                    "generate_newer",
                    **_child([__file__, "--task", "generate", str(second), str(args.rows), "50", "30"]),
                )
                newer = _self("import", str(second), "2026-11", url=url)
                emit("import_newer", **newer)
    ratio = round(imported["seconds"] / max(copied["seconds"], 0.01), 2)
    summary = {
        "rows": imported["rows"],
        "copy_s": copied["seconds"],
        "import_s": imported["seconds"],
        "import_vs_copy": ratio,
        "goal": GOAL,
        "ratio_ok": ratio <= GOAL and imported["saved"],
        "rows_per_s": imported["rows_per_s"],
        "peak_rss_mb": imported["peak_rss_mb"],
        "peak_vmhwm_mb": imported["peak_vmhwm_mb"],
    }
    if newer:
        summary |= {
            "newer_rows": newer["rows"],
            "newer_s": newer["seconds"],
            "newer_left_the_list": newer["left_the_list"],
            "newer_peak_rss_mb": newer["peak_rss_mb"],
        }
    if args.profile:
        import pstats

        stats = pstats.Stats(str(args.profile), stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
    emit("summary", **summary)


if __name__ == "__main__":
    main()
