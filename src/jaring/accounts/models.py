from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.access.rules import OrgKind, Role


class OrganizationKind(models.TextChoices):
    PROVINCE = OrgKind.PROVINCE.value, _("Pemerintah provinsi")
    REGENCY = OrgKind.REGENCY.value, _("Pemerintah kabupaten/kota")
    VILLAGE = OrgKind.VILLAGE.value, _("Pemerintah desa/kelurahan")
    BPJS_BRANCH = OrgKind.BPJS_BRANCH.value, _("BPJS Ketenagakerjaan kantor cabang")
    BPJS_REGIONAL = OrgKind.BPJS_REGIONAL.value, _("BPJS Ketenagakerjaan kantor wilayah")
    DONOR = OrgKind.DONOR.value, _("Donatur/CSR")


class UserRole(models.TextChoices):
    ADMIN = Role.ADMIN.value, _("Admin")
    OPERATOR = Role.OPERATOR.value, _("Operator")
    VIEWER = Role.VIEWER.value, _("Pemantau")


class DigestFrequency(models.TextChoices):
    """How often a user is sent their open alerts by e-mail."""

    OFF = "off", _("Tidak dikirim")
    DAILY = "daily", _("Harian")
    WEEKLY = "weekly", _("Mingguan (tiap Senin)")


class Language(models.TextChoices):
    """The language Jaring writes to a user in (the e-mail digest)."""

    INDONESIAN = "id", _("Bahasa Indonesia")
    ENGLISH = "en", _("English")


class Organization(models.Model):
    """A payer, government office or BPJS office; its jurisdiction is a set of regions.

    ``scope_code`` is the deepest region containing the whole jurisdiction (empty when
    it spans provinces); it places the organization itself in the region tree.
    """

    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=OrganizationKind.choices)
    regions = models.ManyToManyField(
        "regions.Region", related_name="organizations", verbose_name=_("wilayah kerja")
    )
    scope_code = models.CharField(_("wilayah induk"), max_length=10, blank=True, db_index=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisasi")
        verbose_name_plural = _("organisasi")

    def __str__(self) -> str:
        return self.name

    def region_codes(self) -> list[str]:
        return sorted(region.code for region in self.regions.all())


class User(AbstractUser):
    """A person who logs in. Belongs to one organization (except platform superusers)."""

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisasi"),
    )
    role = models.CharField(_("peran"), max_length=10, choices=UserRole.choices, default=UserRole.VIEWER)
    can_audit = models.BooleanField(_("akses audit"), default=False)
    digest_frequency = models.CharField(
        _("ringkasan peringatan lewat surel"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.OFF,
    )
    language = models.CharField(
        _("bahasa"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    # When the last digest went out: a run sends at most one per user per day.
    digest_sent_at = models.DateTimeField(_("ringkasan terakhir dikirim"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(organization__isnull=False),
                name="user_has_organization_unless_superuser",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
