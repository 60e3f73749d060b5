"""Every error an officer can meet reads in their language.

A domain error's message is a catalogue message (``N_("... %(nik)s ...")``) with its
figures in ``params`` (``jaring/errors.py``); a row error written from text goes through
``figures.text(N_(...), {...})``. The catalogue test (``test_catalogue.py``) then fails
on any of them without an English translation. This module reads the source and fails
on a message the catalogue cannot see (an f-string, a bare literal, a concatenation) and
on a template whose placeholders and figures do not match; then it checks that an error
reaches the page, the API and a spreadsheet's row errors in English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

import jaring
from jaring.errors import DomainError, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_
from jaring.registry.nik import normalize_nik

PACKAGE = Path(jaring.__file__).resolve().parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Marks the catalogue sees: N_ in plain Python, Django's gettext family elsewhere.
MARKS = {"N_", "gettext", "gettext_lazy", "_", "pgettext", "ngettext"}
# A message handed on unchanged (another error's ``exc.message``, a helper's parameter).
PASSED_ON = (ast.Name, ast.Attribute, ast.Subscript)


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(), str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _error_classes(sources) -> set[str]:
    """DomainError and every class that derives from it, found in the source."""
    names = {"DomainError"}
    classes = [
        (node.name, {_name(base) for base in node.bases})
        for _path, tree in sources
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    grew = True
    while grew:
        before = len(names)
        names |= {name for name, bases in classes if bases & names}
        grew = len(names) > before
    return names


def _calls(sources):
    """(where, message argument, params argument) of every domain error raised and every
    row error written through ``figures.text``."""
    errors = _error_classes(sources)
    for path, tree in sources:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if name in errors:
                params = next((k.value for k in node.keywords if k.arg == "params"), None)
                yield where, node.args[0], params
            elif (
                name == "text"
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "figures"
            ):
                yield where, node.args[0], node.args[1] if len(node.args) > 1 else None


def _template(message: ast.expr) -> str | None:
    """The marked literal of ``N_("...")`` (or gettext), else None."""
    if isinstance(message, ast.Call) and _name(message.func) in MARKS and message.args:
        literal = message.args[0]
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            return literal.value
    return None


def test_every_error_message_is_a_catalogue_message() -> None:
    unmarked = [
        f"{where}: {ast.unparse(message)[:90]}"
        for where, message, _params in _calls(_sources())
        if _template(message) is None and not isinstance(message, PASSED_ON)
    ]
    assert not unmarked, (
        "write these as N_('...%(name)s...') with params={...} (jaring/errors.py):\n" + "\n".join(unmarked)
    )


def test_every_placeholder_has_its_figure_and_every_figure_a_placeholder() -> None:
    mismatched = []
    for where, message, params in _calls(_sources()):
        template = _template(message)
        if template is None:
            continue
        wanted = set(PLACEHOLDER.findall(template))
        if params is None:
            given = set()
        elif isinstance(params, ast.Dict) and all(isinstance(k, ast.Constant) for k in params.keys):
            given = {k.value for k in params.keys}
        else:
            mismatched.append(f"{where}: params must be a dict literal, not {ast.unparse(params)[:60]}")
            continue
        if wanted != given:
            mismatched.append(f"{where}: {template!r} has {sorted(wanted)}, params {sorted(given)}")
        elif wanted:
            try:
                template % dict.fromkeys(wanted, "x")
            except (ValueError, TypeError) as exc:
                mismatched.append(f"{where}: {template!r} cannot be filled ({exc}); write % as %%")
    assert not mismatched, "\n".join(mismatched)


def test_a_domain_error_reads_in_the_active_language_with_its_figures() -> None:
    error = InvalidInput(
        N_("Pembayaran %(amount)s pada %(on)s melebihi tagihan."),
        params={"amount": figures.money(1_234_567), "on": figures.day(jaring_date())},
    )
    assert error.message == "Pembayaran Rp1.234.567 pada 31/12/2025 melebihi tagihan."
    with translation.override("en"):
        # Not in the catalogue: the Indonesian sentence, figures written the English way.
        assert error.message == "Pembayaran Rp1,234,567 pada 31/12/2025 melebihi tagihan."
        assert error.indonesian == "Pembayaran Rp1.234.567 pada 31/12/2025 melebihi tagihan."
    assert str(error) == error.message
    assert isinstance(error, DomainError) and error.as_dict()["message"] == error.message


def jaring_date():
    from datetime import date

    return date(2025, 12, 31)


def test_a_rule_module_error_reads_in_english() -> None:
    with pytest.raises(DomainError) as raised:
        normalize_nik("12345")
    indonesian = raised.value.message
    with translation.override("en"):
        english = raised.value.message
    assert english != indonesian
    assert "NIK" in english and raised.value.indonesian == indonesian


def _transfer(bkbk_program) -> dict:
    """A transfer dated before the program's fiscal year: the service refuses it."""
    return {
        "program": bkbk_program.pk,
        "kind": "to_regency",
        "region": "1504",
        "stage": 1,
        "transferred_on": "31/12/2024",
        "amount": 1_000_000,
        "reference": "SP2D-TEST-1",
    }


@pytest.mark.django_db
def test_a_refusal_on_a_form_reads_in_the_officers_language(demo):
    from .test_programs_services import bkbk

    program = bkbk(demo)
    indonesian = "Tanggal 31/12/2024 di luar tahun anggaran 2025."
    officer = demo.client("jambi.operator")
    page = officer.post("/dana/transfer/baru/", _transfer(program)).content.decode()
    assert indonesian in page
    officer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = officer.post("/dana/transfer/baru/", _transfer(program)).content.decode()
    with translation.override("en"):
        english = figures.text(
            N_("Tanggal %(date)s di luar tahun anggaran %(year)s."), {"date": "31/12/2024", "year": "2025"}
        )
    assert english != indonesian and english in page and indonesian not in page


@pytest.mark.django_db
def test_the_api_answers_in_the_language_the_client_chose(demo):
    from .test_programs_services import bkbk

    program = bkbk(demo)
    payload = {
        "program_id": program.pk,
        "kind": "to_regency",
        "region_code": "1504",
        "transferred_on": "2024-12-31",
        "amount": 1_000_000,
        "reference": "SP2D-TEST-2",
    }
    officer = demo.client("jambi.operator")
    answer = officer.post("/api/v1/transfers", payload, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["message"] == "Tanggal 31/12/2024 di luar tahun anggaran 2025."
    officer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    answer = officer.post("/api/v1/transfers", payload, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "date_outside_fiscal_year"
    assert "2025" in answer.json()["message"] and "di luar" not in answer.json()["message"]


@pytest.mark.django_db
def test_a_row_error_of_an_upload_reads_in_the_uploaders_language(demo, django_capture_on_commit_callbacks):
    """The upload is checked by the worker after the request (``registry/tasks.py``): it
    writes the row errors in the language of the page the file was uploaded from."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation as django_translation
    from django.utils.html import escape

    from jaring.registry.models import ImportRun

    content = (
        b"NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,PEKERJAAN,KATEGORI\n"
        b"15040112038,Arif Rahman,12/03/1985,L,1504012003,petani,pekerja_rentan\n"
    )
    shown = {}
    for language in ("id", "en"):
        officer = demo.client("desa.operator")
        officer.post("/i18n/setlang/", {"language": language, "next": "/"})
        with django_capture_on_commit_callbacks(execute=True):
            officer.post("/peserta/impor/", {"berkas": SimpleUploadedFile(f"{language}.csv", content)})
            django_translation.deactivate()  # the worker is another thread: no language of its own
        run = ImportRun.objects.get(file_name=f"{language}.csv")
        (error,) = run.errors.all()
        assert (error.row, error.column, error.code) == (2, "NIK", "nik_length")
        assert escape(error.message) in officer.get(f"/peserta/impor/{run.pk}/").content.decode()
        shown[language] = error.message
    assert shown["id"] == "NIK '15040112038' berisi 11 angka; NIK harus 16 angka."
    assert shown["en"] != shown["id"] and "15040112038" in shown["en"] and "angka" not in shown["en"]
