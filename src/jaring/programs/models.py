from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.contributions.vocab import FundingSource, Package
from jaring.distribution import province_from
from jaring.registry.models import CATEGORY_CHOICES


class Program(models.Model):
    """A funding program: who pays, from which budget, for whom, for how long.

    A user sees a program when it pays for it (its organization is the payer) or
    when one of its target regions overlaps the user's jurisdiction.
    """

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    source = models.CharField(_("sumber dana"), max_length=12, choices=FundingSource.choices)
    payer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("pemberi dana"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    starts_on = models.DateField(_("mulai perlindungan"))
    coverage_months = models.PositiveSmallIntegerField(_("masa perlindungan (bulan)"))
    ends_on = models.DateField(_("akhir perlindungan"))  # starts_on + coverage_months, kept for queries
    package = models.CharField(
        _("paket manfaat"), max_length=12, choices=Package.choices, default=Package.JKK_JKM
    )
    declared_income = models.PositiveBigIntegerField(_("penghasilan yang dilaporkan (Rp)"), default=1_000_000)
    budget_ceiling = models.PositiveBigIntegerField(_("pagu anggaran (Rp)"))
    quota_total = models.PositiveIntegerField(_("kuota total"), null=True, blank=True)
    target_regions = models.ManyToManyField(
        "regions.Region", related_name="programs", verbose_name=_("wilayah sasaran")
    )
    # Kept by the enrolment services (never counted per page view): active enrolments
    # and what they commit from the budget (people x months x monthly contribution).
    enrolled_active = models.PositiveIntegerField(_("peserta aktif"), default=0)
    committed_rupiah = models.PositiveBigIntegerField(_("anggaran terpakai (Rp)"), default=0)
    # The deepest region holding every target region: where the program's audit trail lives.
    region_code = models.CharField(_("kode wilayah"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "code"]
        verbose_name = _("program pendanaan")
        verbose_name_plural = _("program pendanaan")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_ceiling__gt=0), name="program_budget_positive"),
            models.CheckConstraint(
                condition=models.Q(coverage_months__gte=1, coverage_months__lte=60),
                name="program_months_1_60",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProgramQuota(models.Model):
    """People a program may fund in every village of its target regions, per
    category (e.g. Jambi BKBK 2025: 50 extreme poor + 25 vulnerable workers)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="quotas")
    category = models.CharField(_("kategori"), max_length=20, choices=CATEGORY_CHOICES)
    per_village = models.PositiveIntegerField(_("kuota per desa/kelurahan"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "category"], name="quota_one_per_category")]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.per_village} {self.get_category_display()} per desa"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    ENDED = "ended", _("Berakhir")
    TRANSFERRED = "transferred", _("Dipindahkan")


class Enrolment(models.Model):
    """A person funded by a program from ``starts_on``. Ending or transferring keeps
    the row (and its history); at most one active enrolment per program and person."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    # The person may move to another province later, this row stays where it was counted:
    # a plain id on Citus (jaring.distribution).
    participant = models.ForeignKey(
        "registry.Participant", on_delete=models.PROTECT, related_name="enrolments", db_constraint=False
    )
    # The person's village and category when enrolled: quotas are counted on them.
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    province = province_from("village_id")
    category = models.CharField(_("kategori"), max_length=20, choices=CATEGORY_CHOICES)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("berakhir"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    end_reason = models.CharField(_("alasan berakhir"), max_length=255, blank=True)
    # What this enrolment commits from the program's budget (months x the monthly
    # contribution when enrolled); given back as it was taken when the enrolment ends,
    # so ``Program.committed_rupiah`` is always the sum over the active enrolments.
    committed_rupiah = models.PositiveBigIntegerField(_("anggaran dicadangkan (Rp)"), default=0, db_default=0)
    # The program funding the person next may pay from another province: a plain id.
    transferred_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
        db_constraint=False,
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("kepesertaan program")
        verbose_name_plural = _("kepesertaan program")
        indexes = [
            models.Index(fields=["program", "village", "id"], name="enrolment_program_village"),
            models.Index(fields=["participant", "status"], name="enrolment_participant"),
            models.Index(fields=["village", "id"], name="enrolment_village"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "participant"],
                condition=models.Q(status="active"),
                name="enrolment_one_active_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program.code}: {self.participant_id} ({self.get_status_display()})"


class VillageEnrolmentCount(models.Model):
    """Active enrolments per program, village and category, kept current by the
    enrolment services in the same transaction: quota checks lock and read one row,
    and program pages read these instead of counting enrolments."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="village_counts")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    active = models.PositiveIntegerField(default=0)
    province = province_from("village_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "village", "category"], name="village_count_unique")
        ]
        indexes = [models.Index(fields=["village", "program"], name="village_count_village")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.village_id} {self.category}: {self.active}"


class Agreement(models.Model):
    """A cooperation agreement (PKS/MoU) between a payer and a BPJS office. A
    renewal is a new agreement pointing to the one it renews."""

    number = models.CharField(_("nomor"), max_length=100, unique=True)
    title = models.CharField(_("perihal"), max_length=255, blank=True)
    payer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("pemberi dana"),
    )
    bpjs_office = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="bpjs_agreements",
        verbose_name=_("kantor BPJS Ketenagakerjaan"),
    )
    starts_on = models.DateField(_("mulai berlaku"))
    ends_on = models.DateField(_("berakhir"))
    document = models.FileField(_("dokumen (PDF)"), upload_to="agreements/%Y/", blank=True)
    programs = models.ManyToManyField(
        Program, related_name="agreements", blank=True, verbose_name=_("program")
    )
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("memperbarui"),
    )
    region_code = models.CharField(_("kode wilayah"), max_length=10, blank=True)  # the payer's scope
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ends_on", "number"]
        verbose_name = _("perjanjian kerja sama")
        verbose_name_plural = _("perjanjian kerja sama")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="agreement_dates"
            )
        ]

    def __str__(self) -> str:
        return self.number


class CoveragePeriod(models.Model):
    """A period a program protects its people (the first one starts with the
    program). A new period needs an agreement in force when the program has any."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("berakhir"))
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["program", "starts_on"], name="period_unique_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d-%m-%Y} s.d. {self.ends_on:%d-%m-%Y}"
