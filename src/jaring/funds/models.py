from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring import formats
from jaring.distribution import province_from


class Allocation(models.Model):
    """The part of a program's budget meant for a regency or a village. Allocations
    are plans, not money moved: they may be changed (audited)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="allocations")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    province = province_from("region_id")
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    derived_from_quota = models.BooleanField(_("dihitung dari kuota"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "region"]
        verbose_name = _("alokasi")
        verbose_name_plural = _("alokasi")
        constraints = [
            models.UniqueConstraint(fields=["program", "region"], name="allocation_one_per_region"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.region_id}: {formats.rupiah(self.amount, formats.INDONESIAN)}"


class TransferKind(models.TextChoices):
    TO_REGENCY = "to_regency", _("Pemberi dana ke kabupaten/kota")
    TO_VILLAGE = "to_village", _("Kabupaten/kota ke rekening desa")
    TO_BPJS = "to_bpjs", _("Pembayaran iuran ke BPJS Ketenagakerjaan")


class Transfer(models.Model):
    """Money moved along a program's trail. Posted transfers are never edited or
    deleted: a correction is a reversing entry (negative amount) with a reason.

    ``region`` is the receiving regency (to_regency), the receiving village
    (to_village), or the region that paid (to_bpjs: a village, or the payer's region).
    """

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("jenis"), max_length=12, choices=TransferKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    province = province_from("region_id")
    stage = models.PositiveSmallIntegerField(_("tahap"), default=1)
    transferred_on = models.DateField(_("tanggal"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))  # negative only for a reversal
    reference = models.CharField(_("nomor referensi"), max_length=100)
    evidence = models.FileField(_("bukti"), upload_to="transfers/%Y/", blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("membatalkan"),
    )
    reason = models.CharField(_("alasan koreksi"), max_length=255, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["-transferred_on", "-id"]
        verbose_name = _("transfer dana")
        verbose_name_plural = _("transfer dana")
        indexes = [
            models.Index(fields=["program", "kind", "region"], name="transfer_program_kind_region"),
            models.Index(fields=["region", "kind", "transferred_on"], name="transfer_region_kind_date"),
            models.Index(fields=["transferred_on"], name="transfer_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["program", "reference"], name="transfer_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, reverses__isnull=True)
                | models.Q(amount__lt=0, reverses__isnull=False),
                name="transfer_sign_matches_reversal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"


class TransferTotal(models.Model):
    """Money moved per program, kind and area (the receiving regency's code, or the
    province's for money paid at province level), kept in the same transaction as every
    transfer and reversal: the funnel of a province or the whole country reads these few
    rows instead of adding up every village's transfers."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=TransferKind.choices)
    area = models.CharField(max_length=4)  # region code cut to the regency (or shorter)
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "area"], name="transfer_total_program_kind_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.kind} {self.area}: {self.amount}"
