from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.access.permissions import can_edit_data
from jaring.contributions import selectors, services, workbooks
from jaring.contributions.forms import (
    OCCUPATION_CHOICES,
    CalculatorForm,
    RateCloseForm,
    RateRuleForm,
    ScenarioForm,
    WorkerCountForm,
)
from jaring.contributions.permissions import can_edit_rates
from jaring.contributions.vocab import FundingSource, Package
from jaring.errors import DomainError, add_domain_error
from jaring.guards import require
from jaring.sheets.uploads import saved_upload

EDITORS_ONLY = gettext_lazy("Hanya operator dan admin yang dapat mengubah data anggaran.")
RATE_EDITORS_ONLY = gettext_lazy("Hanya admin platform dan admin provinsi yang dapat mengubah tarif iuran.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCENARIOS_SHOWN = 100
OCCUPATION_NAMES = dict(OCCUPATION_CHOICES)
SOURCE_NAMES = dict(FundingSource.choices)
PACKAGE_NAMES = dict(Package.choices)


@login_required
def budget_planning(request):
    """The calculator (people x months x rate), the saved scenarios, the comparison picker."""
    today = timezone.localdate()
    plan = None
    if "jiwa" in request.GET:
        form = CalculatorForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = selectors.plan_total(
                    people=data["jiwa"],
                    months=data["bulan"],
                    on=data["tanggal"],
                    package=data["paket"],
                    source=data["sumber"],
                    occupation=data["pekerjaan"] or None,
                    income=data["penghasilan"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
    else:
        form = CalculatorForm(initial={"tanggal": today.isoformat()})
    return render(
        request,
        "contributions/planning.html",
        {
            "form": form,
            "plan": plan,
            "scenarios": selectors.scenarios_visible_to(request.user)[:SCENARIOS_SHOWN],
            "can_edit": can_edit_data(request.user),
        },
    )


@login_required
def scenario_create(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    regions = list(selectors.scenario_regions_for(request.user))
    initial = {"year": timezone.localdate().year + 1, "source": FundingSource.APBD_KAB}
    form = ScenarioForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.scenario_create(
                actor=request.user,
                name=data["name"],
                region_code=data["region"],
                year=data["year"],
                kind=data["kind"],
                percent=data["percent"],
                per_village=data["per_village"],
                package=data["package"],
                source=data["source"],
                months=data["months"],
                rate_date=data["rate_date"],
                income=data["income"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Skenario %(name)s disimpan.") % {"name": scenario.name})
            return redirect("scenario_detail", pk=scenario.pk)
    return render(
        request,
        "contributions/scenario_form.html",
        {"form": form, "has_regions": bool(regions)},
        status=400 if form.errors else 200,
    )


@login_required
def scenario_detail(request, pk: int):
    scenario = selectors.scenario_get(request.user, pk)
    return render(
        request,
        "contributions/scenario_detail.html",
        {"scenario": scenario, "lines": selectors.scenario_lines(scenario)},
    )


def _compared_ids(request) -> list[int]:
    return [int(v) for v in request.GET.getlist("s") if v.isdigit()]


@login_required
def scenario_compare(request):
    try:
        comparison = selectors.scenarios_compare(request.user, _compared_ids(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("budget_planning")
    return render(
        request,
        "contributions/compare.html",
        {"comparison": comparison, "query": request.GET.urlencode()},
    )


@login_required
def scenario_compare_xlsx(request):
    try:
        comparison = selectors.scenarios_compare(request.user, _compared_ids(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("budget_planning")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(workbooks.comparison_xlsx(comparison), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="perbandingan-skenario-{stamp}.xlsx"'
    return response


def _rule_rows(rules, today):
    rows = []
    for rule in rules:
        if rule.effective_from > today:
            state, label = "future", _("Akan berlaku")
        elif rule.effective_to is not None and rule.effective_to < today:
            state, label = "ended", _("Berakhir")
        else:
            state, label = "active", _("Berlaku")
        rows.append(
            {
                "rule": rule,
                "state": state,
                "state_label": label,
                "packages": [PACKAGE_NAMES.get(p, p) for p in rule.packages],
                "sources": [SOURCE_NAMES.get(s, s) for s in rule.sources],
                "occupations": [OCCUPATION_NAMES.get(o, o) for o in rule.occupations],
            }
        )
    return rows


@login_required
def rate_rule_list(request):
    today = timezone.localdate()
    return render(
        request,
        "contributions/rate_rules.html",
        {
            "rows": _rule_rows(selectors.rate_rules(), today),
            "today": today,
            "can_edit": can_edit_rates(request.user),
        },
    )


@login_required
def rate_rule_create(request):
    require(can_edit_rates(request.user), RATE_EDITORS_ONLY)
    form = RateRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rate_rule_create(actor=request.user, **form.service_values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Aturan tarif #%(pk)s ditambahkan.") % {"pk": rule.pk})
            return redirect("rate_rule_list")
    return render(
        request,
        "contributions/rate_rule_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def rate_rule_detail(request, pk: int):
    """Edit a rule not in use yet; end (close) any rule."""
    require(can_edit_rates(request.user), RATE_EDITORS_ONLY)
    rule = get_object_or_404(selectors.rate_rules(), pk=pk)
    in_use = selectors.rate_rule_in_use(rule)
    action = request.POST.get("aksi") if request.method == "POST" else None
    form = None if in_use else RateRuleForm(initial=RateRuleForm.initial_of(rule))
    close_form = RateCloseForm()
    if action == "ubah" and not in_use:
        form = RateRuleForm(request.POST)
        if form.is_valid():
            try:
                services.rate_rule_update(actor=request.user, rule=rule, **form.service_values())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Aturan tarif #%(pk)s diubah.") % {"pk": rule.pk})
                return redirect("rate_rule_list")
    elif action == "akhiri":
        close_form = RateCloseForm(request.POST)
        if close_form.is_valid():
            try:
                services.rate_rule_close(
                    actor=request.user, rule=rule, effective_to=close_form.cleaned_data["effective_to"]
                )
            except DomainError as exc:
                add_domain_error(close_form, exc)
            else:
                messages.success(request, _("Aturan tarif #%(pk)s diakhiri.") % {"pk": rule.pk})
                return redirect("rate_rule_list")
    failed = (form is not None and form.errors) or close_form.errors
    return render(
        request,
        "contributions/rate_rule_form.html",
        {
            "form": form,
            "close_form": close_form,
            "rule": rule,
            "row": _rule_rows([rule], timezone.localdate())[0],
            "in_use": in_use,
            "used_by": rule.scenarios.count(),
        },
        status=400 if failed else 200,
    )


@login_required
def worker_count_list(request):
    regencies = list(selectors.regencies_visible_to(request.user)) if can_edit_data(request.user) else []
    form = WorkerCountForm(
        request.POST or None, regions=regencies, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST":
        require(can_edit_data(request.user), EDITORS_ONLY)
        if form.is_valid():
            try:
                services.worker_count_set(
                    actor=request.user,
                    region_code=form.cleaned_data["region"],
                    year=form.cleaned_data["year"],
                    vulnerable_workers=form.cleaned_data["vulnerable_workers"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Jumlah pekerja rentan disimpan."))
                return redirect("worker_count_list")
    year = request.GET.get("tahun", "")
    counts = selectors.worker_counts_visible_to(request.user)
    if year.isdigit():
        counts = counts.filter(year=int(year))
    return render(
        request,
        "contributions/worker_counts.html",
        {
            "form": form,
            "counts": counts[:1000],
            "year": year,
            "can_edit": can_edit_data(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def worker_count_import(request):
    require(can_edit_data(request.user), EDITORS_ONLY)
    result = None
    error = None
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is None:
            error = _("Pilih berkas XLSX atau CSV untuk diunggah.")
        else:
            with saved_upload(upload) as path:
                try:
                    result = services.worker_counts_import(actor=request.user, path=path)
                except DomainError as exc:
                    error = exc.message
            if result is not None and result.saved:
                messages.success(
                    request,
                    _("%(created)s baru, %(updated)s diperbarui, %(unchanged)s tidak berubah.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                for notice in result.notices:
                    messages.warning(request, notice.message)
                return redirect("worker_count_list")
    return render(
        request,
        "contributions/worker_count_import.html",
        {"result": result, "error": error},
        status=400 if error or (result is not None and not result.saved) else 200,
    )
