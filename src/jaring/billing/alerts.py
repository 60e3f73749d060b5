"""Alert sources of contributions and protection (see jaring.alerts.sources)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from jaring import codes
from jaring.alerts.models import Severity
from jaring.alerts.sources import Draft, source
from jaring.billing.selectors import deceased_billed, ending_counts_by_village
from jaring.i18n import N_
from jaring.regions.models import Region


def names_of(village_codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(village_codes)).values_list("code", "name"))


def list_url(kind: str, village: str) -> str:
    return reverse("protection_alerts") + "?" + urlencode({"jenis": kind, "wilayah": codes.dotted(village)})


@source("protection_ending", N_("Masa iuran terbayar segera berakhir"))
def protection_ending(today: date, region: str = "") -> Iterator[Draft]:
    """Villages with people whose paid period ends within 30 days: pay the next
    period before they fall into arrears."""
    counts = ending_counts_by_village(today, region=region)
    names = names_of(counts)
    for village, people in counts.items():
        yield Draft(
            key=f"protection_ending:{village}",
            region_code=village,
            severity=Severity.WARNING,
            title=N_("%(people)s peserta di %(village)s: iuran terbayar berakhir dalam 30 hari"),
            detail=N_("Bayarkan iuran periode berikutnya agar perlindungan tidak terputus."),
            url=list_url("berakhir", village),
            count=people,
            params={"people": people, "village": names.get(village, village)},
        )


@source("deceased_billed", N_("Peserta meninggal masih ditagih"))
def deceased_still_billed(today: date, region: str = "") -> Iterator[Draft]:
    """Villages where a standing bill still charges people for months after their death."""
    rows = list(deceased_billed(today, region=region))
    names = names_of(row["village_id"] for row in rows)
    for row in rows:
        village = row["village_id"]
        yield Draft(
            key=f"deceased_billed:{village}",
            region_code=village,
            severity=Severity.DANGER,
            title=N_("%(people)s peserta meninggal di %(village)s masih ditagih"),
            detail=N_(
                "Terbitkan koreksi tagihan tanpa bulan setelah kematian; "
                "iuran yang sudah dibayar dikembalikan."
            ),
            url=reverse("refund_list"),
            count=row["people"],
            params={"people": row["people"], "village": names.get(village, village)},
        )
