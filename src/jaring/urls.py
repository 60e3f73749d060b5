from django.contrib.auth import views as auth_views
from django.urls import include, path

from jaring.accounts import views as accounts
from jaring.api import api
from jaring.audit import views as audit
from jaring.ops import health, observe
from jaring.regions import views as regions
from jaring.registry import views as registry
from jaring.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", observe.metrics, name="metrics"),
    path("favicon.ico", web.favicon, name="favicon"),
    path("masuk/", accounts.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", regions.region_search, name="region_search"),
    path("wilayah/<str:code>/", regions.region_detail, name="region_detail"),
    path("organisasi/", accounts.organization_list, name="organization_list"),
    path("organisasi/baru/", accounts.organization_create, name="organization_create"),
    path("organisasi/<int:pk>/", accounts.organization_detail, name="organization_detail"),
    path("organisasi/<int:org_pk>/pengguna/baru/", accounts.user_create, name="user_create"),
    path("pengguna/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/kata-sandi/", accounts.user_reset_password, name="user_reset_password"),
    path("akun/", accounts.account, name="account"),
    path("akun/token/<int:pk>/cabut/", accounts.api_token_revoke, name="api_token_revoke"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("peserta/", registry.participant_list, name="participant_list"),
    path("peserta/<int:pk>/", registry.participant_detail, name="participant_detail"),
    path("peserta/ekspor.<str:fmt>", registry.participant_export, name="participant_export"),
    path("peserta/templat.<str:fmt>", registry.template_download, name="template_download"),
    path("peserta/duplikat/", registry.duplicate_list, name="duplicate_list"),
    path("peserta/duplikat/<int:pk>/", registry.duplicate_resolve, name="duplicate_resolve"),
    path("peserta/impor/", registry.import_start, name="import_start"),
    path("peserta/impor/<int:pk>/", registry.import_detail, name="import_detail"),
    path("peserta/impor/<int:pk>/simpan/", registry.import_save, name="import_save"),
    path(
        "peserta/impor/<int:pk>/ditolak.xlsx", registry.import_errors_download, name="import_errors_download"
    ),
    path("anggaran/", include("jaring.contributions.urls")),
    path("", include("jaring.programs.urls")),
    path("dana/", include("jaring.funds.urls")),
    path("", include("jaring.alerts.urls")),
    path("", include("jaring.reports.urls")),
    path("monev/", include("jaring.monitoring.urls")),
    path("iuran/", include("jaring.billing.urls")),
    path("klaim/", include("jaring.claims.urls")),
    path("sasaran/", include("jaring.targeting.urls")),
    path("api/v1/", api.urls),
]

handler403 = "jaring.web.views.forbidden"
handler404 = "jaring.web.views.not_found"
