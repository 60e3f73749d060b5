"""The role x organization-kind matrix shared by the access tests of every module.

Each capability's access tests take their users from here, and list their pages
and endpoints in ``tests/test_access_matrix.py`` (test_every_url_is_in_the_matrix).
"""

from __future__ import annotations

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jaring.accounts.models import Organization, User
from jaring.accounts.services import user_create

# Hand-chosen regions per organization kind: one inside its jurisdiction, one outside.
ORGS = {
    "province": ("pemprov-jambi", "1504012003", "17"),
    "regency": ("pemkab-batanghari", "150401", "1571"),  # Kota Jambi: same province, other regency
    "village": ("desa-sengkati-gedang", "1504012003", "1504012002"),  # the next village
    "bpjs_branch": ("bpjstk-kc-tanjabbar", "1507", "1504"),
    "bpjs_regional": ("bpjstk-kanwil-sumbagsel", "17", "31"),
    "donor": ("csr-lingkaran-jambi", "1571", "1505"),
}
ROLES = ["admin", "operator", "viewer", "auditor"]
CASES = [(kind, role) for kind in ORGS for role in ROLES]
FOREIGN_ORG = "pemprov-bengkulu"  # managed by nobody in ORGS
PASSWORD = "matrix-Password-2026"


def matrix_user(kind: str, role: str, *, prefix: str = "m") -> User:
    """A new user of the organization chosen for ``kind``; "auditor" is a viewer
    who may read the audit trail."""
    return user_create(
        actor=None,
        organization=Organization.objects.get(code=ORGS[kind][0]),
        username=f"{prefix}.{kind}.{role}",
        password=PASSWORD,
        role="viewer" if role == "auditor" else role,
        can_audit=role == "auditor",
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def all_routes(patterns=None, prefix: str = "") -> set[str]:
    """Every URL route of the site, includes expanded (``programs/<int:pk>/``)."""
    routes = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver) and not route.startswith("api/"):
            routes |= all_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern | URLResolver):
            routes.add(route)
    return routes
