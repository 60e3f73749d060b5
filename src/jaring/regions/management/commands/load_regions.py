import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jaring.errors import DomainError
from jaring.formats.active import number
from jaring.regions.services import regions_load


class Command(BaseCommand):
    help = "Muat daftar wilayah resmi Kemendagri (provinsi s.d. desa/kelurahan). Idempoten."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument(
            "--source",
            type=Path,
            help="Edisi lain: berkas CSV(.gz) code,name,type atau folder berisi provinces.csv dst.",
        )
        parser.add_argument(
            "--province", action="append", default=[], help="Batasi ke provinsi ini (kode 2 angka)."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            result = regions_load(source=options["source"], provinces=set(options["province"]) or None)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(
            f"Wilayah di basis data: {number(result.provinces)} provinsi, "
            f"{number(result.regencies)} kabupaten/kota, "
            f"{number(result.districts)} kecamatan, {number(result.villages)} desa/kelurahan."
        )
        if result.created or result.updated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{number(result.created)} dibuat, {number(result.updated)} diperbarui, "
                    f"{number(result.unchanged)} tidak berubah ({number(elapsed, 1)} detik)."
                )
            )
        else:
            self.stdout.write(
                f"Tidak ada perubahan: {number(result.unchanged)} wilayah sudah mutakhir "
                f"({number(elapsed, 1)} detik)."
            )
