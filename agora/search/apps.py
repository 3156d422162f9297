from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "agora.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from . import doctypes, indexing  # noqa: F401  (register document types and receivers)
