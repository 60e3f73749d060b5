from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring import codes


class RegionLevel(models.TextChoices):
    PROVINCE = codes.Level.PROVINCE.value, _("Provinsi")
    REGENCY = codes.Level.REGENCY.value, _("Kabupaten/Kota")
    DISTRICT = codes.Level.DISTRICT.value, _("Kecamatan")
    VILLAGE = codes.Level.VILLAGE.value, _("Desa/Kelurahan")


class RegionKind(models.TextChoices):
    NONE = "", "-"
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA_ADAT = "desa_adat", _("Desa Adat")


class Region(models.Model):
    """An administrative region of the Kemendagri hierarchy.

    The primary key is the canonical code without dots; the hierarchy is a prefix
    relation on it, so descendant queries are index range scans (see codes.py).
    District and village counts are stored (refreshed by load_regions) so that lists
    never count per row.
    """

    code = models.CharField(_("kode"), max_length=10, primary_key=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=10, choices=RegionKind.choices, blank=True)
    district_count = models.PositiveIntegerField(_("jumlah kecamatan"), default=0)
    village_count = models.PositiveIntegerField(_("jumlah desa/kelurahan"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return f"{self.code_dotted} {self.name}"

    @property
    def code_dotted(self) -> str:
        return codes.dotted(self.code)

    @property
    def level_label(self) -> str:
        if self.kind:
            return self.get_kind_display()
        return self.get_level_display()
