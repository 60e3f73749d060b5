from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jaring.claims"
    verbose_name = "Klaim dan manfaat"
