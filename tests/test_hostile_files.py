"""Issue 11: no file, however malformed, crashes an import or answers 5xx.

The corpus of ``tests/hostile_files.py`` goes through the reader in a child process
whose address space is bounded (a file that made calamine allocate would abort the
child, not the test run), then through the service of every importer (participants,
enrolments, payment confirmations, coverage figures, vulnerable worker counts), and a
representative part of it through every import command and every upload page and API
endpoint. Each answer is a refusal of the whole file with a stable code and an
Indonesian message naming the fix, or the importer's own result (row errors, missing
columns, nothing saved); never another exception, never a 500.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.html import escape

from jaring.audit.models import AuditEvent
from jaring.billing.imports import payments_import
from jaring.billing.models import Payment
from jaring.contributions.models import VulnerableWorkerCount
from jaring.contributions.services import worker_counts_import
from jaring.errors import DomainError
from jaring.monitoring.models import CoverageImport
from jaring.monitoring.services import coverage_import
from jaring.programs.imports import enrolments_import
from jaring.programs.models import Enrolment
from jaring.registry import imports as imports_module
from jaring.registry.imports import STALE_AFTER, STALE_REASON, file_sha256, import_participants
from jaring.registry.models import ImportRun, ImportStatus, Participant
from jaring.sheets.readers import FileProblem, read_rows

from .hostile_files import BY_NAME, CORPUS, HEADER, ROW, ROWS, write_corpus

OPERATOR = "jambi.operator"  # a province operator: every importer is open to him, 15.04 is his
# Every code with which the reader refuses a whole file (readers.py, filecheck.py).
READER_CODES = {
    "file_missing", "file_empty", "file_not_spreadsheet", "file_utf16", "file_nul", "file_encoding",
    "csv_malformed", "cell_too_long", "too_many_columns", "too_many_rows", "too_many_cells",
    "file_password", "file_unreadable", "file_no_sheet", "file_corrupt", "file_too_large_unpacked",
    "file_xml_entities",
}  # fmt: skip
# Words of the fix every refusal names (upload again, save again, split, delete, fill in).
FIX_WORDS = ("unggah", "simpan", "pecah", "hapus", "isi ")
# A part of the corpus for the commands and the upload pages: one of each family, the
# issue's own files, and the cheap ones (the service tests read every file already).
SAMPLE = [
    "kosong.csv",
    "hanya-judul.csv",
    "acak.xlsx",
    "laporan.pdf.xlsx",
    "dokumen.docx.xlsx",
    "terpotong.xlsx",
    "lama.xls",
    "bom-zip.xlsx",
    "bom-zip-bohong.xlsx",
    "sel-xfd1048576.xlsx",
    "sel-xfd-tanpa-dimensi.xlsx",
    "teks-bersama-raksasa.xlsx",
    "billion-laughs.xlsx",
    "lembar-utf16.xlsx",
    "seribu-kolom.csv",
    "utf16le-bom.csv",
    "nul.csv",
    "sel-200-ribu.csv",
    "rumus.xlsx",
    "judul-ganda.csv",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def _problem(path: Path) -> FileProblem | None:
    """The reader's refusal of a file, or None when it reads it to the end."""
    try:
        for _row in read_rows(path):
            pass
    except FileProblem as exc:
        return exc
    return None


def _names_the_fix(message: str) -> bool:
    return any(word in message.lower() for word in FIX_WORDS)


# -- the corpus and the reader ----------------------------------------------------------


def test_the_corpus_has_every_kind_of_hostile_file(corpus):
    assert len(CORPUS) >= 55
    families = {file.family for file in CORPUS}
    assert families >= {
        ROWS, "file_empty", "file_not_spreadsheet", "file_corrupt", "file_unreadable", "file_utf16",
        "file_nul", "file_encoding", "cell_too_long", "too_many_columns", "too_many_rows", "too_many_cells",
        "file_too_large_unpacked", "file_xml_entities", "file_no_sheet",
    }  # fmt: skip
    assert {"csv", "xlsx", "xls"} <= {file.kind for file in CORPUS}
    assert max(path.stat().st_size for path in corpus.values()) < 5 << 20
    assert corpus["bom-zip.xlsx"].stat().st_size <= 2 << 20  # about 2 GB of sheet inside
    assert set(SAMPLE) <= set(corpus)


CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from jaring.sheets.readers import FileProblem, read_rows
for path in sys.argv[1:]:
    print(json.dumps({"path": path}), flush=True)
    try:
        rows = sum(1 for _row in read_rows(path))
    except FileProblem as exc:
        print(json.dumps({"path": path, "code": exc.code, "message": exc.message}), flush=True)
    else:
        print(json.dumps({"path": path, "rows": rows}), flush=True)
"""


def test_the_reader_refuses_each_file_as_expected_without_aborting_its_process(corpus):
    """In a child limited to 3 GiB of address space: a file that made calamine build
    its 512 GiB range would abort the child (and name the file), not the test run."""
    pytest.importorskip("resource")
    names = [file.name for file in CORPUS]
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *(str(corpus[name]) for name in names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    answers: dict[str, dict] = {}
    for line in child.stdout.splitlines():
        answer = json.loads(line)
        answers[Path(answer.pop("path")).name] = answer
    started = [name for name in names if name in answers]
    assert child.returncode == 0, f"the reader died on {started[-1]}: {child.stderr[-2000:]}"
    wrong = []
    for file in CORPUS:
        answer = answers[file.name]
        got = answer.get("code", ROWS)
        if got != file.family:
            wrong.append(f"{file.name}: expected {file.family}, got {answer}")
        elif file.family != ROWS and not _names_the_fix(answer["message"]):
            wrong.append(f"{file.name}: the message names no fix: {answer['message']}")
    assert not wrong, "\n".join(wrong)


# -- every importer's service -----------------------------------------------------------


@dataclass
class Answer:
    """What an importer answered for one file: the code and message of its refusal of
    the whole file (None when it read the file) and every code it reported."""

    file_code: str | None
    message: str
    codes: list[str]


def _file_level(errors) -> Answer:
    codes = [e.code for e in errors]
    whole = [e for e in errors if e.row == 0 and e.code in READER_CODES]
    if whole:
        return Answer(whole[0].code, whole[0].message, codes)
    return Answer(None, "", codes)


def _check(file, answer: Answer) -> list[str]:
    if file.family == ROWS:
        if answer.file_code is not None:
            return [f"{file.name}: read by the reader, refused by the importer with {answer.file_code}"]
        return []
    if answer.file_code != file.family:
        return [f"{file.name}: expected {file.family}, got {answer.file_code} ({answer.codes})"]
    if not _names_the_fix(answer.message):
        return [f"{file.name}: the message names no fix: {answer.message}"]
    return []


def _through_every_file(corpus, importer) -> dict[str, Answer]:
    answers, wrong = {}, []
    for file in CORPUS:
        try:
            answer = importer(file, corpus[file.name])
        except Exception as exc:  # reported with the file's name, then the test fails
            wrong.append(f"{file.name}: raised {exc.__class__.__name__}: {str(exc)[:300]}")
            continue
        answers[file.name] = answer
        wrong += _check(file, answer)
    assert not wrong, "\n".join(wrong)
    return answers


def test_participant_import_ends_every_run_failed_with_its_reason_or_done(demo, corpus):
    actor = demo.user(OPERATOR)

    def run(file, path) -> Answer:
        before = Participant.objects.count()
        run = import_participants(actor=actor, path=path, file_name=file.name)
        run.refresh_from_db()
        assert run.status in (ImportStatus.FAILED, ImportStatus.COMMITTED), (file.name, run.status)
        assert run.finished_at is not None
        answer = _file_level(list(run.errors.all()))
        if run.status == ImportStatus.FAILED:
            assert run.failure, file.name
            assert "tak terduga" not in run.failure, (file.name, run.failure)
        if answer.file_code is not None:
            assert run.status == ImportStatus.FAILED and run.failure == answer.message, file.name
            assert Participant.objects.count() == before, file.name
        return answer

    answers = _through_every_file(corpus, run)
    # What the participant import itself says of the files the reader read.
    assert answers["hanya-judul.csv"].codes == ["file_no_rows"]
    assert answers["hanya-judul.xlsx"].codes == ["file_no_rows"]
    assert answers["seratus-ribu-baris-kosong.csv"].codes == ["file_no_rows"]
    assert "column_missing" in answers["baris-kosong-lalu-data.csv"].codes  # row 1 is the empty one
    for name in ("judul-ganda.csv", "judul-ganda.xlsx", "judul-ganda-beda-tulisan.csv"):
        assert "column_duplicate" in answers[name].codes, name
    assert "formula" in answers["rumus.csv"].codes
    assert "formula" in answers["rumus.xlsx"].codes  # the cached "=0" of a formula cell: text, not run
    assert "formula" in answers["rumus-sebagai-teks.xlsx"].codes
    assert not ImportRun.objects.filter(
        status__in=(ImportStatus.VALIDATING, ImportStatus.COMMITTING)
    ).exists()
    assert not Participant.objects.filter(full_name__startswith="=").exists()


def test_enrolment_import_refuses_or_reports_every_file(demo, corpus):
    actor = demo.user(OPERATOR)

    def run(file, path) -> Answer:
        try:
            result = enrolments_import(actor=actor, path=path)
        except FileProblem as exc:
            return Answer(exc.code, exc.message, [exc.code])
        except DomainError as exc:  # the importer's own refusal (columns missing)
            assert exc.code not in READER_CODES and exc.message, file.name
            return Answer(None, exc.message, [exc.code])
        return Answer(None, "", [e.code for e in result.errors])

    answers = _through_every_file(corpus, run)
    assert answers["tab.csv"].codes == ["columns_missing"]
    assert "program_unknown" in answers["judul-ganda.csv"].codes
    assert not Enrolment.objects.exists()


def test_payment_import_refuses_or_reports_every_file_and_saves_nothing(demo, corpus):
    actor = demo.user(OPERATOR)

    def run(file, path) -> Answer:
        result = payments_import(actor=actor, path=path)
        assert not result.saved or not result.rows, file.name  # no bill exists: nothing to pay
        return _file_level(result.errors)

    answers = _through_every_file(corpus, run)
    assert answers["hanya-judul.csv"].codes == ["file_no_rows"]
    assert not Payment.objects.exists()


def test_coverage_import_refuses_or_reports_every_file(demo, corpus):
    actor = demo.user(OPERATOR)

    def run(file, path) -> Answer:
        before = CoverageImport.objects.count()
        result = coverage_import(actor=actor, path=path, file_name=file.name)
        answer = _file_level(result.errors)
        if answer.file_code is not None:
            assert not result.saved and CoverageImport.objects.count() == before, file.name
        return answer

    answers = _through_every_file(corpus, run)
    assert answers["hanya-judul.csv"].codes == ["file_no_rows"]
    assert "column_missing" in answers["tab.csv"].codes


def test_worker_count_import_refuses_or_reports_every_file(demo, corpus):
    actor = demo.user(OPERATOR)

    def run(file, path) -> Answer:
        before = VulnerableWorkerCount.objects.count()
        result = worker_counts_import(actor=actor, path=path)
        answer = _file_level(result.errors)
        if answer.file_code is not None:
            assert not result.saved and VulnerableWorkerCount.objects.count() == before, file.name
        return answer

    answers = _through_every_file(corpus, run)
    assert answers["hanya-judul.csv"].codes == ["file_no_rows"]


# -- the commands -----------------------------------------------------------------------

COMMANDS = ["import_participants", "enrol_participants", "import_payments", "import_coverage"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_import_command_answers_a_hostile_file_with_code_and_message(demo, corpus, command):
    wrong = []
    for name in SAMPLE:
        file, out, err = BY_NAME[name], StringIO(), StringIO()
        try:
            call_command(command, str(corpus[name]), "--as", OPERATOR, stdout=out, stderr=err)
        except CommandError as exc:
            said = f"{exc}\n{out.getvalue()}"
            if not re.match(r"^[a-z0-9_]+: \S", str(exc)):
                wrong.append(f"{name}: the error is not 'code: message': {exc}")
        except Exception as exc:  # reported with the file's name, then the test fails
            wrong.append(f"{name}: raised {exc.__class__.__name__}: {str(exc)[:300]}")
            continue
        else:
            said = out.getvalue()
            if file.family != ROWS:
                wrong.append(f"{name}: refused file, clean exit: {said[:300]}")
        if file.family != ROWS and file.family not in said:
            wrong.append(f"{name}: {file.family} not said: {said[:300]}")
        if "Traceback" in said + err.getvalue():
            wrong.append(f"{name}: a traceback")
    assert not wrong, "\n".join(wrong)
    if command == "import_participants":
        assert not ImportRun.objects.exclude(
            status__in=(ImportStatus.FAILED, ImportStatus.COMMITTED)
        ).exists()


# -- the upload pages and the API -------------------------------------------------------

PAGES = [  # (url, file field); each answers 200 or 400 with the error, never 500
    ("/program/impor-kepesertaan/", "file"),
    ("/iuran/pembayaran/impor/", "file"),
    ("/monev/impor/", "berkas"),
    ("/anggaran/pekerja-rentan/impor/", "berkas"),
]


def _upload(corpus, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, corpus[name].read_bytes())


def _expected_message(corpus, name: str) -> str | None:
    problem = _problem(corpus[name])
    return problem.message if problem else None


@pytest.fixture
def operator_client(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the participant upload stores the file
    return demo.client(OPERATOR)


def test_the_participant_upload_page_shows_why_a_file_failed(
    operator_client, corpus, django_capture_on_commit_callbacks
):
    wrong = []
    for name in SAMPLE:
        with django_capture_on_commit_callbacks(execute=True):  # the queued validation runs here
            response = operator_client.post("/peserta/impor/", {"berkas": _upload(corpus, name)})
        if response.status_code != 302:
            wrong.append(f"{name}: {response.status_code}")
            continue
        run = ImportRun.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        expected = _expected_message(corpus, name)
        page = operator_client.get(response["Location"])
        assert page.status_code == 200, name
        if expected is not None:
            if run.status != ImportStatus.FAILED or run.failure != expected:
                wrong.append(f"{name}: {run.status} {run.failure!r}, expected {expected!r}")
            elif escape(expected) not in page.content.decode():
                wrong.append(f"{name}: the page does not show {expected!r}")
        elif run.status not in (ImportStatus.FAILED, ImportStatus.VALIDATED):
            wrong.append(f"{name}: left {run.status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("url", "field"), PAGES)
def test_each_upload_page_answers_a_hostile_file_with_its_message(operator_client, corpus, url, field):
    wrong = []
    for name in SAMPLE:
        response = operator_client.post(url, {field: _upload(corpus, name)})
        content = response.content.decode()
        if response.status_code not in (200, 302, 400):
            wrong.append(f"{name}: {response.status_code}")
            continue
        expected = _expected_message(corpus, name)
        if expected is None:
            continue
        if response.status_code == 302:
            wrong.append(f"{name}: refused file, but redirected as saved")
        elif not corpus[name].stat().st_size:  # a form refuses an empty upload itself
            if "kosong" not in content:
                wrong.append(f"{name}: the empty upload is not said to be empty")
        elif escape(expected) not in content:
            wrong.append(f"{name}: the page does not show {expected!r}")
    assert not wrong, "\n".join(wrong)


def _api_participants(client, corpus, name) -> tuple[int, list[str]]:
    response = client.post("/api/v1/imports", {"file": _upload(corpus, name)})
    if response.status_code != 201:
        return response.status_code, []
    body = response.json()
    assert body["status"] in ("failed", "committed"), (name, body)
    assert body["status"] == "committed" or body["failure"], name
    errors = client.get(f"/api/v1/imports/{body['id']}/errors").json()
    return 201, [e["code"] for e in errors if e["row"] == 0]


def _api_result(url):
    def post(client, corpus, name) -> tuple[int, list[str]]:
        response = client.post(url, {"file": _upload(corpus, name)})
        body = response.json()
        assert "code" in body or "errors" in body, (name, body)
        codes = [body["code"]] if "code" in body else [e["code"] for e in body["errors"] if e["row"] == 0]
        return response.status_code, codes

    return post


API = {
    "imports": (_api_participants, {201}),
    "payments/import": (_api_result("/api/v1/payments/import"), {200, 422}),
    "coverage/import": (_api_result("/api/v1/coverage/import"), {201, 400}),
}


@pytest.mark.parametrize("endpoint", list(API))
def test_each_api_upload_answers_a_hostile_file_with_its_code(operator_client, corpus, endpoint):
    post, statuses = API[endpoint]
    wrong = []
    for name in SAMPLE:
        file = BY_NAME[name]
        status, codes = post(operator_client, corpus, name)
        if status not in statuses:
            wrong.append(f"{name}: {status}")
        elif file.family != ROWS and codes != [file.family]:
            wrong.append(f"{name}: expected [{file.family}], got {codes}")
        elif file.family == ROWS and any(code in READER_CODES for code in codes):
            wrong.append(f"{name}: read by the reader, refused with {codes}")
    assert not wrong, "\n".join(wrong)


# -- runs left by a killed process ------------------------------------------------------


def _good_file(folder: Path, rows: int = 4) -> Path:
    lines = [",".join(HEADER)]
    for serial in range(1, rows + 1):
        lines.append(",".join([f"150401120385{serial:04d}", f"Orang {serial}", *ROW[2:]]))
    path = folder / "peserta.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_run_left_committing_by_a_killed_process_is_closed_failed_when_the_file_runs_again(
    demo, tmp_path, monkeypatch
):
    actor = demo.user(OPERATOR)
    path = _good_file(tmp_path)
    real = imports_module._write  # the batch writer, whichever the database
    calls = {"n": 0}

    def killed_on_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("SIGKILL")
        return real(*args, **kwargs)

    # A killed process records nothing more: neither the failure nor the end.
    monkeypatch.setattr(imports_module, "_write", killed_on_second_batch)
    monkeypatch.setattr(imports_module, "_finish", lambda *args, **kwargs: None)
    with pytest.raises(KeyboardInterrupt):
        import_participants(actor=actor, path=path, batch_size=2)
    killed = ImportRun.objects.get()
    assert (killed.status, killed.failure, killed.finished_at) == (ImportStatus.COMMITTING, "", None)
    assert Participant.objects.count() == 2
    monkeypatch.undo()

    again = import_participants(actor=actor, path=path, batch_size=2)
    killed.refresh_from_db()
    assert (killed.status, killed.failure) == (ImportStatus.FAILED, STALE_REASON)
    assert killed.finished_at is not None
    assert (again.status, again.created, again.unchanged) == (ImportStatus.COMMITTED, 2, 2)
    closed = AuditEvent.objects.get(action="participant_import.closed_stale")
    assert (closed.target_id, closed.changes) == (str(killed.pk), {"status": ["committing", "failed"]})


def test_a_hostile_file_run_again_closes_its_stale_run_and_fails_with_its_own_reason(demo, corpus):
    actor = demo.user(OPERATOR)
    path = corpus["sel-xfd1048576.xlsx"]
    left = ImportRun.objects.create(
        uploaded_by=actor,
        organization=actor.organization,
        scope_code=actor.organization.scope_code,
        file_name="sel-xfd1048576.xlsx",
        file_sha256=file_sha256(path),
        dry_run=True,
        status=ImportStatus.VALIDATING,  # an upload whose worker was killed while checking it
    )
    run = import_participants(actor=actor, path=path, dry_run=True)
    left.refresh_from_db()
    assert (left.status, left.failure) == (ImportStatus.FAILED, STALE_REASON)
    assert run.status == ImportStatus.FAILED
    assert [e.code for e in run.errors.all()] == ["too_many_columns"]
    assert "XFD" in run.failure and "unggah lagi" in run.failure


def test_runs_of_other_files_are_closed_only_once_they_are_older_than_any_import_takes(demo, tmp_path):
    actor = demo.user(OPERATOR)

    def left(name: str, age: timedelta) -> ImportRun:
        run = ImportRun.objects.create(
            organization=actor.organization,
            file_name=name,
            file_sha256=name * 4,
            status=ImportStatus.COMMITTING,
        )
        ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - age)
        return run

    old = left("lama", STALE_AFTER + timedelta(minutes=1))
    recent = left("baru", STALE_AFTER - timedelta(minutes=30))  # perhaps still working
    import_participants(actor=actor, path=_good_file(tmp_path, rows=1))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.failure) == (ImportStatus.FAILED, STALE_REASON)
    assert (recent.status, recent.failure) == (ImportStatus.COMMITTING, "")


def test_a_header_naming_one_column_200_times_fails_the_run_with_its_reason(demo, tmp_path):
    """The reason lists every duplicated column; it must still fit the run's record."""
    path = tmp_path / "nik-200.csv"
    path.write_text(",".join(["NIK"] * 100 + ["TANGGAL_LAHIR"] * 100) + "\n1\n", encoding="utf-8")
    run = import_participants(actor=demo.user(OPERATOR), path=path)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.failure.startswith("Kolom ganda di baris judul: NIK")
