from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jaring.funds"
    verbose_name = "Alur dana"
