"""ASGI entry point, for long-lived connections only: plain pages go through WSGI (faster)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
application = get_asgi_application()
