from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "agora.help"
    label = "help"
    verbose_name = _("Requests and offers of help")

    def ready(self):
        from . import search  # noqa: F401  (registers the "help" search document type)
