from django.core.management.base import BaseCommand, CommandError

from jaring.access.rules import OrgKind
from jaring.accounts.services import organization_create
from jaring.errors import DomainError


class Command(BaseCommand):
    help = "Buat organisasi dengan wilayah kerjanya."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=[k.value for k in OrgKind])
        parser.add_argument("--regions", required=True, help="Kode wilayah dipisah koma, mis. 15.06,15.07")

    def handle(self, *args, **options):
        try:
            org = organization_create(
                actor=None,
                code=options["code"],
                name=options["name"],
                kind=options["kind"],
                region_codes=[c for c in options["regions"].split(",") if c.strip()],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(f"Organisasi {org.code} ({org.name}) dibuat."))
