"""WSGI entry point (gunicorn console.wsgi)."""

from django.core.wsgi import get_wsgi_application

from console import boot

boot.configure()
application = get_wsgi_application()
boot.start_embedded_redis()
