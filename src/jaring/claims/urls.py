from django.urls import path

from jaring.claims import views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("ekspor.xlsx", views.claim_export, name="claim_export"),
    path("baru/", views.claim_report, name="claim_report"),
    path("<int:pk>/", views.claim_detail, name="claim_detail"),
    path("<int:pk>/ahli-waris/", views.claim_heir_add, name="claim_heir_add"),
    path("<int:pk>/ahli-waris/<int:heir_pk>/hapus/", views.claim_heir_remove, name="claim_heir_remove"),
    path("<int:pk>/anak/", views.claim_child_add, name="claim_child_add"),
    path("<int:pk>/anak/<int:child_pk>/hapus/", views.claim_child_remove, name="claim_child_remove"),
    path("<int:pk>/dokumen/", views.claim_document_add, name="claim_document_add"),
    path("<int:pk>/dokumen/<int:document_pk>/", views.claim_document, name="claim_document"),
    path("<int:pk>/lengkap/", views.claim_documents_complete, name="claim_documents_complete"),
    path("<int:pk>/kembalikan/", views.claim_return, name="claim_return"),
    path("<int:pk>/verifikasi/", views.claim_verify, name="claim_verify"),
    path("<int:pk>/bayar/", views.claim_pay, name="claim_pay"),
    path("<int:pk>/tolak/", views.claim_reject, name="claim_reject"),
    path("laporan/", views.benefits_report, name="benefits_report"),
    path("laporan.xlsx", views.benefits_report_export, name="benefits_report_export"),
    path("aturan/", views.benefit_rules, name="benefit_rules"),
    path("aturan/baru/", views.benefit_rule_create, name="benefit_rule_create"),
    path("aturan/<int:pk>/akhiri/", views.benefit_rule_close, name="benefit_rule_close"),
]
