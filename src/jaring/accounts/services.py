"""Writes to organizations, users and API tokens. Each is one audited transaction.

``actor=None`` means the platform itself (installation, the CLI without --as).
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring import codes
from jaring.access.permissions import acts_as_platform, creatable_kinds, is_platform
from jaring.access.rules import OrgKind, Role, normalize_organization_code, validate_jurisdiction
from jaring.access.scoping import forget_jurisdiction, jurisdiction_of
from jaring.accounts.models import ApiToken, DigestFrequency, Language, Organization, User
from jaring.accounts.selectors import organization_by_code, organizations_managed_by
from jaring.audit.services import audit_record, diff, snapshot
from jaring.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from jaring.i18n import N_
from jaring.regions.models import Region

ORG_FIELDS = ("code", "name", "kind", "region_codes", "is_active")
USER_FIELDS = ("username", "full_name", "email", "organization", "role", "can_audit", "is_active")
TOKEN_PREFIX = "jrg_"


def _org_snapshot(org: Organization) -> dict:
    data = snapshot(org, ("code", "name", "kind", "is_active"))
    data["region_codes"] = org.region_codes() if org.pk else []
    return data


def _user_snapshot(user: User) -> dict:
    data = snapshot(user, ("username", "full_name", "email", "role", "can_audit", "is_active"))
    data["organization"] = user.organization.code if user.organization_id else None
    return data


def _resolve_regions(kind: str, region_codes: list[str]) -> list[Region]:
    normalized = validate_jurisdiction(kind, region_codes)
    found = {region.code: region for region in Region.objects.filter(code__in=normalized)}
    missing = [code for code in normalized if code not in found]
    if missing:
        raise InvalidInput(
            N_(
                "Kode wilayah %(regions)s tidak terdaftar. Periksa kode pada daftar wilayah Kemendagri "
                "(menu Wilayah)."
            ),
            params={"regions": ", ".join(codes.dotted(c) for c in missing)},
            code="region_unknown",
            field="regions",
        )
    return [found[code] for code in normalized]


def _require_platform_or(actor, allowed: bool, message: str, params: dict | None = None) -> None:
    """Refuse with ``message`` (a catalogue message, ``N_``, with its ``params``) unless
    the platform acts or the actor is ``allowed``."""
    if acts_as_platform(actor):
        return
    if not allowed:
        raise PermissionDeniedError(message, params=params)


def _check_jurisdiction_inside_actor(actor, regions: list[Region]) -> None:
    if acts_as_platform(actor):
        return
    jurisdiction = jurisdiction_of(actor)
    outside = [r for r in regions if not jurisdiction.contains(r.code)]
    if outside:
        raise PermissionDeniedError(
            N_("Wilayah %(regions)s berada di luar wilayah kerja Anda."),
            params={"regions": ", ".join(r.code_dotted for r in outside)},
        )


@transaction.atomic
def organization_create(
    *, actor: User | None, code: str, name: str, kind: str, region_codes: list[str]
) -> Organization:
    kind = OrgKind(kind)
    _require_platform_or(
        actor,
        kind in creatable_kinds(actor),
        N_("Anda tidak berwenang membuat organisasi jenis ini."),
    )
    code = normalize_organization_code(code)
    if not code or not name.strip():
        raise InvalidInput(N_("Kode dan nama organisasi wajib diisi."), field="code")
    if organization_by_code(code) is not None:
        raise Conflict(
            N_("Kode organisasi '%(code)s' sudah dipakai; pilih kode lain."),
            params={"code": code},
            field="code",
        )
    regions = _resolve_regions(kind, region_codes)
    _check_jurisdiction_inside_actor(actor, regions)
    org = Organization.objects.create(
        code=code,
        name=name.strip(),
        kind=kind,
        scope_code=codes.common_ancestor([r.code for r in regions]) or "",
    )
    org.regions.set(regions)
    audit_record(
        actor=actor,
        action="organization.create",
        target_type="organization",
        target_id=org.pk,
        target_repr=org.name,
        changes=diff({}, _org_snapshot(org)),
        region_code=org.scope_code,
    )
    return org


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    organization: Organization,
    name: str | None = None,
    region_codes: list[str] | None = None,
    is_active: bool | None = None,
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if actor is not None and not organizations_managed_by(actor).filter(pk=org.pk).exists():
        raise NotFound(N_("Organisasi tidak ditemukan."))
    before = _org_snapshot(org)
    if name is not None:
        if not name.strip():
            raise InvalidInput(N_("Nama organisasi wajib diisi."), field="name")
        org.name = name.strip()
    if region_codes is not None:
        regions = _resolve_regions(org.kind, region_codes)
        if actor is not None and actor.organization_id == org.pk and not is_platform(actor):
            raise PermissionDeniedError(
                N_("Wilayah kerja organisasi sendiri hanya dapat diubah oleh admin platform.")
            )
        _check_jurisdiction_inside_actor(actor, regions)
        org.regions.set(regions)
        org.scope_code = codes.common_ancestor([r.code for r in regions]) or ""
    if is_active is not None:
        if actor is not None and actor.organization_id == org.pk and not is_active:
            raise InvalidInput(N_("Anda tidak dapat menonaktifkan organisasi sendiri."), field="is_active")
        org.is_active = is_active
    org.save()
    changes = diff(before, _org_snapshot(org))
    if changes:
        audit_record(
            actor=actor,
            action="organization.update",
            target_type="organization",
            target_id=org.pk,
            target_repr=org.name,
            changes=changes,
            region_code=org.scope_code,
        )
    return org


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        # Django's password validators' own messages, already in the active language.
        problems = " ".join(exc.messages)
        raise InvalidInput(problems, code="weak_password", field="password") from exc


def _check_role(role: str, can_audit: bool) -> Role:
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput(
            N_("Peran '%(role)s' tidak dikenal; pilih admin, operator atau viewer."),
            params={"role": str(role)},
            field="role",
        ) from exc
    if can_audit and role != Role.VIEWER:
        raise InvalidInput(
            N_("Akses audit hanya untuk peran pemantau (viewer): auditor membaca, tidak mengubah data."),
            field="can_audit",
        )
    return role


def _manageable_org(actor, organization: Organization) -> None:
    if actor is not None and not organizations_managed_by(actor).filter(pk=organization.pk).exists():
        raise NotFound(N_("Organisasi tidak ditemukan."))


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organization: Organization,
    username: str,
    password: str,
    role: str,
    can_audit: bool = False,
    full_name: str = "",
    email: str = "",
) -> User:
    _manageable_org(actor, organization)
    role = _check_role(role, can_audit)
    username = username.strip()
    if not username:
        raise InvalidInput(N_("Nama pengguna wajib diisi."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            N_("Nama pengguna '%(username)s' sudah dipakai; pilih nama lain."),
            params={"username": username},
            field="username",
        )
    user = User(
        username=username,
        organization=organization,
        role=role,
        can_audit=can_audit,
        full_name=full_name.strip(),
        email=email.strip(),
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.pk,
        target_repr=user.username,
        changes=diff({}, _user_snapshot(user)),
        region_code=organization.scope_code,
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    role: str | None = None,
    can_audit: bool | None = None,
    is_active: bool | None = None,
    full_name: str | None = None,
    email: str | None = None,
) -> User:
    target = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    if target.is_superuser and not acts_as_platform(actor):
        raise NotFound(N_("Pengguna tidak ditemukan."))
    if target.organization_id:
        _manageable_org(actor, target.organization)
    before = _user_snapshot(target)
    new_role = role if role is not None else target.role
    new_audit = can_audit if can_audit is not None else target.can_audit
    target.role = _check_role(new_role, new_audit)
    target.can_audit = new_audit
    if is_active is not None:
        if actor is not None and actor.pk == target.pk and not is_active:
            raise InvalidInput(N_("Anda tidak dapat menonaktifkan akun sendiri."), field="is_active")
        target.is_active = is_active
    if full_name is not None:
        target.full_name = full_name.strip()
    if email is not None:
        target.email = email.strip()
    if actor is not None and actor.pk == target.pk and target.role != Role.ADMIN and not target.is_superuser:
        raise InvalidInput(N_("Anda tidak dapat mencabut peran admin dari akun sendiri."), field="role")
    target.save()
    forget_jurisdiction(target)
    changes = diff(before, _user_snapshot(target))
    if changes:
        _audit_user(actor, target, "user.update", changes)
    return target


def _audit_user(actor: User | None, target: User, action: str, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="user",
        target_id=target.pk,
        target_repr=target.username,
        changes=changes,
        region_code=target.organization.scope_code if target.organization_id else "",
    )


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    target = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    if actor is not None and actor.pk != target.pk:
        if target.is_superuser and not is_platform(actor):
            raise NotFound(N_("Pengguna tidak ditemukan."))
        if target.organization_id:
            _manageable_org(actor, target.organization)
    _check_password(password, target)
    target.set_password(password)
    target.save(update_fields=["password"])
    _audit_user(actor, target, "user.set_password", {"password": ["***", "***"]})
    return target


@transaction.atomic
def user_set_preferences(*, actor: User | None, user: User, digest_frequency: str, language: str) -> User:
    """A user's own choices: how often their open alerts are e-mailed to them, and in
    which language. Only the user (or the platform) sets them; audited when changed."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDeniedError(N_("Preferensi hanya dapat diubah oleh pemilik akun."))
    if digest_frequency not in DigestFrequency.values:
        raise InvalidInput(
            N_("Frekuensi ringkasan '%(frequency)s' tidak dikenal; pilih off, daily atau weekly."),
            params={"frequency": str(digest_frequency)},
            field="digest_frequency",
        )
    if language not in Language.values:
        raise InvalidInput(
            N_("Bahasa '%(language)s' tidak dikenal; pilih id atau en."),
            params={"language": str(language)},
            field="language",
        )
    target = User.objects.select_for_update(of=("self",)).select_related("organization").get(pk=user.pk)
    fields = ("digest_frequency", "language")
    before = snapshot(target, fields)
    target.digest_frequency, target.language = digest_frequency, language
    changes = diff(before, snapshot(target, fields))
    if changes:
        target.save(update_fields=list(fields))
        _audit_user(actor, target, "user.set_preferences", changes)
    return target


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; returns the record and the raw token (shown once)."""
    if actor is not None and actor.pk != user.pk and not is_platform(actor):
        raise PermissionDeniedError(N_("Token API hanya dapat dibuat oleh pemiliknya."))
    if not user.is_active:
        raise InvalidInput(N_("Pengguna tidak aktif tidak dapat diberi token."), field="user")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=(name or "token").strip()[:100], prefix=raw[:12], key_hash=_hash_token(raw)
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target_type="api_token",
        target_id=token.pk,
        target_repr=f"{user.username}: {token}",
        changes={"name": [None, token.name], "prefix": [None, token.prefix]},
        region_code=user.organization.scope_code if user.organization_id else "",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = (
        ApiToken.objects.select_for_update(of=("self",)).select_related("user__organization").get(pk=token.pk)
    )
    if actor.pk != token.user_id and not is_platform(actor):
        raise NotFound(N_("Token tidak ditemukan."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        user = token.user
        audit_record(
            actor=actor,
            action="api_token.revoke",
            target_type="api_token",
            target_id=token.pk,
            target_repr=f"{user.username}: {token}",
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
            region_code=user.organization.scope_code if user.organization_id else "",
        )
    return token


@transaction.atomic
def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Records the last use."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user__organization")
        .filter(key_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
