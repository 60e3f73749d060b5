"""A participant import killed with SIGKILL mid-file, on PostgreSQL, as production would see it.

A real ``jaring import_participants`` process imports a generated file of several batches
into a committed database of its own (``live_stack.jaring_database``: no test transaction
anywhere). As soon as the first batch is committed the process is killed, without any
chance to clean up. What is in the database then must be whole batches: exactly the valid
people of the first k batches of the file, each with one status and one creation audit
record, nothing of batch k+1. Running the same file again completes it: every valid person
once, the earlier people unchanged, the killed run closed as failed.
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from jaring.registry.imports import BATCH_SIZE

from .live_stack import JARING, jaring_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real kill is tested on PostgreSQL"),
]

GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "gen_participants.py"
BATCHES = 6
KILL_TIMEOUT = 120  # seconds for the first batch to be committed


def _file_niks(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return [row["NIK"] for row in reader]


def _people(conn: psycopg.Connection) -> dict[str, tuple[int, int, int]]:
    """NIK -> (status changes, creation audit records, update audit records) per person."""
    rows = conn.execute(
        """
        SELECT p.nik, coalesce(s.changes, 0), coalesce(a.created, 0), coalesce(a.updated, 0)
        FROM registry_participant p
        LEFT JOIN (SELECT participant_id, count(*) AS changes FROM registry_statuschange
                   GROUP BY participant_id) s ON s.participant_id = p.id
        LEFT JOIN (SELECT target_id,
                          count(*) FILTER (WHERE action = 'participant.create') AS created,
                          count(*) FILTER (WHERE action = 'participant.update') AS updated
                   FROM audit_auditevent WHERE target_type = 'participant'
                   GROUP BY target_id) a ON a.target_id = p.id::text
        """
    ).fetchall()
    return {nik: (changes, created, updated) for nik, changes, created, updated in rows}


def _count(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM registry_participant").fetchone()[0]


def _wait_for_first_batch(process: subprocess.Popen, conn: psycopg.Connection) -> None:
    deadline = time.monotonic() + KILL_TIMEOUT
    while _count(conn) == 0:
        if process.poll() is not None:
            pytest.fail(f"the import ended (exit {process.returncode}) before it could be killed")
        if time.monotonic() > deadline:
            pytest.fail(f"no batch was committed within {KILL_TIMEOUT} s")
        time.sleep(0.02)


def test_a_killed_import_leaves_whole_batches_and_the_same_file_completes_it(tmp_path):
    path = tmp_path / "peserta.csv"
    rows = BATCHES * BATCH_SIZE
    subprocess.run(
        [sys.executable, str(GENERATOR), str(path), "--rows", str(rows), "--invalid-rate", "0.05"],
        check=True,
        capture_output=True,
    )
    niks = _file_niks(path)
    batch_of = {}
    for index, nik in enumerate(niks):
        batch_of.setdefault(nik, index // BATCH_SIZE)  # a repeated NIK belongs to its first row

    with (
        jaring_database(tmp_path / "var", label="kill", demo_users=False) as stack,
        psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn,
    ):
        process = subprocess.Popen(
            [JARING, "import_participants", str(path), "--json"],
            env=stack.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_first_batch(process, conn)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        after_kill = _people(conn)
        kept_batches = {batch_of[nik] for nik in after_kill}
        whole = max(kept_batches) + 1
        assert whole < BATCHES, "the kill landed after the last batch: the test proves nothing"
        assert kept_batches == set(range(whole)), "a batch is missing before the last one kept"
        assert all(counts == (1, 1, 0) for counts in after_kill.values())

        again = stack.jaring_ok("import_participants", str(path), "--json")
        report = json.loads(again)
        final = _people(conn)
        valid_in_batch = {}
        for nik in final:
            valid_in_batch[batch_of[nik]] = valid_in_batch.get(batch_of[nik], 0) + 1

        # What the killed run kept is exactly the valid people of its whole batches.
        assert set(after_kill) == {nik for nik in final if batch_of[nik] < whole}
        assert len(after_kill) == sum(valid_in_batch[b] for b in range(whole))
        # The second run adds the rest, once each, and touches nobody it finds unchanged.
        assert report["created"] == len(final) - len(after_kill)
        assert report["updated"] == 0
        assert report["unchanged"] == len(after_kill)
        assert all(counts == (1, 1, 0) for counts in final.values())
        assert set(range(BATCHES)) == set(valid_in_batch)
        statuses = dict(conn.execute("SELECT id, status FROM registry_importrun ORDER BY id").fetchall())
        assert list(statuses.values()) == ["failed", "committed"]
