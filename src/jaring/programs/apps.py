from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "jaring.programs"
    verbose_name = "Program pendanaan dan PKS"

    def ready(self) -> None:
        # Apps above programs add their parts of the program page in their own ``panels.py``.
        from jaring.programs.panels import discover

        discover()
