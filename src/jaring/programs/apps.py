from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "jaring.programs"
    verbose_name = "Program pendanaan dan PKS"
