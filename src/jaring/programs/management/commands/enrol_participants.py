from jaring.accounts.cli import FileImportCommand
from jaring.formats.active import number
from jaring.programs.imports import enrolments_import


class Command(FileImportCommand):
    help = (
        "Daftarkan peserta ke program dari berkas XLSX/CSV (kolom NIK, KODE_PROGRAM, TANGGAL_MULAI). "
        "Baris yang ditolak (kuota, pagu, pembiayaan ganda...) dijelaskan."
    )

    def run(self, *, actor, path, options):
        return enrolments_import(actor=actor, path=path, dry_run=options["dry_run"])

    def report(self, result, options):
        mode = "Uji coba (tidak disimpan)" if options["dry_run"] else "Pendaftaran"
        self.stdout.write(
            f"{mode}: {number(result.created)} didaftarkan, {number(result.unchanged)} sudah terdaftar, "
            f"{number(result.rejected)} ditolak."
        )
        self.write_row_errors(result.errors)
