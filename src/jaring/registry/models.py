from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.distribution import province_copied, province_from
from jaring.registry.vocab import (
    CATEGORY_LABELS,
    OCCUPATION_LABELS,
    STATUS_LABELS,
    Category,
    Occupation,
    Status,
)

# The labels are marked in the pure vocab (jaring.i18n.N_) and translated here.
OCCUPATION_CHOICES = [(m.value, _(OCCUPATION_LABELS[m])) for m in Occupation]
CATEGORY_CHOICES = [(m.value, _(CATEGORY_LABELS[m])) for m in Category]
STATUS_CHOICES = [(m.value, _(STATUS_LABELS[m])) for m in Status]
SEX_CHOICES = [("L", _("Laki-laki")), ("P", _("Perempuan"))]


class Participant(models.Model):
    """A person protected (or to be protected) by a funding program. One per NIK.

    ``village`` is the domicile; jurisdiction scoping filters on its code. Status
    changes go through ``participant_set_status`` and are kept in StatusChange.
    """

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=SEX_CHOICES)
    # Indexed by participant_village_id (village, id), which also serves village lookups.
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("desa/kelurahan"),
        db_index=False,
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=20, choices=OCCUPATION_CHOICES)
    category = models.CharField(_("kategori"), max_length=20, choices=CATEGORY_CHOICES)
    dtsen_ref = models.CharField(_("ID DTSEN/P3KE"), max_length=40, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    kpj_number = models.CharField(_("nomor KPJ"), max_length=20, blank=True)  # length rule: JARING_KPJ_LENGTH
    status = models.CharField(
        _("status"), max_length=12, choices=STATUS_CHOICES, default=Status.REGISTERED.value
    )
    # Set when a death is recorded (jaring.billing.services.death_record): protection ends
    # from that date on, and the person is no longer billed.
    died_on = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    # A duplicate may be merged into a person of another province: a plain id on Citus
    # (jaring.distribution), kept by registry.services.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("digabung ke"),
        db_constraint=False,
    )
    province = province_from("village_id")
    created_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        indexes = [
            models.Index(fields=["village", "id"], name="participant_village_id"),
            models.Index(fields=["birth_date", "village"], name="participant_birth_village"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(welfare_decile__isnull=True)
                | models.Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="participant_decile_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik[:4]}…{self.nik[-4:]})"


class StatusChange(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="status_changes")
    province = province_copied()  # the person's; registry.services moves it with the person
    from_status = models.CharField(max_length=12, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=12, choices=STATUS_CHOICES)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(province=""), name="status_change_province_given")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.from_status or '-'} -> {self.to_status}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    VALIDATING = "validating", _("Memeriksa")
    VALIDATED = "validated", _("Siap disimpan")
    COMMITTING = "committing", _("Menyimpan")
    COMMITTED = "committed", _("Selesai")
    FAILED = "failed", _("Gagal")


class ImportRun(models.Model):
    """One upload of a participant file: who, which file (name and SHA-256), when,
    its counts and its rejected rows. Dry runs are recorded too."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_code = models.CharField(max_length=10, blank=True, db_index=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    stored_file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    dry_run = models.BooleanField(_("uji coba"), default=False)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("impor peserta")
        verbose_name_plural = _("impor peserta")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportRowError(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"baris {self.row} {self.column}: {self.code}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Perlu ditinjau")
    SAME = "same", _("Orang yang sama (digabung)")
    DIFFERENT = "different", _("Orang berbeda")


class DuplicateCandidate(models.Model):
    """Two people under different NIKs who may be one: same birth date, same district,
    very similar names. An officer decides."""

    # Kept on the coordinator on Citus, so the two people are plain ids (jaring.distribution).
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    district_code = models.CharField(max_length=6, db_index=True)
    score = models.FloatField()
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.0f})"
