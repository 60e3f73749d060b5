from django.urls import path

from jaring.billing import views

urlpatterns = [
    path("", views.bill_list, name="bill_list"),
    path("tagihan/baru/", views.bill_create, name="bill_create"),
    path("tagihan/<int:pk>/", views.bill_detail, name="bill_detail"),
    path("tagihan/<int:pk>/ekspor.xlsx", views.bill_export, name="bill_export"),
    path("tagihan/<int:pk>/koreksi/", views.bill_correct, name="bill_correct"),
    path("pembayaran/", views.payment_list, name="payment_list"),
    path("pembayaran/baru/", views.payment_create, name="payment_create"),
    path("pembayaran/impor/", views.payment_import, name="payment_import"),
    path("pembayaran/ekspor.xlsx", views.payment_export, name="payment_export"),
    path("pembayaran/<int:pk>/batal/", views.payment_reverse, name="payment_reverse"),
    path("perlindungan/", views.protection, name="protection"),
    path("peserta/<int:pk>/", views.participant_protection, name="participant_protection"),
    path("peringatan/", views.alerts, name="protection_alerts"),
    path("peringatan/ekspor.xlsx", views.alerts_export, name="protection_alerts_export"),
    path("pengembalian/", views.refund_list, name="refund_list"),
    path("pengembalian/<int:pk>/selesai/", views.refund_settle, name="refund_settle"),
]
