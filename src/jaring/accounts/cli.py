"""What the management commands share: the user of ``--as`` and the import commands' frame."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.models import User
from jaring.errors import DomainError


def actor_from_option(username: str | None) -> User | None:
    """The user named by ``--as`` (an active one), or None: platform rights."""
    if not username:
        return None
    actor = User.objects.select_related("organization").filter(username=username).first()
    if actor is None or not actor.is_active:
        raise CommandError(f"not_found: Pengguna '{username}' tidak ditemukan atau tidak aktif.")
    return actor


def reader_from_option(username: str | None) -> User:
    """The user named by ``--as``, or the platform itself: an unsaved superuser that
    the jurisdiction scope reads as "all of Indonesia" (the read commands' default rights)."""
    return actor_from_option(username) or User(username="platform", is_superuser=True, is_active=True)


class FileImportCommand(BaseCommand):
    """An import command: ``FILE [--dry-run] [--json] [--as USERNAME]``.

    The file must exist, ``--as`` names the user whose rights and jurisdiction apply
    (none: the platform), a refusal of the whole file is ``code: message``. A subclass
    runs the import (``run``), prints what it did (``report``; ``--json`` prints
    ``as_json`` instead) and may end with an error exit (``refuse``)."""

    offers_dry_run = True

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        if self.offers_dry_run:
            parser.add_argument(
                "--dry-run", action="store_true", help="Periksa saja; tidak ada yang disimpan."
            )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument(
            "--as", dest="username", help="Jalankan dengan hak dan wilayah kerja pengguna ini."
        )

    def run(self, *, actor, path: Path, options: dict):
        raise NotImplementedError

    def as_json(self, result) -> dict:
        return result.as_dict()

    def report(self, result, options: dict) -> None:
        raise NotImplementedError

    def refuse(self, result) -> None:
        """Raise CommandError when the result is a failure (the exit status says so)."""

    def write_row_errors(self, errors, limit: int = 50) -> None:
        for error in errors[:limit]:
            self.stdout.write(f"  baris {error.row}, kolom {error.column}: {error.code}: {error.message}")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file_missing: Berkas {path} tidak ditemukan.")
        actor = actor_from_option(options["username"])
        try:
            result = self.run(actor=actor, path=path, options=options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(self.as_json(result), ensure_ascii=False))
        else:
            self.report(result, options)
        self.refuse(result)
