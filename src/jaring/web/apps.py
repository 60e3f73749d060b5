from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jaring.web"
    verbose_name = "Antarmuka web"
