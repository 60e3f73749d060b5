from django.urls import path

from jaring.funds import views

urlpatterns = [
    path("", views.funds_overview, name="funds_overview"),
    path("transfer/", views.transfer_list, name="transfer_list"),
    path("transfer/baru/", views.transfer_create, name="transfer_create"),
    path("transfer/ekspor.xlsx", views.transfer_export, name="transfer_export"),
    path("transfer/<int:pk>/koreksi/", views.transfer_reverse, name="transfer_reverse"),
    path("transfer/<int:pk>/bukti/", views.transfer_evidence, name="transfer_evidence"),
    path("alokasi/<int:program_pk>/", views.allocation_list, name="allocation_list"),
]
