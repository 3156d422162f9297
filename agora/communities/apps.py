from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "agora.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self):
        from agora.people import visibility

        from .visibility import fellow_members_of_guest

        # Guests may see the people they share a community with, and nobody else.
        visibility.GUEST_CONTACTS.append(fellow_members_of_guest)
