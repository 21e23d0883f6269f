from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Programme"

    def ready(self):
        from django.urls import register_converter

        from planner import signals  # noqa: F401 - mail_health registers its deployment check
        from planner.converters import IdConverter

        register_converter(IdConverter, "id")
        signals.connect()
