import pytest
from django.db import connection, transaction

from jaring.accounts.services import organization_update
from jaring.audit.models import AuditEvent, AuditImmutable
from jaring.audit.selectors import audit_events_visible_to


@pytest.fixture
def event(demo):
    organization_update(
        actor=demo.user("jambi.admin"), organization=demo.org("pemkot-jambi"), name="Pemkot Jambi"
    )
    return AuditEvent.objects.get(action="organization.update")


def test_audit_events_cannot_be_edited_or_deleted_through_the_orm(event):
    event.action = "tampered"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "organization.update"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_raw_update_and_delete_of_audit_events(event):
    from django.db import DatabaseError

    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "organization.update"


def test_only_audit_readers_see_events_and_only_within_their_jurisdiction(demo, event):
    assert event in audit_events_visible_to(demo.user("auditor"))  # Inspektorat Jambi, region 15
    assert not audit_events_visible_to(demo.user("jambi.admin")).exists()
    assert not audit_events_visible_to(demo.user("jambi.viewer")).exists()
    # A Bengkulu auditor does not see Jambi's changes.
    from jaring.accounts.services import organization_create, user_create

    org = organization_create(
        actor=None,
        code="insp-bkl",
        name="Inspektorat Bengkulu",
        kind="province",
        region_codes=["17"],
    )
    bengkulu_auditor = user_create(
        actor=None,
        organization=org,
        username="aud.bkl",
        password="Aud-itor-2026",
        role="viewer",
        can_audit=True,
    )
    assert event not in audit_events_visible_to(bengkulu_auditor)
    assert audit_events_visible_to(bengkulu_auditor).filter(target_repr="Inspektorat Bengkulu").exists()


def test_audit_page_shows_who_what_before_and_after(demo, event):
    page = demo.client("auditor").get("/audit/?jenis=organization")
    html = page.content.decode()
    assert page.status_code == 200
    assert "jambi.admin" in html
    assert "Rahmat Hidayat mengubah data organisasi Pemkot Jambi" in html  # who, what, which
    assert "organization.update" in html  # the code stays, as a filter link
    assert 'Nama</span>: <span class="audit-before">Pemerintah Kota Jambi</span> → ' in html


def test_audit_page_filters_by_actor(demo, event):
    html = demo.client("auditor").get("/audit/?pelaku=somebody-else").content.decode()
    assert "organization.update" not in html
    assert "Belum ada catatan audit yang cocok" in html


def test_audit_api_lists_events_for_auditors(demo, event):
    data = demo.client("auditor").get("/api/v1/audit-events?action=organization.update").json()
    assert data["count"] == 1
    assert data["items"][0]["changes"] == {"name": ["Pemerintah Kota Jambi", "Pemkot Jambi"]}
    refused = demo.client("jambi.admin").get("/api/v1/audit-events")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_audit_page_shows_booleans_and_empty_values_in_words(demo):
    from jaring.accounts.services import user_update

    user_update(actor=demo.user("jambi.admin"), user=demo.user("jambi.viewer"), can_audit=True)
    html = demo.client("auditor").get("/audit/?tindakan=user.update").content.decode()
    assert (
        'Akses audit</span>: <span class="audit-before">tidak</span> → <span class="audit-after">ya</span>'
        in html
    )
    assert "can_audit" not in html


def test_auditors_read_participant_changes_with_the_nik_masked(demo):
    from jaring.registry.services import participants_upsert

    from .factories import participant_record

    record = participant_record(1, full_name="Ahmad")
    participants_upsert(actor=demo.user("desa.operator"), records=[record])
    page = demo.client("auditor").get("/audit/?jenis=participant").content.decode()
    assert "1504********0001" in page
    assert "1504011203850001" not in page
    api = demo.client("auditor").get("/api/v1/audit-events?target_type=participant").json()
    assert api["count"] == 1
    assert api["items"][0]["changes"]["nik"] == [None, "1504********0001"]
    from django.test import Client

    platform = Client()
    platform.force_login(demo.user("admin"))
    assert "1504011203850001" in platform.get("/audit/?jenis=participant").content.decode()
