from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jaring.distribution import province_from


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Perhatian")
    DANGER = "danger", _("Mendesak")


SEVERITY_ORDER = {Severity.DANGER: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Alert(models.Model):
    """A condition someone must act on, raised by a source (``<app>/alerts.py``) and
    kept current by ``alerts_refresh``: raised when it appears, updated while it
    holds, resolved when it no longer does. Acknowledging is audited and does not
    resolve it."""

    kind = models.CharField(_("jenis"), max_length=30)
    key = models.CharField(max_length=120, unique=True)  # e.g. "idle_money:12:1504012003"
    region_code = models.CharField(_("kode wilayah"), max_length=10, db_index=True)  # the scope
    province = province_from("region_code")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # the party responsible (e.g. the payer), who sees it beyond its regions
    severity = models.CharField(_("tingkat"), max_length=10, choices=Severity.choices)
    title = models.CharField(_("judul"), max_length=255)
    detail = models.CharField(_("rincian"), max_length=500, blank=True)
    # title and detail as catalogue messages with their figures (jaring.formats.figures):
    # {"title": msgid, "detail": msgid, "params": {...}}; title/detail hold the Indonesian
    message = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=255, blank=True)  # the records behind it
    count = models.PositiveIntegerField(_("jumlah"), null=True, blank=True)
    rupiah = models.BigIntegerField(_("nilai (Rp)"), null=True, blank=True)
    raised_at = models.DateTimeField(_("muncul"))
    seen_at = models.DateTimeField(_("terakhir diperiksa"))
    resolved_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement = models.CharField(_("tanggapan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("peringatan")
        verbose_name_plural = _("peringatan")
        indexes = [models.Index(fields=["resolved_at", "kind"], name="alerts_open_kind")]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the stored Indonesian for an alert raised
        before messages were kept)."""
        return self._shown("title")

    @property
    def shown_detail(self) -> str:
        return self._shown("detail")

    def _shown(self, part: str) -> str:
        from jaring.formats.active import language
        from jaring.formats.figures import render

        msgid = self.message.get(part) if self.message else None
        if not msgid:
            stored = getattr(self, part)
            return gettext(stored) if stored else ""
        return render(gettext(msgid), self.message.get("params") or {}, language())


class AlertRefresh(models.Model):
    """One run of ``alerts_refresh``: when, and what changed."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    raised = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)  # sources that failed: [kind, message]

    class Meta:
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"
