from __future__ import annotations

from ninja import Router, Schema

from jaring.access.scoping import jurisdiction_of

router = Router(tags=["Akun"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str | None
    can_audit: bool
    is_platform: bool
    organization: str | None
    organization_kind: str | None
    jurisdiction: list[str] | None


@router.get("/me", response=MeOut, summary="Pengguna yang sedang masuk")
def me(request):
    user = request.user
    jurisdiction = jurisdiction_of(user)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": None if user.is_superuser else user.role,
        "can_audit": user.can_audit or user.is_superuser,
        "is_platform": user.is_superuser,
        "organization": user.organization.code if user.organization_id else None,
        "organization_kind": user.organization.kind if user.organization_id else None,
        "jurisdiction": None if jurisdiction.unrestricted else list(jurisdiction.codes),
    }
