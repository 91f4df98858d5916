"""The Celery app: `celery -A console worker` and `celery -A console beat`."""

from celery import Celery
from django.core.management import call_command

from console import boot

boot.configure()
boot.start_embedded_redis()

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="console.clear_sessions")
def clear_sessions() -> None:
    """Celery beat, daily: delete expired login sessions, which Django itself never removes."""
    call_command("clearsessions")
