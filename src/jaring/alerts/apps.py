from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AlertsConfig(AppConfig):
    name = "jaring.alerts"
    verbose_name = "Peringatan"

    def ready(self) -> None:
        # Each app declares its alert sources in its own ``alerts.py``.
        autodiscover_modules("alerts")
