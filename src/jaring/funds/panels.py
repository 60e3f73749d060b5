"""The money part of a program's page: its funnel, per regency, and idle village money."""

from __future__ import annotations

from django.utils import timezone

from jaring.funds.selectors import funnel_report, idle_villages
from jaring.programs.panels import Panel, program_panel


@program_panel
def program_money(user, program) -> Panel:
    report = funnel_report(user, [program])
    return Panel(
        "funds/_program_money.html",
        {
            "funnel": report.programs[0][1],
            "regencies": report.regencies,
            "idle": idle_villages(user, [program], today=timezone.localdate(), limit=20),
        },
    )
