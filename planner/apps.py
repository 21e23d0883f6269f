from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Programme"

    def ready(self):
        from . import signals

        signals.connect()
