import json

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.models import DigestFrequency
from jaring.alerts.digests import digests_send


class Command(BaseCommand):
    help = (
        "Kirim ringkasan peringatan terbuka lewat surel kepada pengguna yang memilihnya di akunnya "
        "(harian, atau mingguan tiap Senin). Aman dijalankan berkali-kali sehari: tiap pengguna "
        "menerima paling banyak satu ringkasan per hari. Jalankan berkala (mis. cron tiap pagi)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tampilkan siapa akan menerima apa; tidak ada surel dikirim dan tidak ada yang diubah.",
        )
        parser.add_argument(
            "--frequency",
            choices=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
            help="Hanya pengguna dengan frekuensi ini (bawaan: semua yang jatuh tempo hari ini).",
        )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai satu objek JSON.")

    def handle(self, *args, **options):
        run = digests_send(frequency=options["frequency"], dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(run.as_dict(), ensure_ascii=False))
        else:
            verb = "akan dikirim" if run.dry_run else "terkirim"
            for digest in run.digests:
                kinds = ", ".join(f"{label} {n}" for label, n in digest.by_kind)
                self.stdout.write(
                    f"  {digest.user.username} <{digest.user.email}> ({digest.user.digest_frequency}, "
                    f"{digest.user.language}): {digest.total} peringatan ({kinds})"
                )
            self.stdout.write(
                f"Ringkasan: {len(run.digests)} {verb}, {run.without_alerts} tanpa peringatan terbuka, "
                f"{run.taken} sudah dikirim proses lain, {len(run.failures)} gagal"
                f"{' (uji coba: tidak ada yang dikirim atau diubah)' if run.dry_run else ''}."
            )
            for username, message in run.failures:
                self.stderr.write(f"  {username}: server surel menolak: {message}")
        if run.failures:
            raise CommandError(
                "smtp_failed: Sebagian ringkasan tidak terkirim; dicoba lagi pada jalan berikutnya."
            )
