import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring.contributions.selectors import plan_total
from jaring.contributions.vocab import Component, FundingSource, Package
from jaring.errors import DomainError
from jaring.formats import active


class Command(BaseCommand):
    help = (
        "Hitung anggaran iuran BPJS Ketenagakerjaan: orang x bulan x iuran per orang per bulan "
        "menurut tabel tarif pada tanggal tertentu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", required=True, help="Jumlah orang, mis. 80418.")
        parser.add_argument("--months", required=True, help="Jumlah bulan, 1 sampai 12.")
        parser.add_argument("--package", default=Package.JKK_JKM, help="JKK_JKM (bawaan) atau JKK_JKM_JHT.")
        parser.add_argument(
            "--income", default="1000000", help="Penghasilan dilaporkan (rupiah), bawaan 1000000."
        )
        parser.add_argument(
            "--source",
            default=FundingSource.APBD_KAB,
            help=f"Sumber dana: {', '.join(FundingSource.values)}.",
        )
        parser.add_argument(
            "--occupation", default=None, help="Kode pekerjaan (bila diketahui), mis. petani."
        )
        parser.add_argument("--date", default=None, help="Tanggal tarif YYYY-MM-DD, bawaan hari ini.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")

    def _whole(self, raw: str, code: str, what: str) -> int:
        text = str(raw).strip()
        if not text.lstrip("-").isdigit():
            raise CommandError(f"{code}: {what} harus bilangan bulat, bukan '{raw}'.")
        return int(text)

    def handle(self, *args, **options):
        people = self._whole(options["people"], "people_invalid", "Jumlah orang")
        months = self._whole(options["months"], "months_invalid", "Jumlah bulan")
        income = self._whole(options["income"], "income_invalid", "Penghasilan")
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"date_invalid: Tanggal '{options['date']}' tidak valid; "
                    "tulis YYYY-MM-DD, mis. 2026-01-31."
                ) from exc
        else:
            on = timezone.localdate()
        try:
            plan = plan_total(
                people=people,
                months=months,
                on=on,
                package=options["package"],
                source=options["source"],
                occupation=options["occupation"] or None,
                income=income,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict()))
            return
        self.stdout.write(
            f"{active.number(plan.people)} orang x {plan.months} bulan x "
            f"{active.rupiah(plan.monthly_per_person)} = {active.rupiah(plan.total_rupiah)}"
        )
        for line in plan.quote.lines:
            basis = f" ({line.basis})" if line.basis else ""
            self.stdout.write(f"  {Component(line.component).label}: {active.rupiah(line.rupiah)}{basis}")
        self.stdout.write(
            f"  tarif per {on:%d/%m/%Y}, paket {Package(plan.quote.package).label}, "
            f"sumber dana {FundingSource(plan.quote.source).label}"
        )
