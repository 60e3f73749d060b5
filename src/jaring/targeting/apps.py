from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "jaring.targeting"
    verbose_name = "Sasaran DTSEN"
