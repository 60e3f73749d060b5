"""Bills, payments, the person-months payments paid, and refunds after a death.

Months are integer month indexes (``year * 12 + month - 1``, see ``protection.py``):
month arithmetic in queries is then integer arithmetic on SQLite and PostgreSQL alike.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.billing.rules import BILL_MONTHS
from jaring.distribution import province_copied, province_from


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("Terbit")
    CORRECTED = "corrected", _("Dikoreksi")


class Bill(models.Model):
    """A program's contributions for a period of 1, 3, 6 or 12 months: a frozen list of
    the people covered (``BillLine``) priced by the rate table when issued. It is never
    edited; a correction is a new bill pointing to the one it corrects, which then
    stands as corrected. ``paid_rupiah`` (allocated to person-months) and
    ``credit_rupiah`` (paid beyond what is owed) are kept by the payment services."""

    number = models.CharField(_("nomor tagihan"), max_length=80, unique=True)
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="bills")
    period_start = models.DateField(_("mulai periode"))  # the first day of a month
    period_end = models.DateField(_("akhir periode"))  # the last day of a month
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    status = models.CharField(
        _("status"), max_length=10, choices=BillStatus.choices, default=BillStatus.ISSUED
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("mengoreksi"),
    )
    reason = models.CharField(_("alasan koreksi"), max_length=255, blank=True)
    people = models.PositiveIntegerField(_("jumlah peserta"), default=0)
    person_months = models.PositiveIntegerField(_("orang-bulan"), default=0)
    total_rupiah = models.BigIntegerField(_("total tagihan (Rp)"), default=0)
    paid_rupiah = models.BigIntegerField(_("terbayar (Rp)"), default=0)
    credit_rupiah = models.BigIntegerField(_("lebih bayar (Rp)"), default=0)
    region_code = models.CharField(_("kode wilayah"), max_length=10, blank=True)  # the program's
    province = province_from("region_code")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "number"]
        verbose_name = _("tagihan iuran")
        verbose_name_plural = _("tagihan iuran")
        indexes = [models.Index(fields=["program", "period_start"], name="bill_program_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period_start"],
                condition=models.Q(status="issued"),
                name="bill_one_issued_per_program_period",
            ),
            models.CheckConstraint(condition=models.Q(months__in=BILL_MONTHS), name="bill_months_1_3_6_12"),
            models.CheckConstraint(condition=models.Q(total_rupiah__gte=0), name="bill_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding_rupiah(self) -> int:
        return max(self.total_rupiah - self.paid_rupiah, 0)

    @property
    def payment_state(self) -> str:
        if self.paid_rupiah <= 0:
            return "unpaid"
        return "paid" if self.paid_rupiah >= self.total_rupiah else "partial"


class BillLine(models.Model):
    """One person on a bill at one monthly amount. The months billed are bits of
    ``billed_mask`` counted from the bill's first month (bit 0); the months paid, bits of
    ``paid_mask``. A person has one line per run of months at one rate: two when the
    rate changes within the period (or the program's coverage has a gap)."""

    # Lines are written only by bill_lines.write_lines, in one INSERT ... SELECT from the
    # enrolments it reads in the same transaction, and never deleted; the rows they point
    # to are never deleted either (history is kept everywhere). So the database does not
    # check these references row by row: a million-line bill would spend most of its time
    # in four deferred foreign-key checks per line (ARCHITECTURE.md, "Bills").
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="lines", db_index=False, db_constraint=False
    )
    enrolment = models.ForeignKey(
        "programs.Enrolment", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    participant = models.ForeignKey(
        "registry.Participant",
        on_delete=models.PROTECT,
        related_name="bill_lines",
        db_index=False,
        db_constraint=False,
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    province = province_from("village_id")
    first_month = models.IntegerField(_("bulan pertama"))  # month index
    last_month = models.IntegerField(_("bulan terakhir"))
    billed_mask = models.PositiveIntegerField()
    months = models.PositiveSmallIntegerField(_("jumlah bulan"))
    monthly_rupiah = models.PositiveIntegerField(_("iuran per bulan (Rp)"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    paid_mask = models.PositiveIntegerField(default=0)
    paid_rupiah = models.BigIntegerField(_("terbayar (Rp)"), default=0)

    class Meta:
        ordering = ["bill", "village", "id"]
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")
        indexes = [
            # Also how a person's lines are found: through his enrolments' programs and
            # villages (selectors.lines_of_people). A (participant) index would double the
            # cost of writing a million-line bill.
            models.Index(fields=["bill", "village", "id"], name="bill_line_bill_village"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=12), name="bill_line_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.participant_id} x {self.months}"


class PaymentKind(models.TextChoices):
    BILL = "bill", _("Satu tagihan (total)")
    PERSON = "person", _("Per peserta")


class Payment(models.Model):
    """Money BPJS confirms it received, for a whole bill or for one person's months.
    One reference is recorded once (the database refuses a second). Posted payments are
    never edited or deleted: a correction is a reversing entry (negative amount) with a
    reason, which voids the person-months the original paid."""

    reference = models.CharField(_("referensi"), max_length=100, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=PaymentKind.choices)
    paid_on = models.DateField(_("tanggal bayar"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))  # negative only for a reversal
    # The bill credited and the person paid for may lie in another province than the
    # payment's region after a move: plain ids on Citus (jaring.distribution).
    bill = models.ForeignKey(
        Bill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("tagihan"),
        db_constraint=False,
    )
    participant = models.ForeignKey(
        "registry.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    first_month = models.IntegerField(_("bulan dari"), null=True, blank=True)
    last_month = models.IntegerField(_("bulan sampai"), null=True, blank=True)
    allocated_rupiah = models.BigIntegerField(_("dialokasikan (Rp)"), default=0)
    unallocated_rupiah = models.BigIntegerField(_("tidak teralokasi (Rp)"), default=0)
    region_code = models.CharField(_("kode wilayah"), max_length=10)
    province = province_from("region_code")
    channel = models.CharField(_("sumber"), max_length=20, default="manual")  # manual, file name, api
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
        ordering = ["-paid_on", "-id"]
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")
        indexes = [
            models.Index(fields=["bill", "id"], name="payment_bill"),
            models.Index(fields=["region_code", "id"], name="payment_region"),
            models.Index(fields=["participant", "paid_on"], name="payment_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, reverses__isnull=True)
                | models.Q(amount__lt=0, reverses__isnull=False),
                name="payment_sign_matches_reversal",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaidMonths(models.Model):
    """Months ``first_month..last_month`` of one person paid by one payment, through one
    bill line: the storage protection is computed from. One row per person and payment
    (not per month), indexed by person; ``void`` once the payment is reversed."""

    participant = models.ForeignKey(
        "registry.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Bill lines are partitioned by year on PostgreSQL (jaring.partitioning), which no
    # foreign key may point at: the allocation writes a line's spans with the line.
    line = models.ForeignKey(
        BillLine, on_delete=models.PROTECT, related_name="paid_months", db_index=False, db_constraint=False
    )
    # Paid months follow their person, the payment stays in its region: a plain id.
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="paid_months", db_index=False, db_constraint=False
    )
    province = province_copied()  # the person's; registry.services moves it with the person
    first_month = models.IntegerField()
    last_month = models.IntegerField()
    paid_on = models.DateField()
    paid_month = models.IntegerField()  # month index of paid_on: arrears are payable 3 months back
    amount = models.BigIntegerField()
    void = models.BooleanField(default=False)

    class Meta:
        ordering = ["participant", "first_month"]
        indexes = [
            models.Index(fields=["participant", "first_month"], name="paid_months_participant"),
            models.Index(fields=["payment"], name="paid_months_payment"),
            models.Index(fields=["line"], name="paid_months_line"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_month__gte=models.F("first_month")), name="paid_months_ordered"
            ),
            models.CheckConstraint(condition=~models.Q(province=""), name="paid_months_province_given"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.first_month}..{self.last_month}"


class RefundStatus(models.TextChoices):
    DUE = "due", _("Harus dikembalikan")
    SETTLED = "settled", _("Sudah dikembalikan")
    NONE = "none", _("Tidak ada kelebihan")


class Refund(models.Model):
    """Months paid beyond the month of a person's death, owed back to the payer
    (DOMAIN.md s.4: refunded per its agreement). One per death; months and rupiah are
    computed when the death is recorded. ``details`` breaks them down per bill line."""

    # Refunds stay on the coordinator on Citus: the person is a plain id (jaring.distribution).
    participant = models.OneToOneField(
        "registry.Participant",
        on_delete=models.PROTECT,
        related_name="refund",
        verbose_name=_("peserta"),
        db_constraint=False,
    )
    payer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pemberi dana"),
    )
    died_on = models.DateField(_("tanggal meninggal"))
    months = models.PositiveSmallIntegerField(_("bulan dikembalikan"), default=0)
    rupiah = models.BigIntegerField(_("jumlah (Rp)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices)
    details = models.JSONField(default=list, blank=True)
    region_code = models.CharField(_("kode wilayah"), max_length=10)  # the person's village
    settled_on = models.DateField(_("tanggal dikembalikan"), null=True, blank=True)
    settled_reference = models.CharField(_("referensi pengembalian"), max_length=100, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-died_on", "-id"]
        verbose_name = _("pengembalian iuran")
        verbose_name_plural = _("pengembalian iuran")
        indexes = [models.Index(fields=["region_code", "status"], name="refund_region_status")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.months} bulan"
