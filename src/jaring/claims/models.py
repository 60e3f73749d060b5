from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.claims import benefits, workflow


class ClaimKind(models.TextChoices):
    JKM = benefits.JKM, _("Kematian (JKM)")
    JKK_DEATH = benefits.JKK_DEATH, _("Meninggal karena kecelakaan kerja (JKK)")
    JKK_INJURY = benefits.JKK_INJURY, _("Kecelakaan kerja: perawatan dan tidak mampu bekerja (JKK)")
    JKK_TOTAL_DISABILITY = benefits.JKK_TOTAL_DISABILITY, _("Cacat total tetap (JKK)")
    JKK_PARTIAL_DISABILITY = benefits.JKK_PARTIAL_DISABILITY, _("Cacat sebagian (JKK)")


class ClaimStatus(models.TextChoices):
    REPORTED = workflow.REPORTED, _("Dilaporkan")
    DOCUMENTS_COMPLETE = workflow.DOCUMENTS_COMPLETE, _("Dokumen lengkap")
    VERIFIED = workflow.VERIFIED, _("Diverifikasi")
    PAID = workflow.PAID, _("Dibayar")
    REJECTED = workflow.REJECTED, _("Ditolak")


class Calculation(models.TextChoices):
    FIXED = benefits.FIXED, _("Nominal tetap")
    INCOME_MULTIPLE = benefits.INCOME_MULTIPLE, _("Kelipatan penghasilan")
    DISABILITY_SCALED = benefits.DISABILITY_SCALED, _("Persentase cacat x kelipatan penghasilan")
    PER_MONTH = benefits.PER_MONTH, _("Per bulan tidak mampu bekerja")
    SCHOLARSHIP = benefits.SCHOLARSHIP, _("Beasiswa menurut jenjang sekolah")


class BenefitComponent(models.TextChoices):
    LUMP_SUM = benefits.LUMP_SUM, _("Santunan kematian sekaligus")
    PERIODIC = benefits.PERIODIC, _("Santunan berkala")
    FUNERAL = benefits.FUNERAL, _("Biaya pemakaman")
    DEATH_BENEFIT = benefits.DEATH_BENEFIT, _("Santunan kematian karena kecelakaan kerja")
    DISABILITY = benefits.DISABILITY, _("Santunan cacat")
    INCAPACITY = benefits.INCAPACITY, _("Santunan sementara tidak mampu bekerja (100%)")
    INCAPACITY_REDUCED = benefits.INCAPACITY_REDUCED, _("Santunan sementara tidak mampu bekerja (50%)")
    SCHOLARSHIP = benefits.SCHOLARSHIP, _("Beasiswa pendidikan anak")


class SchoolLevel(models.TextChoices):
    NOT_IN_SCHOOL = benefits.NOT_IN_SCHOOL, _("Belum sekolah")
    TK = "TK", _("TK/PAUD")
    SD = "SD", _("SD/sederajat")
    SMP = "SMP", _("SMP/sederajat")
    SMA = "SMA", _("SMA/SMK/sederajat")
    S1 = "S1", _("Perguruan tinggi (S1) atau pelatihan")


class DocumentKind(models.TextChoices):
    DEATH_CERTIFICATE = workflow.DEATH_CERTIFICATE, _("Akta/surat keterangan kematian")
    FAMILY_CARD = workflow.FAMILY_CARD, _("Kartu keluarga")
    HEIR_STATEMENT = workflow.HEIR_STATEMENT, _("Surat keterangan ahli waris")
    ID_CARD = workflow.ID_CARD, _("KTP peserta dan ahli waris")
    BANK_BOOK = workflow.BANK_BOOK, _("Buku tabungan penerima")
    ACCIDENT_REPORT = workflow.ACCIDENT_REPORT, _("Laporan kecelakaan kerja (tahap I dan II)")
    MEDICAL_REPORT = workflow.MEDICAL_REPORT, _("Surat keterangan dokter/rumah sakit")
    DISABILITY_STATEMENT = workflow.DISABILITY_STATEMENT, _("Surat keterangan dokter tentang cacat")
    SCHOOL_CERTIFICATE = workflow.SCHOOL_CERTIFICATE, _("Surat keterangan sekolah anak")
    OTHER = workflow.OTHER, _("Dokumen lain")


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    GRANDCHILD = "grandchild", _("Cucu")
    SIBLING = "sibling", _("Saudara kandung")
    GRANDPARENT = "grandparent", _("Kakek/nenek")
    OTHER = "other", _("Lainnya (dengan surat wasiat/penetapan)")


class BenefitRule(models.Model):
    """One component of the benefit of one kind of claim for a date range (DOMAIN.md
    s.5); see ``jaring.claims.benefits`` for the calculations. A rule that has been in
    force or has priced a claim is never edited: it is ended and a new rule added.
    Claims keep the quote they were verified with, so a later rule changes no claim."""

    kind = models.CharField(_("jenis klaim"), max_length=24, choices=ClaimKind.choices)
    component = models.CharField(_("komponen"), max_length=32, choices=BenefitComponent.choices)
    calculation = models.CharField(_("cara hitung"), max_length=20, choices=Calculation.choices)
    amount_rupiah = models.PositiveBigIntegerField(_("nominal (Rp)"), null=True, blank=True)
    income_percent = models.PositiveIntegerField(
        _("kelipatan penghasilan (%)"), null=True, blank=True, help_text=_("4800 = 48 x penghasilan")
    )
    minimum_rupiah = models.PositiveBigIntegerField(_("paling sedikit (Rp)"), null=True, blank=True)
    months_from = models.PositiveSmallIntegerField(_("dari bulan ke-"), null=True, blank=True)
    months_to = models.PositiveSmallIntegerField(_("sampai bulan ke-"), null=True, blank=True)
    min_membership_months = models.PositiveSmallIntegerField(_("masa iur minimal (bulan)"), default=0)
    max_children = models.PositiveSmallIntegerField(_("anak paling banyak"), null=True, blank=True)
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "component", "effective_from", "id"]
        verbose_name = _("aturan manfaat")
        verbose_name_plural = _("aturan manfaat")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="benefit_rule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_component_display()} {self.effective_from:%d/%m/%Y}"


class ScholarshipLevel(models.Model):
    """One school level of the scholarship schedule for a date range: so much per
    child per year, for at most so many years."""

    level = models.CharField(_("jenjang"), max_length=6, choices=SchoolLevel.choices)
    order = models.PositiveSmallIntegerField(_("urutan"))
    annual_rupiah = models.PositiveBigIntegerField(_("per anak per tahun (Rp)"))
    years = models.PositiveSmallIntegerField(_("paling lama (tahun)"))
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["effective_from", "order"]
        verbose_name = _("jadwal beasiswa")
        verbose_name_plural = _("jadwal beasiswa")
        constraints = [
            models.CheckConstraint(condition=~models.Q(level="BELUM"), name="scholarship_level_is_a_school"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="scholarship_level_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.effective_from:%d/%m/%Y}"


class Claim(models.Model):
    """A reported event (death, work accident, disability) of a participant and what
    became of it. ``village`` is the person's domicile when reported: the claim stays
    in that jurisdiction. The benefit is quoted live until verification, then frozen
    (``quote_*``) with the rules that priced it. A verified death is recorded by the
    billing app, whose refund of the months paid beyond it is ``participant.refund``."""

    # Claims stay on the coordinator on Citus: the person is a plain id (jaring.distribution).
    participant = models.ForeignKey(
        "registry.Participant",
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("peserta"),
        db_constraint=False,
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("desa")
    )
    kind = models.CharField(_("jenis klaim"), max_length=24, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    event_date = models.DateField(_("tanggal kejadian"))
    event_place = models.CharField(_("tempat kejadian"), max_length=200)
    description = models.TextField(_("kronologi"), max_length=4000)
    disability_pct = models.DecimalField(
        _("persentase cacat"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    incapacity_months = models.PositiveSmallIntegerField(
        _("lama tidak mampu bekerja (bulan)"), null=True, blank=True
    )
    # Protection on the event date, as found when reported (and again when verified).
    protection_status = models.CharField(_("status perlindungan saat kejadian"), max_length=16)
    paid_through = models.DateField(_("iuran terbayar sampai"), null=True, blank=True)
    # The quote, frozen at verification.
    quote_total = models.PositiveBigIntegerField(_("manfaat (Rp)"), null=True, blank=True)
    quote_lines = models.JSONField(_("rincian manfaat"), default=list, blank=True)
    quote_scholarships = models.JSONField(_("rincian beasiswa"), default=list, blank=True)
    quote_notes = models.JSONField(_("catatan manfaat"), default=list, blank=True)
    # The same notes as catalogue messages with their figures ({"message", "params"}),
    # shown in the reader's language; empty for a claim verified before they were kept.
    quote_note_messages = models.JSONField(_("catatan manfaat (pesan)"), default=list, blank=True)
    quote_rules = models.ManyToManyField(BenefitRule, related_name="claims", blank=True)
    quote_income = models.PositiveBigIntegerField(_("penghasilan dilaporkan (Rp)"), null=True, blank=True)
    quote_membership_months = models.PositiveIntegerField(_("masa iur (bulan)"), null=True, blank=True)
    scholarship_children = models.PositiveSmallIntegerField(_("anak penerima beasiswa"), default=0)
    scholarship_rupiah = models.PositiveBigIntegerField(_("beasiswa tahun ini (Rp)"), default=0)
    # Payment or rejection.
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    paid_rupiah = models.PositiveBigIntegerField(_("jumlah dibayar (Rp)"), null=True, blank=True)
    recipient_heir = models.ForeignKey(
        "ClaimHeir", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_name = models.CharField(_("penerima"), max_length=150, blank=True)
    recipient_bank = models.CharField(_("bank penerima"), max_length=100, blank=True)
    recipient_account = models.CharField(_("nomor rekening penerima"), max_length=30, blank=True)
    payment_reference = models.CharField(_("referensi pembayaran"), max_length=100, blank=True)
    days_to_payment = models.PositiveIntegerField(_("hari sejak dilaporkan sampai dibayar"), null=True)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=500, blank=True)
    reported_on = models.DateField(_("tanggal lapor"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dilaporkan oleh"),
    )
    verified_on = models.DateField(_("tanggal verifikasi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        indexes = [
            models.Index(fields=["village", "id"], name="claim_village"),
            models.Index(fields=["reported_on", "id"], name="claim_reported"),  # the inbox's order
            models.Index(fields=["status", "reported_on"], name="claim_status_reported"),
            models.Index(fields=["paid_on", "village"], name="claim_paid_on"),
            models.Index(fields=["participant", "kind"], name="claim_participant"),
        ]
        constraints = [
            # One death, one claim: two officers reporting it at once cannot both succeed.
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(kind__in=[benefits.JKM, benefits.JKK_DEATH])
                & ~models.Q(status=workflow.REJECTED),
                name="claim_one_death_per_participant",
            ),
            models.CheckConstraint(
                condition=models.Q(disability_pct__isnull=True)
                | models.Q(disability_pct__gt=0, disability_pct__lte=100),
                name="claim_disability_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        """KLM-2025-000042: the year reported and the number."""
        return f"KLM-{self.reported_on:%Y}-{self.pk or 0:06d}"

    @property
    def is_death(self) -> bool:
        return self.kind in benefits.DEATH_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN


class ClaimHeir(models.Model):
    """An heir (ahli waris) of a deceased participant, with the bank account the
    benefit may be paid to."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    full_name = models.CharField(_("nama ahli waris"), max_length=150)
    relation = models.CharField(_("hubungan"), max_length=16, choices=HeirRelation.choices)
    nik = models.CharField(_("NIK"), max_length=16)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("nomor rekening"), max_length=30)
    account_holder = models.CharField(_("nama pemilik rekening"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ahli waris")
        verbose_name_plural = _("ahli waris")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relation_display()})"


class ClaimChild(models.Model):
    """A child named for the scholarship (at most two, DOMAIN.md s.5)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="children")
    full_name = models.CharField(_("nama anak"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    level = models.CharField(_("jenjang sekolah"), max_length=6, choices=SchoolLevel.choices)
    school_year = models.PositiveSmallIntegerField(_("kelas/tahun ke-"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("anak penerima beasiswa")
        verbose_name_plural = _("anak penerima beasiswa")

    def __str__(self) -> str:
        return self.full_name

    def as_child(self) -> benefits.Child:
        return benefits.Child(
            level=self.level, year=self.school_year, name=self.full_name, birth_date=self.birth_date
        )


def document_path(instance: ClaimDocument, filename: str) -> str:
    """Stored under a random name: the original name is kept in the row, never in a path."""
    return f"claims/{instance.claim_id}/{uuid4().hex}{Path(filename).suffix.lower()[:6]}"


class ClaimDocument(models.Model):
    """A document of a claim (PDF, JPG or PNG). Never deleted: a better scan is a new
    upload of the same kind."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis dokumen"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("berkas"), upload_to=document_path)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("dokumen klaim")
        verbose_name_plural = _("dokumen klaim")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ClaimTransition(models.Model):
    """One step of a claim's timeline: who moved it from which status to which, when, why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    on = models.DateField(_("tanggal"))  # when it happened (an officer may record it later)
    at = models.DateTimeField(auto_now_add=True)  # when it was recorded
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status or '-'} -> {self.to_status}"
