from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.distribution import province_from


class ImportSource(models.TextChoices):
    UPLOAD = "upload", _("Unggah di web")
    API = "api", _("API")
    CLI = "cli", _("Baris perintah")
    DEMO = "demo", _("Data demo")


class CoverageImport(models.Model):
    """One coverage file that was saved: which file, who, when, how many rows.
    A file with any wrong row is refused whole and leaves no import behind."""

    file_name = models.CharField(_("berkas"), max_length=255)
    source = models.CharField(_("jalur"), max_length=10, choices=ImportSource.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("waktu impor"), auto_now_add=True)
    # The deepest region holding every row of the file: where the import is seen.
    region_code = models.CharField(_("kode wilayah"), max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    created = models.PositiveIntegerField(_("angka baru"), default=0)
    updated = models.PositiveIntegerField(_("angka diganti"), default=0)
    unchanged = models.PositiveIntegerField(_("angka tidak berubah"), default=0)
    targets = models.PositiveIntegerField(_("target diisi atau diubah"), default=0)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("impor angka cakupan")
        verbose_name_plural = _("impor angka cakupan")
        indexes = [models.Index(fields=["region_code", "imported_at"], name="coverage_import_region")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d/%m/%Y %H:%M})"


class CoverageFigure(models.Model):
    """Active BPJS Ketenagakerjaan participants (all segments, from BPJS aggregates)
    and potential workers (BPS-based) of one region on one date. Re-importing the
    same region and date replaces the numbers (audited)."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("wilayah"),
    )
    level = models.CharField(_("tingkat"), max_length=10)  # the region's, kept for grouped reads
    province = province_from("region_id")
    on = models.DateField(_("tanggal"))
    participants = models.PositiveBigIntegerField(_("peserta aktif"))
    potential = models.PositiveBigIntegerField(_("potensi pekerja"))
    source_import = models.ForeignKey(
        CoverageImport, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["region_id", "-on"]
        verbose_name = _("angka cakupan")
        verbose_name_plural = _("angka cakupan")
        constraints = [
            models.UniqueConstraint(fields=["region", "on"], name="coverage_figure_region_date"),
            models.CheckConstraint(condition=models.Q(potential__gt=0), name="coverage_potential_positive"),
        ]
        indexes = [models.Index(fields=["level", "region", "on"], name="coverage_figure_level")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.on:%d/%m/%Y}: {self.participants}/{self.potential}"


class CoverageTarget(models.Model):
    """The coverage target of a region for a year (targets are set per year). A region
    without one inherits its parent's."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("wilayah"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    target_pct = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    source_import = models.ForeignKey(
        CoverageImport, on_delete=models.PROTECT, null=True, blank=True, related_name="target_rows"
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["region_id", "-year"]
        verbose_name = _("target cakupan")
        verbose_name_plural = _("target cakupan")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="coverage_target_region_year"),
            models.CheckConstraint(
                condition=models.Q(target_pct__gt=0, target_pct__lte=100), name="coverage_target_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.target_pct}%"


class ProtectionSummary(models.Model):
    """People of one region (province, regency, district or village) per protection
    status on the day of the last refresh, and their active program enrolments: what
    the dashboards read instead of scanning the registry and the paid months."""

    region_code = models.CharField(_("kode wilayah"), max_length=10, unique=True)
    province = province_from("region_code")
    level = models.CharField(_("tingkat"), max_length=10)
    on = models.DateField(_("tanggal"))
    active = models.PositiveIntegerField(_("aktif"), default=0)
    arrears = models.PositiveIntegerField(_("menunggak"), default=0)
    lapsed = models.PositiveIntegerField(_("berhenti"), default=0)
    deceased = models.PositiveIntegerField(_("meninggal"), default=0)
    exited = models.PositiveIntegerField(_("keluar"), default=0)
    not_covered = models.PositiveIntegerField(_("belum terlindungi"), default=0)
    enrolled = models.PositiveIntegerField(_("terdaftar di program"), default=0)

    class Meta:
        verbose_name = _("ringkasan perlindungan")
        verbose_name_plural = _("ringkasan perlindungan")
        indexes = [models.Index(fields=["level", "region_code"], name="protection_summary_level")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.on}: {self.active} aktif"


class SummaryRefresh(models.Model):
    """One rebuild of the protection summary: for which day, when, and how long."""

    on = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    regions = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.on} ({self.finished_at:%Y-%m-%d %H:%M})"


class CountingRule(models.Model):
    """How BPJS counts a government-paid person toward coverage (UCJ) for a date range:
    fully from ``full_after_months`` paid months in the year, pro rata below
    (``monitoring.ucj``). Seeded by migration ``0003`` (6 months from 2020-01-01). A rule
    in use is never edited: it is ended (``jaring.dated_rules``) and a new rule follows."""

    full_after_months = models.PositiveSmallIntegerField(_("dihitung penuh setelah (bulan iuran)"))
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    basis = models.CharField(_("dasar"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["effective_from", "id"]
        verbose_name = _("aturan penghitungan cakupan")
        verbose_name_plural = _("aturan penghitungan cakupan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(full_after_months__gte=1, full_after_months__lte=12),
                name="counting_rule_months_1_12",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="counting_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_after_months} bulan {self.effective_from:%d/%m/%Y}"
