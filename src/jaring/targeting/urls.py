from django.urls import path

from jaring.targeting import proposal_views, upload_views

urlpatterns = [
    path("usulan/", proposal_views.proposal_page, name="targeting_proposal"),
    path("usulan/<int:pk>/daftarkan/", proposal_views.proposal_enrol, name="targeting_proposal_enrol"),
    path("usulan/<int:pk>/berkas.xlsx", proposal_views.proposal_file, name="targeting_proposal_file"),
    path("dtsen/", upload_views.edition_list, name="targeting_edition_list"),
    path("dtsen/impor/", upload_views.edition_import, name="targeting_edition_import"),
    path("dtsen/<int:pk>/", upload_views.edition_detail, name="targeting_edition_detail"),
    path("aktif-bpjs/", upload_views.active_list, name="targeting_active_list"),
    path("aktif-bpjs/impor/", upload_views.active_import, name="targeting_active_import"),
]
