"""The proposal page: per region, with drill-down to the village, who a program should
enrol from the DTSEN candidates on a date; in a village the officer ticks or unticks and
enrols the ticked in one action (``targeting.services.enrol_chosen``), or downloads the
proposal as the registration and enrolment files."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring import codes
from jaring.access.permissions import can_edit_data, sees_full_nik
from jaring.errors import DomainError
from jaring.guards import require
from jaring.paging import date_param
from jaring.programs.selectors import program_get, programs_visible_to
from jaring.regions.models import Region
from jaring.registry.selectors import nik_for
from jaring.registry.vocab import CATEGORY_LABELS, OCCUPATION_LABELS
from jaring.targeting import proposals, rules, workbooks
from jaring.targeting.selectors import candidates, listed_on
from jaring.targeting.services import ProposalRefused, enrol_chosen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mendaftarkan peserta ke program.")
FULL_NIK_ONLY = gettext_lazy(
    "Berkas ini memuat NIK lengkap: hanya untuk operator yang melihat NIK lengkap. "
    "Daftarkan dari halaman ini dengan mencentang."
)
VILLAGE_ROWS_SHOWN = 1000


@dataclass(frozen=True)
class RegionLine:
    code: str
    name: str
    villages: int
    candidates: int
    proposed: int
    free_quota: int | None


def _child_lines(found: proposals.Proposal, base: str) -> list[RegionLine]:
    """The proposal's villages summed by the level below ``base`` (villages themselves
    below a district)."""
    length = {0: 2, 2: 4, 4: 6}.get(len(base), 10)
    groups: dict[str, list[proposals.VillageLine]] = {}
    for line in found.villages:
        groups.setdefault(line.village[:length], []).append(line)
    names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
    return [
        RegionLine(
            code=code,
            name=names.get(code, code),
            villages=len(lines),
            candidates=sum(x.candidates for x in lines),
            proposed=sum(x.proposed for x in lines),
            free_quota=None if found.free_quota is None else sum(x.free_quota or 0 for x in lines),
        )
        for code, lines in groups.items()
    ]


def _village_rows(request, found: proposals.Proposal, village: str) -> list[dict]:
    """The village's candidates, the proposed ticked, in priority order."""
    proposed = {p.person_id: p for p in found.people}
    people = candidates(
        request.user, found.on, region=village, targets=proposals.program_targets(found.program)
    )[:VILLAGE_ROWS_SHOWN]
    rows = []
    for person in people:
        chosen = proposed.get(person.pk)
        fills = rules.categories_of(
            decile=person.decile, working=person.working, occupation=person.occupation
        )
        category = chosen.category if chosen else (fills[0] if fills else None)
        rows.append(
            {
                "id": person.pk,
                "nik": nik_for(request.user, person.nik),
                "name": person.full_name,
                "decile": person.decile,
                "occupation": OCCUPATION_LABELS.get(person.occupation, "") if person.occupation else "",
                "working": person.working,
                "category": CATEGORY_LABELS[category] if category else "",
                "ticked": chosen is not None,
                "cost": chosen.cost if chosen else None,
            }
        )
    return rows


def _page(program, region: str = "", on=None) -> str:
    query = {"program": program.pk, "wilayah": region, "tanggal": f"{on:%d/%m/%Y}" if on else ""}
    return f"{reverse('targeting_proposal')}?{urlencode({k: v for k, v in query.items() if v})}"


def _programs(user):
    return programs_visible_to(user).order_by("-fiscal_year", "code")


@login_required
def proposal_page(request):
    programs = list(_programs(request.user))
    chosen = request.GET.get("program", "")
    program = next((p for p in programs if str(p.pk) == chosen), None) or (programs[0] if programs else None)
    on = date_param(request)
    context = {"programs": programs, "program": program, "on": on, "can_edit": can_edit_data(request.user)}
    if program is None:
        return render(request, "targeting/proposal.html", context)
    try:
        region = proposals.region_of(request.GET.get("wilayah", ""))
        found = proposals.proposal(request.user, program, on, region=region)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_page(program))
    base = region or found.region
    context.update(
        found=found,
        base=base,
        base_name=Region.objects.filter(code=base).values_list("name", flat=True).first() or "",
        trail=[(code, Region.objects.get(code=code).name) for code in codes.ancestors_of(base)]
        if base
        else [],
        query={"program": program.pk, "tanggal": f"{on:%d/%m/%Y}"},
        refusals=request.session.pop("proposal_refusals", None),
        may_download=can_edit_data(request.user) and sees_full_nik(request.user),
    )
    if base and codes.level_of(base) == codes.Level.VILLAGE:
        context["rows"] = _village_rows(request, found, base)
        context["village_proposed"] = sum(1 for p in found.people if p.village == base)
    else:
        context["lines"] = _child_lines(found, base)
    return render(request, "targeting/proposal.html", context)


@login_required
@require_POST
def proposal_enrol(request, pk: int):
    require(can_edit_data(request.user), EDITORS_ONLY)
    program = program_get(request.user, pk)
    on = date_param(request)
    village = proposals.region_of(request.GET.get("wilayah", ""))
    ids = [int(i) for i in request.POST.getlist("orang") if i.isdigit()]
    # Only people listed in the officer's own jurisdiction: an id from elsewhere is ignored,
    # never answered with its NIK.
    niks = list(listed_on(request.user, on).filter(pk__in=ids).values_list("nik", flat=True))
    back = _page(program, village, on)
    try:
        outcome = enrol_chosen(actor=request.user, program=program, on=on, niks=niks)
    except ProposalRefused as exc:
        messages.error(request, exc.message)
        request.session["proposal_refusals"] = [
            {"nik": nik_for(request.user, r.nik), "name": r.full_name, "reason": r.error.message}
            for r in exc.refusals
        ]
        return redirect(back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("%(n)s orang didaftarkan ke %(code)s (yang baru dicatat di registri lebih dahulu).")
        % {"n": outcome.created, "code": program.code},
    )
    return redirect(back)


@login_required
def proposal_file(request, pk: int):
    require(can_edit_data(request.user) and sees_full_nik(request.user), FULL_NIK_ONLY)
    program = program_get(request.user, pk)
    on = date_param(request)
    try:
        found = proposals.proposal(request.user, program, on, region=request.GET.get("wilayah", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_page(program))
    where = found.region or "semua"
    if request.GET.get("berkas") == "kepesertaan":
        content = workbooks.enrolment_xlsx(found, proposals.enrolment_start(program, on))
        name = f"kepesertaan-{program.code}-{where}-{on:%Y%m%d}.xlsx"
    else:
        content = workbooks.registration_xlsx(found)
        name = f"registrasi-{program.code}-{where}-{on:%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
