"""The Celery app: `celery -A console worker` and `celery -A console beat`."""

from celery import Celery

from console import boot

boot.configure()
boot.start_embedded_redis()

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
