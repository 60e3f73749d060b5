from django.core.management.base import BaseCommand, CommandError

from jaring.demo.seed import DEMO_PASSWORD, ORGANIZATIONS, seed_demo
from jaring.errors import DomainError
from jaring.regions.models import Region


class Command(BaseCommand):
    help = "Buat organisasi dan pengguna demo (Jambi dan Bengkulu). Idempoten; ditolak di produksi."

    def handle(self, *args, **options):
        if not Region.objects.filter(code="15").exists():
            raise CommandError("regions_missing: Muat wilayah dulu: jaring load_regions")
        try:
            users = seed_demo()
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        names = {org.code: org.name for org in ORGANIZATIONS}
        self.stdout.write(self.style.SUCCESS(f"Pengguna demo (kata sandi semua: {DEMO_PASSWORD}):"))
        for demo, is_new in users:
            where = names.get(demo.org, "seluruh Indonesia")
            role = demo.role + (" + audit" if demo.can_audit else "")
            flag = "baru" if is_new else "sudah ada"
            self.stdout.write(f"  {demo.username:<22} {role:<16} {where} ({flag})")
