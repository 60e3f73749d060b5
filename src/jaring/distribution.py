"""Where each table goes on a distributed PostgreSQL (Citus), and the rules the schema
keeps now so that it can go there (ARCHITECTURE.md, "Past one machine").

- **Distributed** tables grow with people or time. Each carries the province of its row
  in a stored column (``PROVINCE``), the distribution column: most compute it from their
  own village or region code (``province_from``, a stored generated column, so every write
  path fills it, COPY and raw SQL too); the rows that belong to a person without a code
  of their own (status changes, paid months) copy their person's and follow a move.
- **Reference** tables are small and read everywhere (regions, rules, organizations,
  users, programs): a copy on every node.
- **Local** tables stay on the coordinator: small, written by few (imports, claims,
  refunds, scenarios, the scheduler's own rows).

Citus refuses a foreign key from a distributed table to another distributed table unless
both rows lie on one shard, from a distributed or reference table to a local one, and
from a reference table to a distributed one. So a foreign key kept at the database
between two distributed tables joins rows of one province by construction
(``CO_LOCATED``, each with its reason); every other reference across the classes below
is a plain id (``db_constraint=False``), kept by the services that write it.
``tests/test_distribution.py`` checks every model and foreign key against these lists,
and that the co-located pairs hold in the data the real services wrote (after moves by
both registry paths, with committed data on PostgreSQL).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Left

PROVINCE = "province"

# label -> the column holding the row's province
DISTRIBUTED: dict[str, str] = {
    "registry.Participant": PROVINCE,
    "registry.StatusChange": PROVINCE,
    "programs.Enrolment": PROVINCE,
    "programs.VillageEnrolmentCount": PROVINCE,
    "billing.Bill": PROVINCE,
    "billing.BillLine": PROVINCE,
    "billing.Payment": PROVINCE,
    "billing.PaidMonths": PROVINCE,
    "funds.Allocation": PROVINCE,
    "funds.Transfer": PROVINCE,
    "alerts.Alert": PROVINCE,
    "audit.AuditEvent": PROVINCE,
    "monitoring.ProtectionSummary": PROVINCE,
    "monitoring.CoverageFigure": PROVINCE,
    "targeting.DtsenPerson": "province_code",
    "targeting.DtsenLeaver": "province_code",
    "targeting.BpjsActivePerson": "province_code",
}

REFERENCE: frozenset[str] = frozenset(
    {
        "regions.Region",
        "accounts.Organization",
        "accounts.User",
        "contributions.RateRule",
        "claims.BenefitRule",
        "claims.ScholarshipLevel",
        "monitoring.CountingRule",
        "monitoring.CoverageImport",  # the import each coverage figure came from
        "programs.Program",
        "programs.ProgramQuota",
        "programs.Agreement",
        "programs.CoveragePeriod",
        "targeting.DtsenEdition",
        "targeting.BpjsActiveList",
    }
)

LOCAL: frozenset[str] = frozenset(
    {
        "accounts.ApiToken",
        "registry.ImportRun",
        "registry.ImportRowError",
        "registry.DuplicateCandidate",
        "contributions.VulnerableWorkerCount",
        "contributions.BudgetScenario",
        "contributions.ScenarioLine",
        "funds.TransferTotal",
        "alerts.AlertRefresh",
        "monitoring.CoverageTarget",
        "monitoring.SummaryRefresh",
        "billing.Refund",
        "claims.Claim",
        "claims.ClaimHeir",
        "claims.ClaimChild",
        "claims.ClaimDocument",
        "claims.ClaimTransition",
        "ops.ScheduledJob",
    }
)

# the rows that copy their person's province (``province_copied``), by label
COPIED_FROM_PERSON: tuple[str, ...] = ("registry.StatusChange", "billing.PaidMonths")

# "label.field" -> why both rows always lie in one province
CO_LOCATED: dict[str, str] = {
    "registry.StatusChange.participant": "a status change copies its person's province and follows a move",
    "billing.PaidMonths.participant": "paid months copy their person's province and follow a move",
    "billing.Bill.corrects": "a correction is issued in the region of the bill it corrects (its program's)",
    "billing.Payment.reverses": "a reversal is recorded in the region of the payment it reverses",
    "funds.Transfer.reverses": "a reversal is recorded in the region of the transfer it reverses",
}


def province_from(column: str) -> models.GeneratedField:
    """The row's province, stored: the first two digits of its village or region code
    (``column`` by its database name, e.g. ``village_id``)."""
    return models.GeneratedField(
        expression=Left(column, 2),
        output_field=models.CharField(max_length=2),
        db_persist=True,
        editable=False,
    )


def province_copied() -> models.CharField:
    """The province of the person a row belongs to, written with the row (a row without a
    region code of its own: status changes, paid months)."""
    return models.CharField(max_length=2, editable=False)


def people_moved(participant_ids) -> int:
    """Copy the province of people who moved to another province onto the rows that copy
    it (their status changes and paid months), in the caller's transaction. Returns the
    rows changed."""
    from django.apps import apps

    participant = apps.get_model("registry", "Participant")
    ids = list(participant_ids)
    if not ids:
        return 0
    now = models.Subquery(
        participant.objects.filter(pk=models.OuterRef("participant_id")).values(PROVINCE)[:1]
    )
    changed = 0
    for label in COPIED_FROM_PERSON:
        rows = apps.get_model(label).objects.filter(participant_id__in=ids)
        changed += rows.exclude(province=now).update(province=now)
    return changed
