from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "jaring.billing"
    verbose_name = "Tagihan, pembayaran iuran dan status perlindungan"
