from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jaring.registry"
    verbose_name = "Registri peserta"
