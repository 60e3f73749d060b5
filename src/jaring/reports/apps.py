from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jaring.reports"
    verbose_name = "Laporan monev"
