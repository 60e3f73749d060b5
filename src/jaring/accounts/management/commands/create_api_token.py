from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.models import User
from jaring.accounts.services import api_token_create
from jaring.errors import DomainError


class Command(BaseCommand):
    help = "Buat token API pribadi untuk pengguna dan cetak tokennya (hanya sekali)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"not_found: Pengguna '{options['username']}' tidak ditemukan.")
        try:
            _token, raw = api_token_create(actor=None, user=user, name=options["name"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(raw)
