from django.urls import path

from jaring.programs import views

urlpatterns = [
    path("program/", views.program_list, name="program_list"),
    path("program/baru/", views.program_create, name="program_create"),
    path("program/impor-kepesertaan/", views.enrolment_import, name="enrolment_import"),
    path("program/<int:pk>/", views.program_detail, name="program_detail"),
    path("program/<int:pk>/daftarkan/", views.program_enrol, name="program_enrol"),
    path("program/<int:pk>/pilih-peserta/", views.program_select, name="program_select"),
    path("program/<int:pk>/periode/", views.program_period_start, name="program_period_start"),
    path("kepesertaan/<int:pk>/akhiri/", views.enrolment_end, name="enrolment_end"),
    path("kepesertaan/<int:pk>/pindahkan/", views.enrolment_transfer, name="enrolment_transfer"),
    path("pks/", views.agreement_list, name="agreement_list"),
    path("pks/baru/", views.agreement_create, name="agreement_create"),
    path("pks/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("pks/<int:pk>/dokumen.pdf", views.agreement_document, name="agreement_document"),
]
