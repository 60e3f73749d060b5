"""The English catalogue is complete: every message the code marks is translated.

The messages are extracted the way a developer does (``jaring makemessages -l en``,
which also takes ``N_`` from the pure rule modules) into a copy of the package, so
the committed ``django.po`` is never touched; the copy's catalogue is then read with
polib. Needs GNU gettext (xgettext, msgmerge, msgfmt), installed from Debian when
missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

import jaring

from .system import debian_binary, run

PACKAGE = Path(jaring.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
SKIPPED = ("*.pyc", "__pycache__", "*.mo", "data", "static")  # not copied: bytecode, data files, JS


@pytest.fixture(scope="module")
def gettext_tools() -> None:
    for tool in ("xgettext", "msgmerge", "msgfmt"):
        debian_binary(Path("/usr/bin") / tool, "gettext")


@pytest.fixture(scope="module")
def extracted(gettext_tools, tmp_path_factory) -> polib.POFile:
    """The catalogue as ``makemessages`` leaves it after a run on today's code."""
    root = tmp_path_factory.mktemp("catalogue")
    copy = root / "jaring"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(*SKIPPED))
    before = (CATALOGUE / "django.po").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "jaring.settings"}
    env.pop("DATABASE_URL", None)  # extraction needs no database
    run(
        [sys.executable, "-m", "jaring", "makemessages", "--locale", "en", "--verbosity", "0"],
        env=env,
        timeout=300,
    )
    assert (CATALOGUE / "django.po").read_bytes() == before, "makemessages wrote the real catalogue"
    return polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))


def _listing(entries: list[polib.POEntry]) -> str:
    def where(entry: polib.POEntry) -> str:
        return " ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])

    return "\n".join(f"  {entry.msgid!r}  ({where(entry)})" for entry in entries)


def test_every_message_the_code_uses_has_an_english_translation(extracted):
    untranslated = [e for e in extracted if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert not untranslated, (
        f"{len(untranslated)} messages have no English translation (or a fuzzy one); run "
        "`jaring makemessages -l en`, translate them in src/jaring/locale/en/LC_MESSAGES/django.po, "
        f"then `jaring compilemessages`:\n{_listing(untranslated)}"
    )


def test_the_committed_catalogue_holds_exactly_the_messages_of_the_code(extracted):
    committed = polib.pofile(str(CATALOGUE / "django.po"))
    obsolete = committed.obsolete_entries()
    assert not obsolete, f"obsolete (#~) entries in django.po:\n{_listing(obsolete)}"
    used = {(e.msgctxt, e.msgid) for e in extracted if not e.obsolete}
    kept = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    stale = [e for e in committed if (e.msgctxt, e.msgid) not in used]
    assert not stale, f"django.po holds messages the code no longer uses:\n{_listing(stale)}"
    missing = [e for e in extracted if not e.obsolete and (e.msgctxt, e.msgid) not in kept]
    assert not missing, f"messages of the code not yet in django.po:\n{_listing(missing)}"


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(gettext_tools, tmp_path):
    """django.mo holds exactly the translations of django.po (``compilemessages`` was run)."""
    committed = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))
    in_po = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in committed.translated_entries()}
    in_mo = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled if e.msgid}
    differ = sorted(key for key in in_po.keys() | in_mo.keys() if in_po.get(key) != in_mo.get(key))
    assert not differ, "django.mo differs from django.po; run `jaring compilemessages`:\n" + "\n".join(
        f"  {msgid!r}" for _, msgid in differ[:50]
    )
    # and msgfmt accepts the file as it stands (placeholders match, no duplicates)
    run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE / "django.po")], timeout=60)


@pytest.mark.parametrize(
    ("label", "english"),
    [
        ("Terlindungi", "Protected"),  # billing.protection, a pure module (N_)
        ("Kepesertaan berhenti", "Membership ended"),
        ("Miskin ekstrem", "Extreme poor"),  # registry.vocab (N_)
        ("Dilaporkan", "Reported"),  # claims.workflow (N_)
    ],
)
def test_labels_of_the_pure_rule_modules_read_in_english(label, english):
    with translation.override("en"):
        assert translation.gettext(label) == english


@pytest.mark.parametrize(
    ("path", "english", "indonesian"),
    [
        ("/peserta/", ">Extreme poor<", ">Miskin ekstrem<"),  # registry.vocab via the model's choices
        ("/peserta/", ">Inactive<", ">Tidak aktif<"),
        (
            "/iuran/perlindungan/",
            "List: In arrears</option>",
            "Daftar: Menunggak</option>",
        ),  # billing.protection
        ("/peringatan/", "Idle funds in villages", "Dana mengendap di desa"),  # an alert kind
    ],
)
def test_pages_in_english_show_the_labels_of_the_pure_modules_in_english(demo, path, english, indonesian):
    client = demo.client("jambi.operator")
    client.cookies["django_language"] = "en"
    html = client.get(path).content.decode()
    assert english in html
    assert indonesian not in html
    client.cookies["django_language"] = "id"
    assert indonesian in client.get(path).content.decode()
