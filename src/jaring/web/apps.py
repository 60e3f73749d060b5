from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jaring.web"
    verbose_name = "Antarmuka web"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from jaring import i18n
        from jaring.formats import active

        # Domain errors read in the officer's language where they are shown.
        i18n.install(gettext, active.language)
