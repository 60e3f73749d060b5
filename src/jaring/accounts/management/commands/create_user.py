from django.core.management.base import BaseCommand, CommandError

from jaring.access.rules import Role
from jaring.accounts.selectors import organization_by_code
from jaring.accounts.services import user_create
from jaring.errors import DomainError


class Command(BaseCommand):
    help = "Buat pengguna pada sebuah organisasi."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--organization", required=True, help="Kode organisasi")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument(
            "--audit", action="store_true", help="Beri akses membaca jejak audit (peran viewer)."
        )
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        org = organization_by_code(options["organization"])
        if org is None:
            raise CommandError(f"not_found: Organisasi '{options['organization']}' tidak ditemukan.")
        try:
            user = user_create(
                actor=None,
                organization=org,
                username=options["username"],
                password=options["password"],
                role=options["role"],
                can_audit=options["audit"],
                full_name=options["full_name"],
                email=options["email"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(f"Pengguna {user.username} ({user.role}) dibuat di {org.name}."))
