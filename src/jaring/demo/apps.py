from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jaring.demo"
    verbose_name = "Data demo"
