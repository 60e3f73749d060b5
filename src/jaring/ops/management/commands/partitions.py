import json

from django.core.management.base import BaseCommand

from jaring.formats.active import number
from jaring.ops.partitions import BY_YEAR, partitions_ensure
from jaring.partitioning import active, partitions


class Command(BaseCommand):
    help = (
        "Daftar partisi per tahun (PostgreSQL) tabel baris tagihan, bulan terbayar dan jejak audit, "
        "dengan jumlah barisnya; --ensure menyiapkan partisi sampai dua tahun ke depan "
        "(dijalankan juga oleh jaring scheduler setiap hari)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ensure", action="store_true", help="Buat partisi yang belum ada.")
        parser.add_argument("--json", action="store_true", help="Cetak sebagai satu objek JSON.")

    def handle(self, *args, **options):
        if not active():
            self.stdout.write("Partisi hanya ada di PostgreSQL; SQLite memakai tabel biasa.")
            return
        created = partitions_ensure() if options["ensure"] else {}
        tables = {spec.table: partitions(spec) for spec in BY_YEAR}
        if options["json"]:
            self.stdout.write(json.dumps({"created": created, "tables": tables}))
            return
        for names in created.values():
            for name in names:
                self.stdout.write(f"Dibuat: {name}")
        for table, counts in tables.items():
            self.stdout.write(f"{table}:")
            for name, rows in counts.items():
                self.stdout.write(f"  {name}: {number(rows)} baris")
