"""ASGI entry point."""

from django.core.asgi import get_asgi_application

from console import boot

boot.configure()
application = get_asgi_application()
boot.start_embedded_redis()
