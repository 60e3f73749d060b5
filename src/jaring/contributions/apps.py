from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "jaring.contributions"
    verbose_name = "Iuran dan perencanaan anggaran"
