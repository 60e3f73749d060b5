import pytest

from jaring.access.scoping import jurisdiction_of
from jaring.accounts.models import ApiToken, Organization, User
from jaring.accounts.selectors import organizations_managed_by
from jaring.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    organization_create,
    organization_update,
    user_create,
    user_set_password,
    user_update,
)
from jaring.audit.models import AuditEvent
from jaring.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError


@pytest.mark.django_db
def test_create_organization_stores_jurisdiction_in_canonical_form_and_audits_it():
    org = organization_create(
        actor=None,
        code="KC-Test",
        name="BPJS KC Uji",
        kind="bpjs_branch",
        region_codes=["15.06", "1507"],
    )
    assert org.code == "kc-test"
    assert org.region_codes() == ["1506", "1507"]
    assert org.scope_code == "15"
    event = AuditEvent.objects.get(action="organization.create", target_id=str(org.pk))
    assert event.changes["region_codes"] == [None, ["1506", "1507"]]
    assert event.changes["kind"] == [None, "bpjs_branch"]
    assert event.region_code == "15"
    assert event.actor is None


@pytest.mark.django_db
def test_create_organization_refuses_unknown_region_and_writes_nothing():
    with pytest.raises(InvalidInput, match=r"15\.99 tidak terdaftar"):
        organization_create(actor=None, code="x", name="X", kind="regency", region_codes=["15.99"])
    assert not Organization.objects.filter(code="x").exists()
    assert not AuditEvent.objects.filter(action="organization.create").exists()


@pytest.mark.django_db
def test_duplicate_organization_code_is_a_conflict(demo):
    with pytest.raises(Conflict, match="sudah dipakai"):
        organization_create(
            actor=None, code="pemprov-jambi", name="Lagi", kind="province", region_codes=["15"]
        )


@pytest.mark.django_db
def test_province_admin_creates_a_village_government_inside_but_not_outside(demo):
    admin = demo.user("jambi.admin")
    village = organization_create(
        actor=admin,
        code="desa-sengkati-kecil",
        name="Pemdes Sengkati Kecil",
        kind="village",
        region_codes=["15.04.01.2002"],
    )
    assert village in organizations_managed_by(admin)
    with pytest.raises(PermissionDeniedError, match="di luar wilayah kerja"):
        organization_create(
            actor=admin,
            code="desa-bkl",
            name="Desa Bengkulu",
            kind="village",
            region_codes=["1771011001"],
        )
    with pytest.raises(PermissionDeniedError):
        organization_create(actor=admin, code="kc-x", name="KC", kind="bpjs_branch", region_codes=["1504"])


@pytest.mark.django_db
def test_regency_admin_cannot_manage_the_province_or_a_sibling_regency(demo):
    admin = user_create(
        actor=None,
        organization=demo.org("pemkab-batanghari"),
        username="bh.admin",
        password="Pass-word-2026",
        role="admin",
    )
    managed = set(organizations_managed_by(admin).values_list("code", flat=True))
    assert "pemkab-batanghari" in managed
    assert "desa-sengkati-gedang" in managed
    assert "pemprov-jambi" not in managed
    assert "pemkot-jambi" not in managed
    with pytest.raises(NotFound):
        organization_update(actor=admin, organization=demo.org("pemkot-jambi"), name="Diubah")
    assert demo.org("pemkot-jambi").name == "Pemerintah Kota Jambi"


@pytest.mark.django_db
def test_admin_cannot_widen_own_jurisdiction(demo):
    with pytest.raises(PermissionDeniedError, match="admin platform"):
        organization_update(
            actor=demo.user("jambi.admin"),
            organization=demo.org("pemprov-jambi"),
            region_codes=["17"],
        )
    assert demo.org("pemprov-jambi").region_codes() == ["15"]


@pytest.mark.django_db
def test_update_organization_records_before_and_after(demo):
    org = demo.org("pemkot-jambi")
    organization_update(
        actor=demo.user("jambi.admin"), organization=org, name="Pemkot Jambi", is_active=False
    )
    event = AuditEvent.objects.get(action="organization.update", target_id=str(org.pk))
    assert event.changes == {
        "name": ["Pemerintah Kota Jambi", "Pemkot Jambi"],
        "is_active": [True, False],
    }
    assert event.actor_username == "jambi.admin"


@pytest.mark.django_db
def test_users_of_a_deactivated_organization_see_nothing(demo):
    organization_update(actor=None, organization=demo.org("pemkot-jambi"), is_active=False)
    assert jurisdiction_of(demo.user("kotajambi.operator")).is_empty


@pytest.mark.django_db
def test_user_create_audits_without_the_password(demo):
    user = user_create(
        actor=demo.user("jambi.admin"),
        organization=demo.org("pemprov-jambi"),
        username="baru",
        password="Sangat-Rahasia-2026",
        role="operator",
        full_name="Orang Baru",
    )
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.changes["role"] == [None, "operator"]
    assert event.changes["organization"] == [None, "pemprov-jambi"]
    assert "Sangat-Rahasia-2026" not in str(event.changes)
    assert "password" not in event.changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"password": "123"}, "password", "terlalu pendek"),
        ({"role": "superadmin"}, "role", "tidak dikenal"),
        ({"role": "operator", "can_audit": True}, "can_audit", "hanya untuk peran pemantau"),
        ({"username": "JAMBI.ADMIN"}, "username", "sudah dipakai"),
    ],
)
def test_user_create_refuses_bad_input_naming_the_field(demo, kwargs, field, fragment):
    data = {"username": "uji", "password": "Kata-Sandi-Bagus-2026", "role": "viewer", **kwargs}
    with pytest.raises(InvalidInput if field != "username" else Conflict) as excinfo:
        user_create(actor=None, organization=demo.org("pemprov-jambi"), **data)
    assert excinfo.value.field == field
    assert fragment in excinfo.value.message.lower() or fragment in excinfo.value.message


@pytest.mark.django_db
def test_user_update_role_change_is_audited_and_self_demotion_refused(demo):
    admin = demo.user("jambi.admin")
    viewer = demo.user("jambi.viewer")
    user_update(actor=admin, user=viewer, can_audit=True)
    event = AuditEvent.objects.get(action="user.update", target_id=str(viewer.pk))
    assert event.changes == {"can_audit": [False, True]}
    with pytest.raises(InvalidInput, match="peran admin"):
        user_update(actor=admin, user=admin, role="viewer")
    with pytest.raises(InvalidInput, match="akun sendiri"):
        user_update(actor=admin, user=admin, is_active=False)
    assert demo.user("jambi.admin").role == "admin"


@pytest.mark.django_db
def test_admin_cannot_touch_users_of_organizations_it_does_not_manage(demo):
    with pytest.raises(NotFound):
        user_update(actor=demo.user("bengkulu.admin"), user=demo.user("jambi.viewer"), role="admin")
    with pytest.raises(NotFound):
        user_set_password(
            actor=demo.user("bengkulu.admin"),
            user=demo.user("jambi.viewer"),
            password="Baru-Sekali-2026",
        )
    assert demo.user("jambi.viewer").role == "viewer"


@pytest.mark.django_db
def test_password_reset_is_audited_masked(demo):
    user_set_password(
        actor=demo.user("jambi.admin"), user=demo.user("jambi.viewer"), password="Baru-Sekali-2026"
    )
    assert demo.user("jambi.viewer").check_password("Baru-Sekali-2026")
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.changes == {"password": ["***", "***"]}


@pytest.mark.django_db
def test_api_token_is_stored_hashed_works_until_revoked(demo):
    user = demo.user("jambi.viewer")
    token, raw = api_token_create(actor=user, user=user, name="sinkron")
    assert raw.startswith("jrg_")
    assert raw not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert api_token_authenticate(raw) == user
    assert api_token_authenticate(raw + "x") is None
    api_token_revoke(actor=user, token=token)
    assert api_token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action__startswith="api_token.").count() == 2


@pytest.mark.django_db
def test_token_of_a_deactivated_user_stops_working(demo):
    user = demo.user("jambi.viewer")
    _token, raw = api_token_create(actor=None, user=user, name="x")
    user_update(actor=None, user=user, is_active=False)
    assert api_token_authenticate(raw) is None


@pytest.mark.django_db
def test_nobody_can_create_a_token_for_someone_else(demo):
    with pytest.raises(PermissionDeniedError):
        api_token_create(actor=demo.user("jambi.admin"), user=demo.user("jambi.viewer"), name="x")


@pytest.mark.django_db
def test_non_superuser_must_belong_to_an_organization():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", is_superuser=False)
