from django.core.management.base import BaseCommand, CommandError

from jaring import codes
from jaring.access.scoping import Jurisdiction
from jaring.formats.active import number
from jaring.registry.duplicates import duplicates_scan


class Command(BaseCommand):
    help = "Cari kemungkinan data ganda (NIK berbeda, orang sama) dan antrekan untuk ditinjau."

    def add_arguments(self, parser):
        parser.add_argument("--region", action="append", default=[], help="Batasi ke wilayah ini (kode).")

    def handle(self, *args, **options):
        within = None
        if options["region"]:
            try:
                within = Jurisdiction(
                    codes=tuple(codes.collapse([codes.normalize(c) for c in options["region"]]))
                )
            except codes.InvalidRegionCode as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
        found = duplicates_scan(within=within)
        self.stdout.write(f"{number(found)} pasangan baru menunggu ditinjau.")
