from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.contributions.planning import PER_VILLAGE, PERCENT_OF_VULNERABLE
from jaring.contributions.vocab import Component, FundingSource, Package


class RateRule(models.Model):
    """One component of the monthly BPU contribution for a date range (DOMAIN.md s.4).

    ``packages``, ``sources`` and ``occupations`` are lists of codes; an empty list of
    sources or occupations means every one. Exactly one of ``rate_bp`` (basis points:
    1% = 100) and ``amount_rupiah`` is set. A rule in use is never edited: it is ended
    (``effective_to``) and a new rule is added (see services.rate_rule_*).
    """

    component = models.CharField(_("komponen"), max_length=10, choices=Component.choices)
    packages = models.JSONField(_("paket"), default=list)
    sources = models.JSONField(_("sumber dana"), default=list, blank=True)
    occupations = models.JSONField(_("pekerjaan"), default=list, blank=True)
    rate_bp = models.PositiveIntegerField(_("persentase (basis poin)"), null=True, blank=True)
    amount_rupiah = models.PositiveBigIntegerField(_("nominal (rupiah)"), null=True, blank=True)
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["component", "effective_from", "id"]
        verbose_name = _("aturan tarif iuran")
        verbose_name_plural = _("aturan tarif iuran")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_bp__isnull=True, amount_rupiah__isnull=False)
                | models.Q(rate_bp__isnull=False, amount_rupiah__isnull=True),
                name="rate_rule_percent_xor_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="rate_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_component_display()} {self.effective_from:%d/%m/%Y}"


class VulnerableWorkerCount(models.Model):
    """How many vulnerable workers (pekerja rentan) a regency has in a year: the
    basis of "cover X% of the vulnerable workers" budget scenarios."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    vulnerable_workers = models.PositiveIntegerField(_("pekerja rentan"))
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "region_id"]
        verbose_name = _("jumlah pekerja rentan")
        verbose_name_plural = _("jumlah pekerja rentan")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="worker_count_region_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.vulnerable_workers}"


class ScenarioKind(models.TextChoices):
    PERCENT_OF_VULNERABLE = PERCENT_OF_VULNERABLE, _("Persentase pekerja rentan")
    PER_VILLAGE = PER_VILLAGE, _("Jumlah orang per desa/kelurahan")


class BudgetScenario(models.Model):
    """A saved budget plan for a province or regency. Its monthly rate, the rules that
    priced it and its lines per regency are frozen when saved: a later rule change
    never alters an amount already planned."""

    name = models.CharField(_("nama skenario"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis"), max_length=24, choices=ScenarioKind.choices)
    percent = models.PositiveSmallIntegerField(_("persentase pekerja rentan"), null=True, blank=True)
    per_village = models.PositiveIntegerField(_("orang per desa/kelurahan"), null=True, blank=True)
    package = models.CharField(_("paket"), max_length=12, choices=Package.choices)
    source = models.CharField(_("sumber dana"), max_length=10, choices=FundingSource.choices)
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    rate_date = models.DateField(_("tanggal tarif"))
    income = models.PositiveBigIntegerField(_("penghasilan dilaporkan"), default=1_000_000)
    monthly_per_person = models.PositiveBigIntegerField(_("iuran per orang per bulan"))
    rate_lines = models.JSONField(_("rincian iuran"), default=list)  # [{component, rupiah, rule_id, basis}]
    rate_rules = models.ManyToManyField(RateRule, related_name="scenarios", blank=True)
    total_people = models.PositiveBigIntegerField(_("jumlah orang"))
    total_rupiah = models.PositiveBigIntegerField(_("jumlah anggaran"))
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("skenario anggaran")
        verbose_name_plural = _("skenario anggaran")
        indexes = [models.Index(fields=["region", "year"], name="scenario_region_year")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=12), name="scenario_months_1_to_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioLine(models.Model):
    """One regency of a scenario, frozen: basis, people, monthly rate, rupiah."""

    scenario = models.ForeignKey(BudgetScenario, on_delete=models.CASCADE, related_name="lines")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota")
    )
    basis_count = models.PositiveIntegerField(_("dasar perhitungan"))
    people = models.PositiveBigIntegerField(_("jumlah orang"))
    monthly_per_person = models.PositiveBigIntegerField(_("iuran per orang per bulan"))
    rupiah = models.PositiveBigIntegerField(_("anggaran"))

    class Meta:
        ordering = ["scenario_id", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "region"], name="scenario_line_region_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id} {self.region_id}: {self.rupiah}"
