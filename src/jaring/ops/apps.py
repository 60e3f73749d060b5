from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "jaring.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Operasi"

    def ready(self):
        from django_tasks.signals import task_finished

        from jaring.ops.observe import task_finished as log_task

        task_finished.connect(log_task, dispatch_uid="jaring.ops.task_finished")
