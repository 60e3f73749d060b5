"""Demo organizations and users (Jambi and Bengkulu), created through the services.

Idempotent: what exists is left alone. Refuses to run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from jaring.accounts.models import User
from jaring.accounts.selectors import organization_by_code
from jaring.accounts.services import organization_create, user_create
from jaring.alerts.services import alerts_refresh
from jaring.demo.billing import seed_billing
from jaring.demo.branch import seed_branch_claims
from jaring.demo.claims import seed_claims
from jaring.demo.desk import seed_desk
from jaring.demo.dtsen import seed_dtsen
from jaring.demo.live import seed_live_year
from jaring.demo.monitoring import seed_coverage
from jaring.demo.people import demo_people
from jaring.demo.programs import seed_programs
from jaring.errors import DomainError
from jaring.i18n import N_
from jaring.monitoring.summaries import summaries_refresh
from jaring.registry.duplicates import duplicates_scan
from jaring.registry.services import participants_upsert

DEMO_PASSWORD = "Jaring-Demo-2026"


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    kind: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    org: str | None
    role: str
    can_audit: bool = False
    note: str = ""


ORGANIZATIONS = [
    DemoOrg("pemprov-jambi", "Pemerintah Provinsi Jambi", "province", ("15",)),
    DemoOrg("pemkab-batanghari", "Pemerintah Kabupaten Batanghari", "regency", ("15.04",)),
    DemoOrg("pemkot-jambi", "Pemerintah Kota Jambi", "regency", ("15.71",)),
    DemoOrg("desa-sengkati-gedang", "Pemerintah Desa Sengkati Gedang", "village", ("15.04.01.2003",)),
    DemoOrg(
        "bpjstk-kc-tanjabbar",
        "BPJS Ketenagakerjaan Kantor Cabang Tanjung Jabung Barat",
        "bpjs_branch",
        ("15.06", "15.07"),
    ),
    DemoOrg(
        "bpjstk-kanwil-sumbagsel",
        "BPJS Ketenagakerjaan Kantor Wilayah Sumbagsel",
        "bpjs_regional",
        ("15", "16", "17", "18", "19"),
    ),
    DemoOrg("pemprov-bengkulu", "Pemerintah Provinsi Bengkulu", "province", ("17",)),
    DemoOrg("inspektorat-jambi", "Inspektorat Daerah Provinsi Jambi", "province", ("15",)),
    DemoOrg("csr-lingkaran-jambi", "GN Lingkaran Jambi (CSR)", "donor", ("15.04", "15.71")),
]

USERS = [
    DemoUser("admin", "Admin Platform", None, "platform", note="admin platform (superuser)"),
    DemoUser("jambi.admin", "Rahmat Hidayat", "pemprov-jambi", "admin"),
    DemoUser("jambi.operator", "Siti Aminah", "pemprov-jambi", "operator"),
    DemoUser("jambi.viewer", "Budi Santoso", "pemprov-jambi", "viewer"),
    DemoUser("batanghari.operator", "Dedi Kurniawan", "pemkab-batanghari", "operator"),
    DemoUser("kotajambi.operator", "Nurul Huda", "pemkot-jambi", "operator"),
    DemoUser("desa.operator", "Yusuf Pratama", "desa-sengkati-gedang", "operator"),
    DemoUser("bpjs.tanjabbar", "Rina Marlina", "bpjstk-kc-tanjabbar", "operator"),
    DemoUser("bpjs.kanwil", "Agus Salim", "bpjstk-kanwil-sumbagsel", "viewer"),
    DemoUser("bengkulu.admin", "Hendra Gunawan", "pemprov-bengkulu", "admin"),
    DemoUser("auditor", "Fitri Handayani", "inspektorat-jambi", "viewer", can_audit=True),
    DemoUser("csr.viewer", "Maya Sari", "csr-lingkaran-jambi", "viewer"),
]


class DemoRefused(DomainError):
    code = "demo_refused"


@transaction.atomic
def seed_demo(*, people: bool = True) -> list[tuple[DemoUser, bool]]:
    """Create the demo organizations and users; returns each user and whether it is new."""
    if getattr(settings, "PRODUCTION", False):
        raise DemoRefused(N_("Data demo tidak boleh dimuat di lingkungan produksi."))
    for org in ORGANIZATIONS:
        if organization_by_code(org.code) is None:
            organization_create(
                actor=None,
                code=org.code,
                name=org.name,
                kind=org.kind,
                region_codes=list(org.regions),
            )
    created = []
    for demo in USERS:
        exists = User.objects.filter(username=demo.username).exists()
        if not exists:
            if demo.org is None:
                User.objects.create_superuser(
                    username=demo.username, password=DEMO_PASSWORD, full_name=demo.full_name
                )
            else:
                user_create(
                    actor=None,
                    organization=organization_by_code(demo.org),
                    username=demo.username,
                    password=DEMO_PASSWORD,
                    role=demo.role,
                    can_audit=demo.can_audit,
                    full_name=demo.full_name,
                )
        created.append((demo, not exists))
    if people:
        participants_upsert(actor=None, records=demo_people(), source="data demo")
        duplicates_scan()
        seed_programs()
        seed_billing()
        seed_claims()
        seed_coverage()
        seed_live_year()  # today's year, beside the published 2024-2025 history
        seed_branch_claims()  # on this year's payments: the BPJS branch's inbox
        seed_desk()  # saved budget scenarios, a village's upload with refused rows
        seed_dtsen()  # Jambi's DTSEN edition: who should be protected and is not
        summaries_refresh()  # the dashboards' people-protected figures
        alerts_refresh()  # after every other demo module: the inbox shows their conditions
    return created
