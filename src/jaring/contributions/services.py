"""Writes of the contributions app: rate rules, vulnerable-worker counts, budget
scenarios. Each is one transaction with its audit record; ``actor=None`` is the
platform itself (installation, the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from jaring import codes, dated_rules
from jaring.access.permissions import acts_as_platform, author, require_editor
from jaring.access.scoping import jurisdiction_of, reader_of
from jaring.audit.services import audit_record, diff, snapshot
from jaring.contributions import counts, planning, rates, selectors
from jaring.contributions.models import BudgetScenario, RateRule, ScenarioLine, VulnerableWorkerCount
from jaring.contributions.permissions import can_edit_rates
from jaring.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from jaring.formats import figures
from jaring.i18n import N_
from jaring.regions.models import Region
from jaring.sheets.cells import is_blank
from jaring.sheets.headers import Header, match_header
from jaring.sheets.readers import FileProblem, read_rows
from jaring.sheets.rows import RowError

RULE_FIELDS = (
    "component",
    "packages",
    "sources",
    "occupations",
    "rate_bp",
    "amount_rupiah",
    "effective_from",
    "effective_to",
    "basis",
)
SCENARIO_FIELDS = (
    "name",
    "region_id",
    "year",
    "kind",
    "percent",
    "per_village",
    "package",
    "source",
    "months",
    "rate_date",
    "income",
    "monthly_per_person",
    "total_people",
    "total_rupiah",
)
COUNT_ROWS_MAX = 20_000


def _actor_region(actor) -> str:
    """Rates are national: their audit entries carry the acting organization's region,
    so the auditors of that organization's jurisdiction see what its admin changed."""
    if actor is None or not getattr(actor, "organization_id", None):
        return ""
    return actor.organization.scope_code


def _require_rate_editor(actor) -> None:
    if not acts_as_platform(actor) and not can_edit_rates(actor):
        raise PermissionDeniedError(
            N_("Hanya admin platform dan admin provinsi yang dapat mengubah tarif iuran.")
        )


def _sorted_codes(values) -> list[str]:
    return sorted({str(v) for v in values or ()})


def _check_no_overlap(candidate: RateRule, *, exclude: int | None = None) -> None:
    pure = selectors.as_rate_rule(candidate)
    rates.validate_rule(pure)
    others = RateRule.objects.select_for_update().filter(component=candidate.component)
    for other in others.exclude(pk=exclude) if exclude else others:
        if pure.overlaps(selectors.as_rate_rule(other)):
            raise Conflict(
                N_(
                    "Aturan ini bertumpang tindih dengan aturan #%(id)s %(rule)s. Akhiri dulu aturan itu "
                    "(isi tanggal akhir berlaku) lalu tambahkan aturan baru mulai hari berikutnya."
                ),
                params={"id": str(other.pk), "rule": selectors.as_rate_rule(other).describe()},
                code="rate_overlap",
                field="effective_from",
            )


def _audit_rule(actor, action: str, rule: RateRule, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="rate_rule",
        target_id=rule.pk,
        target_repr=str(rule),
        changes=changes,
        region_code=_actor_region(actor),
    )


@transaction.atomic
def rate_rule_create(
    *,
    actor,
    component: str,
    packages: list[str],
    sources: list[str] | None = None,
    occupations: list[str] | None = None,
    rate_bp: int | None = None,
    amount_rupiah: int | None = None,
    effective_from: date,
    effective_to: date | None = None,
    basis: str = "",
) -> RateRule:
    """Add a rule. It may not overlap a rule of the same component for the same case."""
    _require_rate_editor(actor)
    rule = RateRule(
        component=component,
        packages=_sorted_codes(packages),
        sources=_sorted_codes(sources),
        occupations=_sorted_codes(occupations),
        rate_bp=rate_bp,
        amount_rupiah=amount_rupiah,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis.strip(),
        created_by=author(actor),
    )
    _check_no_overlap(rule)
    rule.save()
    _audit_rule(actor, "rate_rule.create", rule, diff({}, snapshot(rule, RULE_FIELDS)))
    return rule


@transaction.atomic
def rate_rule_update(*, actor, rule: RateRule, **values) -> RateRule:
    """Correct a rule that is not in use yet (not in force before today and not used by
    a saved scenario). A rule in use is ended with ``rate_rule_close`` instead."""
    _require_rate_editor(actor)
    rule = RateRule.objects.select_for_update().get(pk=rule.pk)
    if selectors.rate_rule_in_use(rule):
        raise Conflict(
            N_(
                "Aturan ini sudah dipakai dan tidak boleh diubah. Akhiri aturan ini lalu tambahkan "
                "aturan baru."
            ),
            code="rate_rule_in_use",
        )
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(
            N_("Kolom %(columns)s tidak dapat diubah."), params={"columns": ", ".join(sorted(unknown))}
        )
    before = snapshot(rule, RULE_FIELDS)
    for name, value in values.items():
        if name in ("packages", "sources", "occupations"):
            value = _sorted_codes(value)
        elif name == "basis":
            value = (value or "").strip()
        setattr(rule, name, value)
    _check_no_overlap(rule, exclude=rule.pk)
    changes = diff(before, snapshot(rule, RULE_FIELDS))
    if changes:
        rule.save()
        _audit_rule(actor, "rate_rule.update", rule, changes)
    return rule


@transaction.atomic
def rate_rule_close(*, actor, rule: RateRule, effective_to: date) -> RateRule:
    """End a rule on ``effective_to`` (inclusive). Only shortens: a rule is never
    stretched over days it did not cover; add a new rule for those."""

    _require_rate_editor(actor)
    rule = dated_rules.lock_to_close(
        rule, effective_to, code_prefix="rate", hint=N_("Untuk masa sesudahnya tambahkan aturan baru.")
    )
    before = snapshot(rule, RULE_FIELDS)
    dated_rules.close(rule, effective_to)
    _audit_rule(actor, "rate_rule.close", rule, diff(before, snapshot(rule, RULE_FIELDS)))
    return rule


# -- vulnerable-worker counts ---------------------------------------------------------


def _regency_codes() -> frozenset[str]:
    return frozenset(Region.objects.filter(level="regency").values_list("code", flat=True))


def _in_jurisdiction(actor):
    return jurisdiction_of(reader_of(actor)).contains


def _write_counts(actor, records: list[counts.CountRecord]) -> tuple[int, int, int]:
    """Upsert counts by (regency, year), auditing each change. Returns (created,
    updated, unchanged)."""
    existing = {
        (c.region_id, c.year): c
        for c in VulnerableWorkerCount.objects.select_for_update().filter(
            region_id__in={r.region_code for r in records}, year__in={r.year for r in records}
        )
    }
    created = updated = unchanged = 0
    user = author(actor)
    for record in records:
        current = existing.get((record.region_code, record.year))
        if current is None:
            current = VulnerableWorkerCount.objects.create(
                region_id=record.region_code,
                year=record.year,
                vulnerable_workers=record.vulnerable_workers,
                updated_by=user,
            )
            action, changes = "worker_count.create", {"vulnerable_workers": [None, record.vulnerable_workers]}
            created += 1
        elif current.vulnerable_workers == record.vulnerable_workers:
            unchanged += 1
            continue
        else:
            changes = {"vulnerable_workers": [current.vulnerable_workers, record.vulnerable_workers]}
            current.vulnerable_workers = record.vulnerable_workers
            current.updated_by = user
            current.save(update_fields=["vulnerable_workers", "updated_by", "updated_at"])
            action = "worker_count.update"
            updated += 1
        audit_record(
            actor=actor,
            action=action,
            target_type="worker_count",
            target_id=current.pk,
            target_repr=f"Pekerja rentan {codes.dotted(record.region_code)} {record.year}",
            changes={"year": [None, record.year], **changes} if action.endswith("create") else changes,
            region_code=record.region_code,
        )
    return created, updated, unchanged


@transaction.atomic
def worker_count_set(*, actor, region_code: str, year: int, vulnerable_workers: int) -> VulnerableWorkerCount:
    """Enter (or correct) the number of vulnerable workers of one regency in one year."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengisi jumlah pekerja rentan."))
    outcome = counts.parse_count_row(
        {"KODE_WILAYAH": region_code, "TAHUN": year, "PEKERJA_RENTAN": vulnerable_workers},
        row=1,
        regency_codes=_regency_codes(),
        in_jurisdiction=_in_jurisdiction(actor),
    )
    if isinstance(outcome, list):
        first = outcome[0]
        field_of = {"KODE_WILAYAH": "region", "TAHUN": "year", "PEKERJA_RENTAN": "vulnerable_workers"}
        raise InvalidInput(first.message, code=first.code, field=field_of[first.column])
    _write_counts(actor, [outcome])
    return VulnerableWorkerCount.objects.get(region_id=outcome.region_code, year=outcome.year)


@dataclass
class CountImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[RowError] = field(default_factory=list)  # headers not read: told, not refused

    @property
    def saved(self) -> bool:
        return not self.errors


@transaction.atomic
def worker_counts_import(*, actor, path: Path) -> CountImportResult:
    """Read a CSV/XLSX of KODE_WILAYAH, TAHUN, PEKERJA_RENTAN. Every row is checked
    first; if any row is wrong nothing is written and every error is returned (row,
    column, what to fix). Otherwise all rows are saved in one transaction."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat mengimpor jumlah pekerja rentan."))
    result = CountImportResult()
    regencies = _regency_codes()
    inside = _in_jurisdiction(actor)
    records: list[counts.CountRecord] = []
    seen: dict[tuple[str, int], int] = {}
    header: Header | None = None
    try:
        for number, cells in read_rows(Path(path)):
            if header is None:
                header = match_header(cells, counts.SHEET)
                if header.errors:
                    result.errors = header.errors
                    return result
                continue
            if is_blank(cells):
                continue
            if number > COUNT_ROWS_MAX + 1:
                result.errors.append(
                    RowError(
                        number,
                        "",
                        "file_too_large",
                        figures.text(
                            N_("Paling banyak %(limit)s baris per berkas."), {"limit": COUNT_ROWS_MAX}
                        ),
                    )
                )
                break
            outcome = counts.parse_count_row(
                header.values(cells), row=number, regency_codes=regencies, in_jurisdiction=inside
            )
            if isinstance(outcome, list):
                result.errors.extend(outcome)
                continue
            key = (outcome.region_code, outcome.year)
            if key in seen:
                result.errors.append(
                    RowError(
                        number,
                        "KODE_WILAYAH",
                        "row_duplicate",
                        figures.text(
                            N_(
                                "%(region)s tahun %(year)s sudah ada di baris %(row)s. Hapus salah satu "
                                "baris."
                            ),
                            {
                                "region": codes.dotted(outcome.region_code),
                                "year": str(outcome.year),
                                "row": str(seen[key]),
                            },
                        ),
                    )
                )
                continue
            seen[key] = number
            records.append(outcome)
    except FileProblem as exc:
        result.errors = [RowError(0, "", exc.code, exc.message)]
        return result
    if header is None:
        result.errors = [RowError(0, "", "file_empty", figures.text(N_("Berkas kosong.")))]
    elif not records and not result.errors:
        result.errors = [RowError(2, "", "file_no_rows", figures.text(N_("Berkas tidak berisi baris data.")))]
    if result.errors:
        return result
    result.notices = header.notices
    with transaction.atomic():
        result.created, result.updated, result.unchanged = _write_counts(actor, records)
    return result


# -- budget scenarios ------------------------------------------------------------------


def _scenario_region(actor, region_code: str) -> Region:
    code = codes.try_normalize(region_code or "")
    region = Region.objects.filter(code=code).first() if code else None
    if region is None or not _in_jurisdiction(actor)(region.code):
        raise NotFound(
            N_("Wilayah '%(region)s' tidak ditemukan atau di luar wilayah kerja Anda."),
            params={"region": str(region_code)},
            code="region_not_found",
            field="region",
        )
    if region.level not in ("province", "regency"):
        raise InvalidInput(
            N_("Skenario anggaran dibuat untuk provinsi atau kabupaten/kota, mis. 17 atau 15.04."),
            code="scenario_region_level",
            field="region",
        )
    return region


def _basis_counts(*, kind: str, regencies: list[Region], year: int) -> dict[str, int]:
    if kind == planning.PER_VILLAGE:
        return {r.code: r.village_count for r in regencies}
    found = dict(
        VulnerableWorkerCount.objects.filter(region__in=regencies, year=year).values_list(
            "region_id", "vulnerable_workers"
        )
    )
    missing = [r for r in regencies if r.code not in found]
    if missing:
        names = ", ".join(f"{r.code_dotted} {r.name}" for r in missing[:10])
        if len(missing) > 10:
            raise InvalidInput(
                N_(
                    "Jumlah pekerja rentan tahun %(year)s belum diisi untuk %(regions)s dan %(more)s "
                    "lainnya. Isi dulu di Anggaran > Pekerja rentan (atau impor berkasnya)."
                ),
                params={"year": str(year), "regions": names, "more": len(missing) - 10},
                code="worker_count_missing",
                field="region",
            )
        raise InvalidInput(
            N_(
                "Jumlah pekerja rentan tahun %(year)s belum diisi untuk %(regions)s. Isi dulu di "
                "Anggaran > Pekerja rentan (atau impor berkasnya)."
            ),
            params={"year": str(year), "regions": names},
            code="worker_count_missing",
            field="region",
        )
    return found


@transaction.atomic
def scenario_create(
    *,
    actor,
    name: str,
    region_code: str,
    year: int,
    kind: str,
    package: str,
    source: str,
    months: int,
    percent: int | None = None,
    per_village: int | None = None,
    rate_date: date | None = None,
    income: int = planning.INCOME_DEFAULT,
) -> BudgetScenario:
    """Save a budget scenario with its lines per regency frozen: people, the monthly
    rate (from the rule table on ``rate_date``, default 1 January of ``year``) and
    rupiah. A later change of the rules never alters them."""
    require_editor(actor, N_("Hanya operator dan admin yang dapat membuat skenario anggaran."))
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Nama skenario wajib diisi."), code="name_required", field="name")
    if not 2000 <= year <= 2100:
        raise InvalidInput(N_("Tahun anggaran tidak valid, mis. 2026."), code="year_invalid", field="year")
    if kind not in (planning.PERCENT_OF_VULNERABLE, planning.PER_VILLAGE):
        raise InvalidInput(
            N_("Jenis skenario '%(kind)s' tidak dikenal."),
            params={"kind": str(kind)},
            code="scenario_kind_unknown",
            field="kind",
        )
    region = _scenario_region(actor, region_code)
    rate_date = rate_date or date(year, 1, 1)
    quote = selectors.monthly_contribution(on=rate_date, package=package, source=source, income=income)
    regencies = list(selectors.regencies_of(region))
    lines = planning.plan_lines(
        kind=kind,
        basis_counts=_basis_counts(kind=kind, regencies=regencies, year=year),
        months=months,
        monthly_per_person=quote.total,
        percent=percent if kind == planning.PERCENT_OF_VULNERABLE else None,
        per_village=per_village if kind == planning.PER_VILLAGE else None,
    )
    organization = actor.organization if actor is not None and actor.organization_id else None
    scenario = BudgetScenario.objects.create(
        name=name[:200],
        region=region,
        year=year,
        kind=kind,
        percent=percent if kind == planning.PERCENT_OF_VULNERABLE else None,
        per_village=per_village if kind == planning.PER_VILLAGE else None,
        package=package,
        source=source,
        months=months,
        rate_date=rate_date,
        income=income,
        monthly_per_person=quote.total,
        rate_lines=[
            {"component": ln.component, "rupiah": ln.rupiah, "rule_id": ln.rule_id, "basis": ln.basis}
            for ln in quote.lines
        ],
        total_people=sum(ln.people for ln in lines),
        total_rupiah=sum(ln.rupiah for ln in lines),
        organization=organization,
        created_by=author(actor),
    )
    scenario.rate_rules.set(quote.rule_ids)
    ScenarioLine.objects.bulk_create(
        ScenarioLine(
            scenario=scenario,
            region_id=ln.region_code,
            basis_count=ln.basis_count,
            people=ln.people,
            monthly_per_person=ln.monthly_per_person,
            rupiah=ln.rupiah,
        )
        for ln in lines
    )
    audit_record(
        actor=actor,
        action="budget_scenario.create",
        target_type="budget_scenario",
        target_id=scenario.pk,
        target_repr=scenario.name,
        changes=diff({}, snapshot(scenario, SCENARIO_FIELDS)),
        region_code=region.code,
    )
    return scenario
