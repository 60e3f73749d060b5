"""Writes to claims, one module a use case: ``reporting`` (report a claim, keep its
heirs, children and documents while it is open), ``decisions`` (the workflow's moves:
documents complete, return, verify, pay, reject), ``rules`` (the benefit rule table).
``inputs`` holds what an officer enters (heirs, children, documents) and ``_shared``
the checks and steps they all use.

Each use case is one transaction with its audit record; a refusal changes nothing.
Every transition locks the claim (``SELECT ... FOR UPDATE``) and checks it against the
workflow (``workflow.check_transition``), so two officers acting on one claim at once
cannot both move it.
"""

from jaring.claims.services.decisions import (
    claim_documents_complete,
    claim_pay,
    claim_quote,
    claim_reject,
    claim_return,
    claim_verify,
)
from jaring.claims.services.inputs import ChildInput, DocumentInput, HeirInput
from jaring.claims.services.reporting import (
    claim_child_add,
    claim_child_remove,
    claim_document_add,
    claim_heir_add,
    claim_heir_remove,
    claim_report,
)
from jaring.claims.services.rules import benefit_rule_close, benefit_rule_create

__all__ = [
    "ChildInput",
    "DocumentInput",
    "HeirInput",
    "benefit_rule_close",
    "benefit_rule_create",
    "claim_child_add",
    "claim_child_remove",
    "claim_document_add",
    "claim_documents_complete",
    "claim_heir_add",
    "claim_heir_remove",
    "claim_pay",
    "claim_quote",
    "claim_reject",
    "claim_report",
    "claim_return",
    "claim_verify",
]
