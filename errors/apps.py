from django.apps import AppConfig


class ErrorsConfig(AppConfig):
    name = "errors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import console.metrics  # noqa: F401  (Loki/Tempo latency histograms, in every process)
        from console.celery import app  # noqa: F401  (makes it the current app for shared tasks)
