"""The REST API root (/api/v1): authentication, error format, routers.

Errors are always ``{"code": ..., "message": ...}`` with a stable code.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from jaring.accounts.api import router as accounts_router
from jaring.accounts.services import api_token_authenticate
from jaring.alerts.api import router as alerts_router
from jaring.audit.api import router as audit_router
from jaring.billing.api import router as billing_router
from jaring.claims.api import router as claims_router
from jaring.contributions.api import router as contributions_router
from jaring.errors import DomainError
from jaring.funds.api import router as funds_router
from jaring.monitoring.api import router as monitoring_router
from jaring.programs.api import router as programs_router
from jaring.regions.api import router as regions_router
from jaring.registry.api import imports_router
from jaring.registry.api import router as participants_router


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Jaring API",
    version="1",
    description=(
        "API Jaring: pemantauan perlindungan BPJS Ketenagakerjaan pekerja rentan. "
        "Autentikasi: `Authorization: Bearer <token>` (buat token di menu Akun > Token API "
        "atau `jaring create_api_token USERNAME`). Semua data dibatasi wilayah kerja pengguna."
    ),
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", "Data tidak ditemukan atau di luar wilayah kerja Anda.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(
        request,
        401,
        "unauthorized",
        "Perlu autentikasi: kirim header 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, "permission_denied", str(exc) or "Anda tidak berwenang untuk tindakan ini.")


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _error(request, 422, "validation_error", "Data yang dikirim tidak valid.", detail=exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/regions", regions_router)
api.add_router("/", accounts_router)
api.add_router("/audit-events", audit_router)
api.add_router("/participants", participants_router)
api.add_router("/imports", imports_router)
api.add_router("/", contributions_router)
api.add_router("/", programs_router)
api.add_router("/", funds_router)
api.add_router("/", alerts_router)
api.add_router("/", monitoring_router)
api.add_router("/", billing_router)
api.add_router("/", claims_router)
