from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "agora.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from agora.people import signals

        def on_followed(sender, follower, followee, **kwargs):
            from .services import notify

            notify("follow", recipient=followee, actor=follower)

        signals.followed.connect(on_followed, weak=False, dispatch_uid="notify-new-follower")
