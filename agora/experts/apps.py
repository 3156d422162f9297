from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "agora.experts"
    label = "experts"
    verbose_name = _("Expert finder")

    def ready(self):
        from . import signals  # noqa: F401
