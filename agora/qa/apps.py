from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    name = "agora.qa"
    label = "qa"
    verbose_name = _("Questions and answers")

    def ready(self):
        from . import search  # noqa: F401  (question and answer document types, index receivers)
