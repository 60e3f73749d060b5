from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.distribution import province_from
from jaring.errors import DomainError
from jaring.i18n import N_


class AuditImmutable(DomainError):
    code = "audit_immutable"
    http_status = 409


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable(N_("Jejak audit tidak dapat diubah."))

    def delete(self):
        raise AuditImmutable(N_("Jejak audit tidak dapat dihapus."))


class AuditEvent(models.Model):
    """One change to a record: who, when, what, before and after.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
    refuses them at the database too. ``region_code`` is the deepest region the
    changed record belongs to; readers see events within their jurisdiction.
    """

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_username = models.CharField(_("nama pengguna pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=64)
    target_type = models.CharField(_("jenis data"), max_length=64)
    target_id = models.CharField(_("ID data"), max_length=64)
    target_repr = models.CharField(_("data"), max_length=255)
    region_code = models.CharField(_("kode wilayah"), max_length=10, blank=True)
    province = province_from("region_code")
    changes = models.JSONField(_("perubahan"), default=dict)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("jejak audit")
        # Plain b-tree indexes: scoping uses ranges, never LIKE, so no *_like twins.
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["region_code", "at"], name="audit_region_at"),
            models.Index(fields=["action"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'sistem'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable(N_("Jejak audit tidak dapat diubah."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable(N_("Jejak audit tidak dapat dihapus."))
