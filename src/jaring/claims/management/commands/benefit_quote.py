import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring.claims import benefits
from jaring.claims.selectors import benefit_quote
from jaring.errors import DomainError


class Command(BaseCommand):
    help = (
        "Hitung manfaat klaim BPJS Ketenagakerjaan (JKM, JKK) menurut tabel aturan manfaat "
        "yang berlaku pada tanggal kejadian."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            required=True,
            help="jkm | jkk_death | jkk_total_disability | jkk_partial_disability | jkk_injury",
        )
        parser.add_argument("--income", required=True, help="Penghasilan dilaporkan (rupiah), mis. 1000000.")
        parser.add_argument(
            "--disability-pct", default=None, help="Persentase cacat (cacat sebagian), mis. 25 atau 12,5."
        )
        parser.add_argument(
            "--membership-months", default="0", help="Masa iur (bulan); beasiswa JKM perlu 36 bulan."
        )
        parser.add_argument(
            "--incapacity-months", default=None, help="Lama tidak mampu bekerja (bulan), untuk jkk_injury."
        )
        parser.add_argument(
            "--child",
            action="append",
            default=[],
            metavar="JENJANG[:KELAS]",
            help="Anak penerima beasiswa (paling banyak 2): BELUM, TK, SD, SMP, SMA atau S1, "
            "dengan kelas/tahun ke- (mis. SD:3). Boleh diulang.",
        )
        parser.add_argument(
            "--event-date", default=None, help="Tanggal kejadian YYYY-MM-DD, bawaan hari ini."
        )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")

    def _whole(self, raw, code: str, what: str) -> int:
        text = str(raw).strip()
        if not text.lstrip("-").isdigit():
            raise CommandError(f"{code}: {what} harus bilangan bulat, bukan '{raw}'.")
        return int(text)

    def _children(self, specs: list[str]) -> list[benefits.Child]:
        children = []
        for spec in specs:
            level, _sep, year = spec.strip().upper().partition(":")
            if year and not year.isdigit():
                raise CommandError(f"child_year_invalid: Kelas/tahun anak '{spec}' harus angka, mis. SD:3.")
            children.append(benefits.Child(level=level, year=int(year) if year else 1))
        return children

    def handle(self, *args, **options):
        income = self._whole(options["income"], "income_invalid", "Penghasilan")
        membership = self._whole(options["membership_months"], "membership_months_invalid", "Masa iur")
        incapacity = (
            self._whole(options["incapacity_months"], "incapacity_months_invalid", "Lama tidak mampu bekerja")
            if options["incapacity_months"] is not None
            else None
        )
        if options["event_date"]:
            try:
                on = date.fromisoformat(options["event_date"])
            except ValueError as exc:
                raise CommandError(
                    f"date_invalid: Tanggal '{options['event_date']}' tidak valid; "
                    "tulis YYYY-MM-DD, mis. 2025-06-14."
                ) from exc
        else:
            on = timezone.localdate()
        try:
            quote = benefit_quote(
                kind=options["kind"],
                income=income,
                event_date=on,
                membership_months=membership,
                disability_pct=options["disability_pct"],
                incapacity_months=incapacity,
                children=self._children(options["child"]),
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(quote.as_dict()))
            return
        self.stdout.write(f"{benefits.KIND_LABELS[quote.kind]}: {benefits.rupiah(quote.total)}")
        for line in quote.lines:
            basis = f" ({line.basis})" if line.basis else ""
            self.stdout.write(f"  {line.label}: {benefits.rupiah(line.rupiah)} = {line.detail}{basis}")
        for note in quote.notes:
            self.stdout.write(f"  catatan: {note}")
        self.stdout.write(f"  aturan per {on:%d/%m/%Y}")
