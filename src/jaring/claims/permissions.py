"""Who may do what with claims. What a user may *see* is the jurisdiction (scoping.py);
these rules say which roles of which organizations act on what they see.

- Report an event, add heirs, children and documents, declare the documents complete:
  operators and admins of village, regency and province governments and of BPJS
  offices (the government officers who meet the family, and BPJS).
- Verify, return for documents, pay or reject: operators and admins of BPJS branch and
  regional offices (BPJS decides and pays benefits).
- Claim documents (death certificates, family cards, bank books): every role of the
  governments and BPJS offices whose jurisdiction holds the claim: the parties of the
  claim. Donors (CSR) see claims in their regions but not the documents.
- Heirs' NIKs and bank account numbers: shown in full to those who see NIKs in full
  (accounts.permissions.sees_full_nik), masked for everyone else.
"""

from __future__ import annotations

from jaring.access.permissions import can_edit_data, is_platform
from jaring.access.rules import OrgKind

GOVERNMENT_KINDS = frozenset({OrgKind.PROVINCE, OrgKind.REGENCY, OrgKind.VILLAGE})
BPJS_KINDS = frozenset({OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL})


def _kind(user) -> str | None:
    if not user or not user.is_authenticated or not user.organization_id:
        return None
    return user.organization.kind


def can_report(user) -> bool:
    if is_platform(user):
        return True
    return can_edit_data(user) and _kind(user) in GOVERNMENT_KINDS | BPJS_KINDS


def can_decide(user) -> bool:
    """Verify, return, pay, reject: BPJS operators and admins."""
    if is_platform(user):
        return True
    return can_edit_data(user) and _kind(user) in BPJS_KINDS


def can_read_documents(user) -> bool:
    if is_platform(user):
        return True
    return bool(user and user.is_authenticated and user.is_active) and _kind(user) in (
        GOVERNMENT_KINDS | BPJS_KINDS
    )


def can_edit_rules(user) -> bool:
    """Benefits are national law: the platform keeps the rule table."""
    return is_platform(user)
