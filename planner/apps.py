from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Programme"

    def ready(self):
        from django.urls import register_converter

        from . import signals
        from .converters import IdConverter

        register_converter(IdConverter, "id")
        signals.connect()
