"""Rate rules in the database, budget scenarios (frozen when saved) and worker counts."""

import csv
from datetime import date

import pytest
import xlsxwriter

from jaring.audit.models import AuditEvent
from jaring.contributions import selectors, services
from jaring.contributions.models import BudgetScenario, RateRule, ScenarioLine, VulnerableWorkerCount
from jaring.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDeniedError
from jaring.regions.models import Region

FUTURE = date(2031, 1, 1)  # never "today" while these tests live


def _bengkulu_counts(total_people: int, *, year: int = 2025, percent: int = 70) -> dict[str, int]:
    """Vulnerable-worker counts for every Bengkulu regency whose ``percent`` % (rounded
    down per regency) adds up to ``total_people``."""
    regencies = list(Region.objects.filter(level="regency", parent_id="17").values_list("code", flat=True))
    chosen = dict.fromkeys(regencies[:-1], 11_490)  # 70% is 8,043 each
    needed = total_people - sum(c * percent // 100 for c in chosen.values())
    chosen[regencies[-1]] = (needed * 100 + percent - 1) // percent
    for code, count in chosen.items():
        services.worker_count_set(actor=None, region_code=code, year=year, vulnerable_workers=count)
    return chosen


# -- the seeded rule table ---------------------------------------------------------------------


def test_a_freshly_migrated_database_can_plan(db):
    assert RateRule.objects.count() == 6  # JKK, JKM, JHT and the three PP 50/2025 discounts
    assert (
        selectors.monthly_contribution(on=date(2025, 6, 1), package="JKK_JKM", source="APBD_KAB").total
        == 16_800
    )
    with_jht = selectors.monthly_contribution(on=date(2025, 6, 1), package="JKK_JKM_JHT", source="APBD_KAB")
    assert with_jht.total == 36_800
    discounted = selectors.monthly_contribution(
        on=date(2026, 2, 1), package="JKK_JKM", source="APBDES", occupation="ojek_pengemudi"
    )
    assert discounted.total == 8_400
    assert (
        selectors.monthly_contribution(
            on=date(2026, 2, 1), package="JKK_JKM", source="BKBK", occupation="ojek_pengemudi"
        ).total
        == 16_800
    )


def test_every_quote_without_occupation_has_the_2026_discount_every_bpu_has(demo):
    """DOMAIN.md s.4: between April and December 2026 every BPU occupation has the
    PP 50/2025 discount, so the selector, a saved scenario and the API quote an unknown
    occupation at Rp8,400 (CSR money, not APBD)."""
    june = date(2026, 6, 1)
    assert selectors.monthly_contribution(on=june, package="JKK_JKM", source="CSR").total == 8_400
    assert (
        selectors.plan_total(people=1, months=1, on=june, package="JKK_JKM", source="CSR").total_rupiah
        == 8_400
    )
    scenario = services.scenario_create(
        actor=None,
        name="Batanghari CSR 2026",
        region_code="15.04",
        year=2026,
        kind="per_village",
        per_village=10,
        package="JKK_JKM",
        source="CSR",
        months=6,
        rate_date=june,
    )
    assert scenario.monthly_per_person == 8_400
    assert [line["rupiah"] for line in scenario.rate_lines] == [10_000, 6_800, -8_400]
    body = (
        demo.client("jambi.viewer")
        .get("/api/v1/budget-plan", {"people": 1, "months": 1, "source": "CSR", "date": "2026-06-01"})
        .json()
    )
    assert (body["occupation"], body["monthly_per_person"]) == (None, 8_400)
    # APBD money stays excluded, for a known occupation or not
    assert selectors.monthly_contribution(on=june, package="JKK_JKM", source="APBD_KAB").total == 16_800


def test_plan_total_reproduces_the_domain_figures(db):
    bengkulu = selectors.plan_total(
        people=80_418, months=12, on=date(2025, 1, 1), package="JKK_JKM", source="APBD_KAB"
    )
    assert bengkulu.as_dict() == {
        "people": 80_418,
        "months": 12,
        "monthly_per_person": 16_800,
        "total_rupiah": 16_212_268_800,
    }
    jambi = selectors.plan_total(
        people=112_538, months=12, on=date(2023, 3, 1), package="JKK_JKM", source="BKBK"
    )
    assert jambi.total_rupiah == 22_687_660_800


def test_missing_rate_for_a_date_is_rate_missing(db):
    with pytest.raises(DomainError) as missing:
        selectors.monthly_contribution(on=date(2014, 12, 31), package="JKK_JKM", source="APBD_KAB")
    assert missing.value.code == "rate_missing"


# -- changing rules ----------------------------------------------------------------------------


def test_province_admin_ends_a_rule_and_adds_the_next_one_audited(demo):
    admin = demo.user("jambi.admin")
    jkm = RateRule.objects.get(component="JKM")
    services.rate_rule_close(actor=admin, rule=jkm, effective_to=date(2030, 12, 31))
    new = services.rate_rule_create(
        actor=admin,
        component="JKM",
        packages=["JKK_JKM_JHT", "JKK_JKM"],
        amount_rupiah=10_000,
        effective_from=FUTURE,
        basis="PP baru",
    )
    assert new.packages == ["JKK_JKM", "JKK_JKM_JHT"]
    assert (
        selectors.monthly_contribution(on=date(2030, 12, 31), package="JKK_JKM", source="CSR").total == 16_800
    )
    assert selectors.monthly_contribution(on=FUTURE, package="JKK_JKM", source="CSR").total == 20_000
    events = AuditEvent.objects.filter(target_type="rate_rule").order_by("id")
    assert [(e.action, e.actor_username, e.region_code) for e in events] == [
        ("rate_rule.close", "jambi.admin", "15"),
        ("rate_rule.create", "jambi.admin", "15"),
    ]
    assert events[0].changes == {"effective_to": [None, "2030-12-31"]}
    assert events[1].changes["amount_rupiah"] == [None, 10_000]


def test_an_overlapping_rule_is_refused(demo):
    with pytest.raises(Conflict) as overlap:
        services.rate_rule_create(
            actor=demo.user("admin"),
            component="JKK",
            packages=["JKK_JKM"],
            rate_bp=150,
            effective_from=FUTURE,
        )
    assert overlap.value.code == "rate_overlap"
    assert RateRule.objects.filter(component="JKK").count() == 1


def test_closing_only_shortens_a_rule(db):
    ojek = RateRule.objects.get(component="DISCOUNT", effective_from=date(2027, 1, 1))  # transport workers
    with pytest.raises(InvalidInput) as extend:
        services.rate_rule_close(actor=None, rule=ojek, effective_to=date(2027, 12, 31))
    assert extend.value.code == "rate_close_extends"
    with pytest.raises(InvalidInput) as reversed_dates:
        services.rate_rule_close(actor=None, rule=ojek, effective_to=date(2025, 12, 31))
    assert reversed_dates.value.code == "rate_dates_reversed"
    ojek.refresh_from_db()
    assert ojek.effective_to == date(2027, 3, 31)


def test_a_rule_in_use_is_never_edited_but_a_future_unused_one_is(demo):
    jkk = RateRule.objects.get(component="JKK")  # in force since 2015
    with pytest.raises(Conflict) as in_use:
        services.rate_rule_update(actor=None, rule=jkk, rate_bp=200)
    assert in_use.value.code == "rate_rule_in_use"
    assert RateRule.objects.get(pk=jkk.pk).rate_bp == 100

    services.rate_rule_close(actor=None, rule=jkk, effective_to=date(2030, 12, 31))
    future = services.rate_rule_create(
        actor=None, component="JKK", packages=["JKK_JKM", "JKK_JKM_JHT"], rate_bp=120, effective_from=FUTURE
    )
    services.rate_rule_update(actor=None, rule=future, rate_bp=110, basis="koreksi")
    future.refresh_from_db()
    assert (future.rate_bp, future.basis) == (110, "koreksi")
    assert AuditEvent.objects.filter(action="rate_rule.update", target_id=str(future.pk)).exists()

    services.scenario_create(
        actor=None,
        name="Perencanaan jauh",
        region_code="1504",
        year=2031,
        kind="per_village",
        per_village=1,
        package="JKK_JKM",
        source="APBD_KAB",
        months=1,
    )
    with pytest.raises(Conflict):  # now it priced a saved scenario
        services.rate_rule_update(actor=None, rule=future, rate_bp=130)


@pytest.mark.parametrize("username", ["jambi.operator", "batanghari.operator", "jambi.viewer", "csr.viewer"])
def test_only_platform_and_province_admins_change_rates(demo, username):
    jkk = RateRule.objects.get(component="JKK")
    with pytest.raises(PermissionDeniedError):
        services.rate_rule_close(actor=demo.user(username), rule=jkk, effective_to=date(2030, 1, 1))
    assert RateRule.objects.get(pk=jkk.pk).effective_to is None


# -- scenarios ---------------------------------------------------------------------------------


def test_bengkulu_70_percent_of_vulnerable_workers_is_rp16_2_billion(demo):
    chosen = _bengkulu_counts(80_418)
    scenario = services.scenario_create(
        actor=demo.user("bengkulu.admin"),
        name="Bengkulu 2025: 70% pekerja rentan",
        region_code="17",
        year=2025,
        kind="percent_of_vulnerable",
        percent=70,
        package="JKK_JKM",
        source="APBD_KAB",
        months=12,
    )
    assert (scenario.total_people, scenario.total_rupiah) == (80_418, 16_212_268_800)
    assert scenario.rate_date == date(2025, 1, 1)
    lines = {line.region_id: line for line in scenario.lines.all()}
    assert set(lines) == set(chosen)
    for code, count in chosen.items():
        assert lines[code].basis_count == count
        assert lines[code].people == count * 70 // 100
        assert lines[code].rupiah == lines[code].people * 12 * 16_800
    event = AuditEvent.objects.get(action="budget_scenario.create")
    assert (event.region_code, event.actor_username) == ("17", "bengkulu.admin")
    assert event.changes["total_rupiah"] == [None, 16_212_268_800]


def test_jambi_bkbk_75_per_village_uses_village_counts(db):
    scenario = services.scenario_create(
        actor=None,
        name="BKBK Jambi: 50 miskin ekstrem + 25 pekerja rentan per desa",
        region_code="15",
        year=2025,
        kind="per_village",
        per_village=75,
        package="JKK_JKM",
        source="BKBK",
        months=12,
    )
    regencies = Region.objects.filter(level="regency", parent_id="15")
    villages = {r.code: r.village_count for r in regencies}
    assert all(villages.values())
    assert {line.region_id: line.people for line in scenario.lines.all()} == {
        c: v * 75 for c, v in villages.items()
    }
    assert scenario.total_people == sum(villages.values()) * 75
    assert scenario.total_rupiah == scenario.total_people * 201_600


def test_a_rule_change_never_alters_a_saved_scenario(db):
    scenario = services.scenario_create(
        actor=None,
        name="Batanghari 2025",
        region_code="15.04",
        year=2025,
        kind="per_village",
        per_village=10,
        package="JKK_JKM",
        source="APBD_KAB",
        months=12,
    )
    frozen_lines = list(
        ScenarioLine.objects.filter(scenario=scenario).values_list("people", "monthly_per_person", "rupiah")
    )
    jkm = RateRule.objects.get(component="JKM")
    assert set(scenario.rate_rules.values_list("component", flat=True)) == {"JKK", "JKM"}
    services.rate_rule_close(actor=None, rule=jkm, effective_to=date(2024, 12, 31))
    services.rate_rule_create(
        actor=None,
        component="JKM",
        packages=["JKK_JKM", "JKK_JKM_JHT"],
        amount_rupiah=10_000,
        effective_from=date(2025, 1, 1),
    )
    assert (
        selectors.monthly_contribution(on=date(2025, 1, 1), package="JKK_JKM", source="APBD_KAB").total
        == 20_000
    )

    saved = BudgetScenario.objects.get(pk=scenario.pk)
    assert saved.monthly_per_person == 16_800
    assert saved.total_rupiah == scenario.total_rupiah == saved.total_people * 12 * 16_800
    assert [ln["rupiah"] for ln in saved.rate_lines] == [10_000, 6_800]
    assert (
        list(
            ScenarioLine.objects.filter(scenario=saved).values_list("people", "monthly_per_person", "rupiah")
        )
        == frozen_lines
    )
    again = services.scenario_create(
        actor=None,
        name="Batanghari 2025 (tarif baru)",
        region_code="1504",
        year=2025,
        kind="per_village",
        per_village=10,
        package="JKK_JKM",
        source="APBD_KAB",
        months=12,
    )
    assert again.monthly_per_person == 20_000


def test_missing_worker_counts_are_named_not_counted_as_zero(demo):
    services.worker_count_set(actor=None, region_code="17.01", year=2025, vulnerable_workers=1_000)
    with pytest.raises(InvalidInput) as missing:
        services.scenario_create(
            actor=demo.user("bengkulu.admin"),
            name="Bengkulu",
            region_code="17",
            year=2025,
            kind="percent_of_vulnerable",
            percent=70,
            package="JKK_JKM",
            source="APBD_PROV",
            months=12,
        )
    assert missing.value.code == "worker_count_missing"
    assert "17.02" in missing.value.message and "17.01" not in missing.value.message
    assert not BudgetScenario.objects.exists()


@pytest.mark.parametrize(
    ("username", "region", "error", "code"),
    [
        ("batanghari.operator", "15.71", NotFound, "region_not_found"),  # Kota Jambi, next door
        ("jambi.operator", "17", NotFound, "region_not_found"),
        ("jambi.operator", "15.04.01", InvalidInput, "scenario_region_level"),
        ("jambi.operator", "99", NotFound, "region_not_found"),
        ("jambi.viewer", "15", PermissionDeniedError, "permission_denied"),
    ],
)
def test_scenarios_are_created_by_editors_inside_their_jurisdiction(demo, username, region, error, code):
    with pytest.raises(error) as refused:
        services.scenario_create(
            actor=demo.user(username),
            name="x",
            region_code=region,
            year=2025,
            kind="per_village",
            per_village=75,
            package="JKK_JKM",
            source="BKBK",
            months=12,
        )
    assert refused.value.code == code
    assert not BudgetScenario.objects.exists()


def test_scenarios_are_visible_inside_the_jurisdiction_only(demo):
    def make(code):
        return services.scenario_create(
            actor=None,
            name=code,
            region_code=code,
            year=2025,
            kind="per_village",
            per_village=1,
            package="JKK_JKM",
            source="BKBK",
            months=1,
        )

    province, batanghari, kota, bengkulu = make("15"), make("1504"), make("1571"), make("17")
    visible = lambda username: set(selectors.scenarios_visible_to(demo.user(username)))  # noqa: E731
    assert visible("jambi.viewer") == {province, batanghari, kota}
    assert visible("batanghari.operator") == {batanghari}
    assert visible("csr.viewer") == {batanghari, kota}
    assert visible("desa.operator") == set()
    assert visible("bpjs.kanwil") == {province, batanghari, kota, bengkulu}
    assert visible("admin") == {province, batanghari, kota, bengkulu}


def test_comparison_lines_up_regencies_and_refuses_one_scenario(demo):
    whole = services.scenario_create(
        actor=None,
        name="Jambi",
        region_code="15",
        year=2025,
        kind="per_village",
        per_village=75,
        package="JKK_JKM",
        source="BKBK",
        months=12,
    )
    one = services.scenario_create(
        actor=None,
        name="Batanghari",
        region_code="1504",
        year=2025,
        kind="per_village",
        per_village=10,
        package="JKK_JKM_JHT",
        source="APBD_KAB",
        months=6,
    )
    admin = demo.user("admin")
    comparison = selectors.scenarios_compare(admin, [whole.pk, one.pk])
    assert [row.region.code for row in comparison.rows] == sorted(
        Region.objects.filter(parent_id="15", level="regency").values_list("code", flat=True)
    )
    batanghari = next(row for row in comparison.rows if row.region.code == "1504")
    assert batanghari.cells[1].rupiah == batanghari.cells[1].people * 6 * 36_800
    assert sum(1 for row in comparison.rows if row.cells[1] is None) == len(comparison.rows) - 1
    with pytest.raises(InvalidInput):
        selectors.scenarios_compare(admin, [whole.pk, whole.pk])


# -- worker counts -----------------------------------------------------------------------------


def _csv(tmp_path, rows, name="pekerja.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_import_with_errors_writes_nothing_and_names_row_column_and_fix(demo, tmp_path):
    path = _csv(
        tmp_path,
        [
            ["KODE_WILAYAH", "TAHUN", "PEKERJA_RENTAN"],
            ["15.04", "2025", "12500"],
            ["15.71", "20x5", "8000"],
            ["17.01", "2025", "100"],
            ["15.04", "2025", "12600"],
            ["15.06", "2025", "1.5"],
            ["15", "2025", "10"],
        ],
    )
    result = services.worker_counts_import(actor=demo.user("jambi.operator"), path=path)
    assert not result.saved
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "TAHUN", "year_invalid"),
        (4, "KODE_WILAYAH", "region_outside_jurisdiction"),
        (5, "KODE_WILAYAH", "row_duplicate"),
        (6, "PEKERJA_RENTAN", "count_invalid"),
        (7, "KODE_WILAYAH", "region_not_regency"),
    ]
    assert "baris 2" in result.errors[2].message
    assert not VulnerableWorkerCount.objects.exists()
    assert not AuditEvent.objects.filter(target_type="worker_count").exists()


def test_import_saves_every_row_then_reimport_changes_nothing(demo, tmp_path):
    operator = demo.user("jambi.operator")
    path = _csv(
        tmp_path,
        [
            ["kode wilayah", "Tahun", "pekerja_rentan"],
            ["1504", "2025", "12.500"],
            ["", "", ""],
            ["15.71", "2025", "8000"],
        ],
    )
    first = services.worker_counts_import(actor=operator, path=path)
    assert (first.saved, first.created, first.updated, first.unchanged) == (True, 2, 0, 0)
    assert dict(VulnerableWorkerCount.objects.values_list("region_id", "vulnerable_workers")) == {
        "1504": 12_500,
        "1571": 8_000,
    }
    again = services.worker_counts_import(actor=operator, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = _csv(
        tmp_path, [["KODE_WILAYAH", "TAHUN", "PEKERJA_RENTAN"], ["15.04", "2025", "13000"]], "ubah.csv"
    )
    assert services.worker_counts_import(actor=operator, path=changed).updated == 1
    update = AuditEvent.objects.get(action="worker_count.update")
    assert (update.region_code, update.changes) == ("1504", {"vulnerable_workers": [12_500, 13_000]})
    assert AuditEvent.objects.filter(action="worker_count.create").count() == 2


def test_import_reads_xlsx_and_reports_a_missing_column(demo, tmp_path):
    path = tmp_path / "pekerja.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row, values in enumerate(
        [["KODE_WILAYAH", "TAHUN", "PEKERJA_RENTAN"], ["17.01", 2025, 11490], ["17.71", 2025, 9000]]
    ):
        for col, value in enumerate(values):
            sheet.write(row, col, value)
    book.close()
    result = services.worker_counts_import(actor=demo.user("bengkulu.admin"), path=path)
    assert result.saved and result.created == 2
    assert VulnerableWorkerCount.objects.get(region_id="1701", year=2025).vulnerable_workers == 11_490

    no_count = _csv(tmp_path, [["KODE_WILAYAH", "TAHUN"], ["17.01", "2026"]], "kurang.csv")
    missing = services.worker_counts_import(actor=None, path=no_count)
    assert [(e.row, e.column, e.code) for e in missing.errors] == [(1, "PEKERJA_RENTAN", "column_missing")]
    not_a_sheet = tmp_path / "foto.csv"
    not_a_sheet.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert (
        services.worker_counts_import(actor=None, path=not_a_sheet).errors[0].code == "file_not_spreadsheet"
    )


def test_viewers_cannot_enter_counts(demo, tmp_path):
    with pytest.raises(PermissionDeniedError):
        services.worker_count_set(
            actor=demo.user("jambi.viewer"), region_code="1504", year=2025, vulnerable_workers=1
        )
    with pytest.raises(PermissionDeniedError):
        services.worker_counts_import(actor=demo.user("jambi.viewer"), path=_csv(tmp_path, [["x"]]))
    with pytest.raises(InvalidInput) as outside:
        services.worker_count_set(
            actor=demo.user("batanghari.operator"), region_code="1571", year=2025, vulnerable_workers=1
        )
    assert outside.value.code == "region_outside_jurisdiction"
    assert not VulnerableWorkerCount.objects.exists()


def test_worker_counts_are_scoped(demo):
    services.worker_count_set(actor=None, region_code="1504", year=2025, vulnerable_workers=5)
    services.worker_count_set(actor=None, region_code="1701", year=2025, vulnerable_workers=6)
    regions = lambda username: {c.region_id for c in selectors.worker_counts_visible_to(demo.user(username))}  # noqa: E731
    assert regions("jambi.viewer") == {"1504"}
    assert regions("bengkulu.admin") == {"1701"}
    assert regions("bpjs.kanwil") == {"1504", "1701"}
