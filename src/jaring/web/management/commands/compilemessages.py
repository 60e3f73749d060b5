"""Django's ``compilemessages`` run from the package directory, like ``makemessages``:
it compiles ``locale/`` of Jaring only, never the ``.po`` files of installed packages
under ``.venv`` (which Django's walk of the working directory would find)."""

from __future__ import annotations

import contextlib

from django.core.management.commands import compilemessages

from jaring.web.management.commands.makemessages import PACKAGE_DIR


class Command(compilemessages.Command):
    def handle(self, *args, **options):
        with contextlib.chdir(PACKAGE_DIR):
            return super().handle(*args, **options)
