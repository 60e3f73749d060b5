"""The backup drill on PostgreSQL with committed data: the demo is seeded, backed up
with ``jaring backup``, restored with ``jaring restore`` into a new database and media
folder, and the two Jarings compared table by table (rows and money totals) and file by
file (SHA-256). A restore into a database that is not empty, and a restored file that
differs from the manifest, are refused naming what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from .live_stack import _create_database, _database_url, _drop_database, jaring_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the drill runs on PostgreSQL"),
]

FIGURES = (
    "import json; from pathlib import Path; from django.conf import settings;"
    " from jaring.ops.backup import table_figures, _files_of;"
    " print(json.dumps({'tables': table_figures(), 'files': _files_of(Path(settings.MEDIA_ROOT))}))"
)


def _figures(stack) -> dict:
    return json.loads(stack.jaring_ok("shell", "-c", FIGURES).strip().splitlines()[-1])


def test_a_backup_restores_whole_into_a_new_database(tmp_path):
    with jaring_database(tmp_path / "live", label="drill", demo_users=False) as stack:
        stack.jaring_ok("seed_demo")
        media = Path(stack.env["JARING_VAR_DIR"]) / "media"
        (media / "agreements" / "2026").mkdir(parents=True, exist_ok=True)
        (media / "agreements" / "2026" / "pks-jambi.pdf").write_bytes(b"%PDF-1.4 PKS BPJS Jambi 2026\n")
        original = _figures(stack)
        assert original["files"], "the drill needs uploaded files"
        money = sum(sum(t["money"].values()) for t in original["tables"].values())
        assert money > 0 and original["tables"]["billing_payment"]["rows"] > 0

        folder = tmp_path / "cadangan"
        summary = json.loads(stack.jaring_ok("backup", "--output", str(folder), "--json"))
        assert summary["files"] == len(original["files"]) and (folder / "database.dump").exists()
        refused = stack.jaring("restore", str(folder))  # this database is not empty
        assert refused.returncode != 0 and "tidak kosong" in refused.stderr

        restored_db = f"{stack.database}_restored"
        _create_database(restored_db)
        try:
            restored = type(stack)(base_url="", database=restored_db, env=dict(stack.env))
            restored.env.update(
                DATABASE_URL=_database_url(restored_db), JARING_VAR_DIR=str(tmp_path / "restored")
            )
            checked = json.loads(restored.jaring_ok("restore", str(folder), "--json"))
            assert checked["rows"] == sum(t["rows"] for t in original["tables"].values())
            assert _figures(restored) == original  # every table, total and file, independently

            tampered = tmp_path / "restored" / "media" / "agreements" / "2026" / "pks-jambi.pdf"
            tampered.write_bytes(b"%PDF-1.4 diubah\n")
            check = restored.jaring(
                "shell",
                "-c",
                "import json; from pathlib import Path; from jaring.ops.backup import verify;"
                f" verify(json.loads(Path({str(folder / 'manifest.json')!r}).read_text()))",
            )
            assert check.returncode != 0 and "agreements/2026/pks-jambi.pdf" in check.stderr
        finally:
            _drop_database(restored_db)
