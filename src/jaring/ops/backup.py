"""``jaring backup`` and ``jaring restore``: the database and the uploaded files, with a
manifest that proves a restore whole.

A backup folder holds ``database.dump`` (PostgreSQL's custom format, or a copy of the
SQLite file), ``files/`` (everything under ``MEDIA_ROOT``: agreements, transfer
evidence, claim documents, stored imports) and ``manifest.json``: every table's row
count and money totals, every file's size and SHA-256, and the dump's SHA-256.

On PostgreSQL the counts and the dump are of one moment: the counts are read in a
repeatable-read transaction whose snapshot ``pg_dump --snapshot`` then dumps. A restore
goes only into an empty database, loads the dump in one transaction, puts the files
back, and then counts again: any table, total or file that differs from the manifest
is named and the command fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import Sum
from django.utils import timezone

DUMP, FILES, MANIFEST = "database.dump", "files", "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """What is wrong with a backup or a restore, said plainly."""


def _money_fields(model) -> list[str]:
    integer = (models.IntegerField, models.BigIntegerField, models.PositiveIntegerField)
    return sorted(
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, integer) and (f.name == "amount" or f.name.endswith("_rupiah"))
    )


def table_figures() -> dict[str, dict]:
    """Each table's rows and, for its money columns (``amount``, ``*_rupiah``), totals."""
    figures = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
        if not model._meta.managed or model._meta.proxy:
            continue
        money = _money_fields(model)
        totals = model._base_manager.aggregate(**{name: Sum(name) for name in money}) if money else {}
        figures[model._meta.db_table] = {
            "rows": model._base_manager.count(),
            "money": {name: int(totals[name] or 0) for name in money},
        }
    return figures


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_of(root: Path) -> dict[str, dict]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    args += ["--username", db["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # The program is pg_dump or pg_restore; its arguments come from the settings.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} gagal: {done.stderr.strip()[:2000]}")


def backup(output: Path) -> dict:
    """Write a backup of this Jaring into ``output`` (a new or empty folder); its manifest."""
    output = Path(output)
    if connection.in_atomic_block:
        raise BackupError("Cadangan dibuat di luar transaksi (jalankan `jaring backup`).")
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} tidak kosong: cadangkan ke folder baru.")
    output.mkdir(parents=True, exist_ok=True)
    dump = output / DUMP
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        with connection.cursor() as cursor:  # one moment for the counts and the dump
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
                tables = table_figures()
                _run(
                    ["pg_dump", *args, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
                     "--no-owner", "--no-privileges", connection.settings_dict["NAME"]],
                    env,
                )  # fmt: skip
            finally:
                cursor.execute("ROLLBACK")
    else:
        tables = table_figures()
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(dump)
        with target:
            source.backup(target)
        source.close()
        target.close()
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, output / FILES)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "dump_sha256": _sha256(dump),
        "tables": tables,
        "files": _files_of(output / FILES),
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path) -> dict:
    """Load the backup in ``source`` into this (empty) database and ``MEDIA_ROOT``, then
    check every table, total and file against its manifest; the checked figures."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source / MANIFEST} tidak terbaca: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("vendor") != connection.vendor:
        raise BackupError(
            f"cadangan ini format {manifest.get('format')} dari {manifest.get('vendor')}; "
            f"Jaring ini membaca format {FORMAT} dari {connection.vendor}."
        )
    dump = source / DUMP
    if not dump.exists() or _sha256(dump) != manifest["dump_sha256"]:
        raise BackupError(f"{dump} tidak ada atau bukan berkas yang disebut manifes (SHA-256 berbeda).")
    if not _database_is_empty():
        raise BackupError("Basis data tidak kosong: pulihkan ke basis data baru yang kosong.")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.rglob("*")):
        raise BackupError(f"{media} sudah berisi berkas: pulihkan ke folder media yang kosong.")
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(
            ["pg_restore", *args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
             f"--dbname={connection.settings_dict['NAME']}", str(dump)],
            env,
        )  # fmt: skip
    else:
        connection.close()
        shutil.copyfile(dump, connection.settings_dict["NAME"])
    if (source / FILES).exists():
        shutil.copytree(source / FILES, media, dirs_exist_ok=True)
    return verify(manifest)


def verify(manifest: dict) -> dict:
    """This Jaring's tables and files against ``manifest``; ``BackupError`` naming each
    difference."""
    tables, files = table_figures(), _files_of(Path(settings.MEDIA_ROOT))
    problems = [
        f"tabel {name}: manifes {want}, dipulihkan {tables.get(name)}"
        for name, want in manifest["tables"].items()
        if tables.get(name) != want
    ]
    problems += [
        f"berkas {name}: manifes {want['sha256'][:12]}, dipulihkan {_digest_of(files.get(name))}"
        for name, want in manifest["files"].items()
        if files.get(name) != want
    ]
    if problems:
        raise BackupError("Hasil pemulihan berbeda dari manifesnya:\n" + "\n".join(problems))
    return {"tables": len(tables), "rows": sum(t["rows"] for t in tables.values()), "files": len(files)}


def _digest_of(found: dict | None) -> str:
    return found["sha256"][:12] if found else "tidak ada"
