"""Django's ``makemessages`` as Jaring runs it.

- ``N_`` (``jaring.i18n``) is a keyword, so the labels of the pure rule modules are
  extracted like ``gettext`` calls.
- It runs from the package directory whatever the working directory, so the
  references read ``claims/workflow.py:36`` and the catalogue is the package's own
  (``locale/``), never a scan of the repository, ``node_modules`` or ``var/``.
- Obsolete entries are dropped (``--no-obsolete``): the catalogue holds what the code
  uses, which ``tests/test_catalogue.py`` checks.

Usage: ``jaring makemessages -l en`` then ``jaring compilemessages``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.management.commands import makemessages

import jaring

PACKAGE_DIR = Path(jaring.__file__).resolve().parent


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]

    def handle(self, *args, **options):
        options["no_obsolete"] = True
        with contextlib.chdir(PACKAGE_DIR):
            return super().handle(*args, **options)
