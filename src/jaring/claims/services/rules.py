"""The benefit rule table: dated rules of national law, kept by the platform. A rule is
added when it does not overlap one of its kind and component, and ended by shortening
it; a claim already verified keeps the quote it was verified with."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from jaring import dated_rules
from jaring.access.permissions import acts_as_platform
from jaring.audit.services import audit_record, diff, snapshot
from jaring.claims import benefits, selectors
from jaring.claims.models import BenefitRule
from jaring.claims.services._shared import _actor
from jaring.errors import Conflict, PermissionDeniedError
from jaring.i18n import N_

RULE_FIELDS = (
    "kind",
    "component",
    "calculation",
    "amount_rupiah",
    "income_percent",
    "minimum_rupiah",
    "months_from",
    "months_to",
    "min_membership_months",
    "max_children",
    "effective_from",
    "effective_to",
    "basis",
)


def _require_rule_editor(actor) -> None:
    """Benefits are national law: only the platform keeps the rule table."""
    if not acts_as_platform(actor):
        raise PermissionDeniedError(N_("Hanya admin platform yang dapat mengubah aturan manfaat."))


def _audit_rule(actor, action: str, rule: BenefitRule, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="benefit_rule",
        target_id=rule.pk,
        target_repr=str(rule),
        changes=changes,
        region_code="",
    )


@transaction.atomic
def benefit_rule_create(
    *,
    actor,
    kind: str,
    component: str,
    calculation: str,
    effective_from: date,
    effective_to: date | None = None,
    amount_rupiah: int | None = None,
    income_percent: int | None = None,
    minimum_rupiah: int | None = None,
    months_from: int | None = None,
    months_to: int | None = None,
    min_membership_months: int = 0,
    max_children: int | None = None,
    basis: str = "",
) -> BenefitRule:
    """Add a rule. It may not overlap a rule of the same kind and component."""
    _require_rule_editor(actor)
    rule = BenefitRule(
        kind=kind,
        component=component,
        calculation=calculation,
        effective_from=effective_from,
        effective_to=effective_to,
        amount_rupiah=amount_rupiah,
        income_percent=income_percent,
        minimum_rupiah=minimum_rupiah,
        months_from=months_from,
        months_to=months_to,
        min_membership_months=min_membership_months or 0,
        max_children=max_children,
        basis=" ".join((basis or "").split())[:200],
        created_by=_actor(actor),
    )
    pure = selectors.as_benefit_rule(rule)
    benefits.validate_rule(pure)
    clash = next(
        (
            other
            for other in BenefitRule.objects.select_for_update().filter(kind=kind, component=component)
            if selectors.as_benefit_rule(other).overlaps(pure)
        ),
        None,
    )
    if clash is not None:
        raise Conflict(
            N_(
                "Bertumpang tindih dengan aturan yang ada: %(rule)s. "
                "Akhiri aturan itu dulu (tanggal akhir sebelum aturan baru mulai)."
            ),
            params={"rule": selectors.as_benefit_rule(clash).describe()},
            code="benefit_rule_overlaps",
            field="effective_from",
        )
    rule.save()
    _audit_rule(actor, "benefit_rule.create", rule, diff({}, snapshot(rule, RULE_FIELDS)))
    return rule


@transaction.atomic
def benefit_rule_close(*, actor, rule: BenefitRule, effective_to: date) -> BenefitRule:
    """End a rule on ``effective_to`` (inclusive). Only shortens; claims already
    verified keep the quote they were verified with."""
    _require_rule_editor(actor)
    rule = dated_rules.lock_to_close(rule, effective_to, code_prefix="rule")
    before = snapshot(rule, RULE_FIELDS)
    dated_rules.close(rule, effective_to)
    _audit_rule(actor, "benefit_rule.close", rule, diff(before, snapshot(rule, RULE_FIELDS)))
    return rule
