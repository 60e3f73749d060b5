"""Alert sources of the money trail (see jaring.alerts.sources)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from jaring import codes
from jaring.access.scoping import SYSTEM
from jaring.alerts.models import Severity
from jaring.alerts.sources import Draft, source
from jaring.formats import figures
from jaring.funds.selectors import idle_villages
from jaring.i18n import N_
from jaring.programs.models import Program

URGENT_IDLE_DAYS = 90


@source("idle_money", N_("Dana mengendap di desa"))
def idle_money(today: date, region: str = "") -> Iterator[Draft]:
    """A village holding program money longer than JARING_IDLE_MONEY_DAYS with no
    contribution paid since: one alert per program and village."""
    programs = list(Program.objects.filter(transfers__kind="to_village").distinct())
    for village in idle_villages(SYSTEM, programs, today=today, region=region).villages:
        program = village.program
        waiting = village.received - village.paid
        yield Draft(
            key=f"idle_money:{program.pk}:{village.village_code}",
            region_code=village.village_code,
            organization_id=program.payer_id,
            severity=Severity.DANGER if village.idle_days > URGENT_IDLE_DAYS else Severity.WARNING,
            title=N_("Dana %(program)s mengendap %(days)s hari di %(village)s"),
            detail=N_(
                "Diterima %(received)s (terakhir %(last)s), dibayarkan ke BPJS %(paid)s. "
                "Bayarkan iuran agar peserta terlindungi."
            ),
            params={
                "program": program.code,
                "days": village.idle_days,
                "village": village.village_name,
                "received": figures.money(village.received),
                "last": figures.day(village.last_received_on),
                "paid": figures.money(village.paid),
            },
            url=reverse("transfer_list")
            + "?"
            + urlencode({"program": program.pk, "wilayah": codes.dotted(village.village_code)}),
            count=village.idle_days,
            rupiah=waiting,
        )
