"""The e-mail digest: each officer who asked for it in their account (daily, or weekly
on Mondays) gets the open alerts of their jurisdiction, read through the inbox's own
selector, in their language, with a link to each.

Run by ``jaring send_digests`` and by the background task ``alerts.tasks.send_digests``.
A user is sent at most one digest per day: the send is claimed first with a conditional
``UPDATE`` of ``User.digest_sent_at`` (only one of two overlapping runs changes the row),
and the claim is given back when the mail server refuses the message, so the next run
tries again. Users with no e-mail address or no open alert are skipped.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from jaring import codes
from jaring.accounts.models import DigestFrequency, User
from jaring.alerts.models import Alert
from jaring.alerts.selectors import inbox, last_refresh
from jaring.alerts.services import alerts_refresh
from jaring.alerts.sources import kind_label
from jaring.privacy import mask_niks_in_text

WEEKLY_ON = 0  # Monday, as the weekly choice's label says
MAX_LINES = 50  # alerts listed one by one; the counts by kind cover them all


@dataclass(frozen=True)
class Line:
    """One alert as the e-mail shows it (personal numbers masked: mail leaves Jaring)."""

    severity: str
    severity_label: str
    kind_label: str
    region_code: str
    title: str
    detail: str
    rupiah: int | None
    raised_on: date
    link: str


@dataclass(frozen=True)
class Digest:
    user: User
    total: int
    by_kind: list[tuple[str, int]]  # (kind label, open alerts), most first
    lines: list[Line]
    inbox_link: str
    account_link: str

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    def summary(self) -> dict:
        return {
            "username": self.user.username,
            "email": self.user.email,
            "frequency": self.user.digest_frequency,
            "language": self.user.language,
            "alerts": self.total,
            "by_kind": dict(self.by_kind),
        }


@dataclass
class DigestRun:
    dry_run: bool
    due: int = 0  # users whose digest was due
    digests: list[Digest] = field(default_factory=list)  # sent (would be, in a dry run)
    without_alerts: int = 0
    taken: int = 0  # claimed by another run at the same time
    failures: list[list[str]] = field(default_factory=list)  # [username, mail server's answer]

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "due": self.due,
            "sent": 0 if self.dry_run else len(self.digests),
            "without_alerts": self.without_alerts,
            "taken_by_another_run": self.taken,
            "failures": self.failures,
            "digests": [d.summary() for d in self.digests],
        }


def due_frequencies(on: date) -> list[str]:
    """Daily digests go out every day, weekly ones on Mondays."""
    return (
        [DigestFrequency.DAILY, DigestFrequency.WEEKLY]
        if on.weekday() == WEEKLY_ON
        else [DigestFrequency.DAILY]
    )


def _day_start(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def _not_sent_since(since: datetime) -> Q:
    return Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=since)


def digest_recipients(*, now: datetime, frequency: str | None = None) -> QuerySet[User]:
    """Active users with an e-mail address whose digest is due today and not yet sent."""
    frequencies = due_frequencies(timezone.localdate(now))
    if frequency is not None:
        frequencies = [f for f in frequencies if f == frequency]
    return (
        User.objects.filter(is_active=True, digest_frequency__in=frequencies)
        .exclude(email="")
        .filter(_not_sent_since(_day_start(now)))
        .select_related("organization")
        .order_by("pk")
    )


def _link(path: str) -> str:
    return settings.JARING_BASE_URL.rstrip("/") + path


def _line(alert: Alert) -> Line:
    if alert.url.startswith("/"):
        link = _link(alert.url)
    else:  # nothing behind it to open: the inbox, filtered to its kind
        link = _link(f"{reverse('alert_inbox')}?jenis={alert.kind}")
    return Line(
        severity=alert.severity,
        severity_label=str(alert.get_severity_display()),
        kind_label=gettext(kind_label(alert.kind)),
        region_code=codes.dotted(alert.region_code),
        title=mask_niks_in_text(alert.shown_title),
        detail=mask_niks_in_text(alert.shown_detail),
        rupiah=alert.rupiah,
        raised_on=timezone.localdate(alert.raised_at),
        link=link,
    )


def digest_for(user: User) -> Digest | None:
    """The user's open alerts (the inbox's "needs action": neither resolved nor
    acknowledged), most urgent first, in the active language; None when there are none."""
    found = inbox(user, status="terbuka").select_related(None)
    alerts = list(found[:MAX_LINES])
    if not alerts:
        return None
    counts = found.order_by().values_list("kind").annotate(n=Count("id"))
    by_kind = sorted(((gettext(kind_label(k)), n) for k, n in counts), key=lambda item: (-item[1], item[0]))
    return Digest(
        user=user,
        total=sum(n for _label, n in by_kind),
        by_kind=by_kind,
        lines=[_line(a) for a in alerts],
        inbox_link=_link(reverse("alert_inbox")),
        account_link=_link(reverse("account") + "#preferensi"),
    )


def digest_message(digest: Digest, *, connection=None) -> EmailMultiAlternatives:
    """The digest as one e-mail, plain text with an HTML alternative, in the user's language."""
    with translation.override(digest.user.language):
        context = {"digest": digest, "user": digest.user}
        subject = gettext("Jaring: peringatan terbuka di wilayah kerja Anda (%(count)s)") % {
            "count": digest.total
        }
        text = render_to_string("alerts/digest.txt", context)
        html = render_to_string("alerts/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[digest.user.email], connection=connection
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(user: User, *, now: datetime) -> bool:
    """Mark the user's digest of today as sent, unless another run already has: one
    conditional UPDATE, which only one of two overlapping runs can win."""
    claimed = User.objects.filter(_not_sent_since(_day_start(now)), pk=user.pk).update(digest_sent_at=now)
    return claimed == 1


def _release(user: User, *, now: datetime) -> None:
    """Give the claim back (the message did not go out), so the next run tries again."""
    User.objects.filter(pk=user.pk, digest_sent_at=now).update(digest_sent_at=user.digest_sent_at)


def _sweep_if_stale(now: datetime) -> None:
    """Alerts are swept, not computed: bring them up to date first when the last sweep
    is older than the inbox would accept."""
    last = last_refresh()
    age = timedelta(minutes=settings.JARING_ALERTS_MAX_AGE_MINUTES)
    if last is None or now - last.finished_at >= age:
        alerts_refresh(today=timezone.localdate(now))


def digests_send(
    *, now: datetime | None = None, frequency: str | None = None, dry_run: bool = False
) -> DigestRun:
    """Send every digest due at ``now`` (or, in a dry run, say which would go out and
    change nothing: no sweep, no mail, no timestamp). Each user's send is claimed and
    committed on its own, so a failure leaves the others sent."""
    now = now or timezone.now()
    run = DigestRun(dry_run=dry_run)
    if not dry_run:
        _sweep_if_stale(now)
    recipients = list(digest_recipients(now=now, frequency=frequency))
    run.due = len(recipients)
    connection = None if dry_run else get_connection()
    try:
        for user in recipients:
            with translation.override(user.language):
                digest = digest_for(user)
            if digest is None:
                run.without_alerts += 1
                continue
            if dry_run:
                run.digests.append(digest)
                continue
            if not _claim(user, now=now):
                run.taken += 1
                continue
            try:
                digest_message(digest, connection=connection).send()
            except (smtplib.SMTPException, OSError) as exc:
                _release(user, now=now)
                run.failures.append([user.username, str(exc)[:300]])
                continue
            run.digests.append(digest)
    finally:
        if connection is not None:
            connection.close()
    return run
