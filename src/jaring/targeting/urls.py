from django.urls import path

from jaring.targeting import proposal_views

urlpatterns = [
    path("usulan/", proposal_views.proposal_page, name="targeting_proposal"),
    path("usulan/<int:pk>/daftarkan/", proposal_views.proposal_enrol, name="targeting_proposal_enrol"),
    path("usulan/<int:pk>/berkas.xlsx", proposal_views.proposal_file, name="targeting_proposal_file"),
]
