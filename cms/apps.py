from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site"

    def ready(self):
        """Every write to content retires the caches keyed by its version."""
        from cms import caching  # noqa: PLC0415 -- app loading

        caching.connect()
