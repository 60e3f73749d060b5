import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring.access.scoping import reader_of
from jaring.accounts.cli import actor_from_option
from jaring.billing.selectors import protection_on
from jaring.registry.selectors import nik_for, participants_visible_to
from jaring.sheets.cells import compact


class Command(BaseCommand):
    help = (
        "Status perlindungan satu peserta pada satu tanggal (active, arrears, lapsed, deceased, exited, "
        'not_covered). Dengan --json mencetak {"nik", "date", "status", "paid_through"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--nik", required=True, help="NIK peserta (16 angka).")
        parser.add_argument("--date", help="Tanggal YYYY-MM-DD (bawaan: hari ini).")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")
        parser.add_argument("--as", dest="username", help="Baca dengan wilayah kerja pengguna ini.")

    def handle(self, *args, **options):
        actor = actor_from_option(options["username"])
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"date_invalid: Tanggal '{options['date']}' bukan YYYY-MM-DD.") from exc
        nik = compact(options["nik"])
        people = participants_visible_to(reader_of(actor))
        person = people.filter(nik=nik).first()
        if person is None:
            raise CommandError(f"not_found: NIK {nik} tidak terdaftar (atau di luar wilayah kerja Anda).")
        protection = protection_on(person, on)
        shown = nik if actor is None else nik_for(actor, nik)
        paid_through = protection.paid_through.isoformat() if protection.paid_through else None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "nik": shown,
                        "date": on.isoformat(),
                        "status": protection.status.value,
                        "paid_through": paid_through,
                    }
                )
            )
            return
        self.stdout.write(
            f"{person.full_name} ({shown}) pada {on:%d-%m-%Y}: {protection.label} [{protection.status}]"
        )
        self.stdout.write(
            f"  dibayar sampai: {protection.paid_through:%d-%m-%Y}"
            if protection.paid_through
            else "  belum ada iuran terbayar"
        )
        if protection.unpaid_months:
            self.stdout.write(f"  bulan tertunggak berturut-turut: {protection.unpaid_months}")
        self.stdout.write(f"  masa kepesertaan terbayar: {protection.membership_months} bulan")
