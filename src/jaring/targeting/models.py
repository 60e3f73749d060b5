"""DTSEN editions: the national socio-economic dataset as a region received it.

An edition (``YYYY-MM``) is kept whole: it is saved with all its rows or not at all, and
never edited. A newer edition of the same scope replaces it for targeting; the people of
the edition before who are missing from the newer one are kept as "left the list"
(``DtsenLeaver``), never silently forgotten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DtsenEdition(models.Model):
    edition = models.DateField(_("edisi"))  # the first day of its month
    scope_code = models.CharField(_("wilayah"), max_length=10, blank=True, db_index=True)  # "" national
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    people = models.PositiveIntegerField(_("jumlah orang"), default=0)
    left_the_list = models.PositiveIntegerField(_("keluar dari daftar"), default=0)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edisi sebelumnya"),
    )

    class Meta:
        ordering = ["-edition", "-id"]
        constraints = [
            models.UniqueConstraint(fields=("scope_code", "edition"), name="dtsen_edition_scope_unique"),
        ]
        verbose_name = _("edisi DTSEN")
        verbose_name_plural = _("edisi DTSEN")

    def __str__(self) -> str:
        return f"DTSEN {self.edition:%Y-%m} {self.scope_code or 'nasional'}"

    @property
    def label(self) -> str:
        return f"{self.edition:%Y-%m}"


class DtsenPerson(models.Model):
    """One person of an edition, as the extract gave them."""

    # Written once by COPY, millions of rows per edition: no foreign-key triggers (the
    # row rule checked the village against the regions; the edition is created in the
    # same transaction) and no index of its own for the edition (the unique (edition,
    # NIK) index leads with it).
    edition = models.ForeignKey(
        DtsenEdition, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    row = models.PositiveIntegerField()
    nik = models.CharField(max_length=16)
    full_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    province_code = models.CharField(max_length=2)  # every large table carries its province (ARCHITECTURE.md)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    family_id = models.CharField(max_length=40)
    decile = models.PositiveSmallIntegerField()
    occupation = models.CharField(max_length=30, blank=True)
    working = models.BooleanField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("edition", "nik"), name="dtsen_person_nik_unique")]
        indexes = [models.Index(fields=("edition", "village", "decile"), name="dtsen_person_village")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.village_id}, desil {self.decile})"


class DtsenLeaver(models.Model):
    """A person of the edition before who is not in the newer one ("left the list")."""

    edition = models.ForeignKey(DtsenEdition, on_delete=models.CASCADE, related_name="leavers")
    nik = models.CharField(max_length=16)
    full_name = models.CharField(max_length=150)
    province_code = models.CharField(max_length=2)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    decile = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["village_id", "nik"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.village_id})"


class BpjsActiveList(models.Model):
    """BPJS Ketenagakerjaan's list of people already active in any segment (wage
    earners, informal, construction), as of ``listed_on``: they are not proposed again.
    Kept whole like an edition; the latest list of a jurisdiction by a date is the one in
    force on that date."""

    listed_on = models.DateField(_("tanggal daftar"))
    scope_code = models.CharField(_("wilayah"), max_length=10, blank=True, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    people = models.PositiveIntegerField(_("jumlah orang"), default=0)

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = _("daftar aktif BPJS")
        verbose_name_plural = _("daftar aktif BPJS")

    def __str__(self) -> str:
        return f"Daftar aktif BPJS {self.listed_on:%Y-%m-%d} {self.scope_code or 'nasional'}"


class BpjsActivePerson(models.Model):
    active_list = models.ForeignKey(BpjsActiveList, on_delete=models.CASCADE, related_name="+")
    nik = models.CharField(max_length=16)
    active_on = models.DateField()  # the date BPJS reports the person active
    province_code = models.CharField(max_length=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("active_list", "nik"), name="bpjs_active_nik_unique")]

    def __str__(self) -> str:
        return f"{self.nik} ({self.active_on:%Y-%m-%d})"
