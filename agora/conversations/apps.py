from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "agora.conversations"
    label = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from agora.people import signals

        from . import feed

        def on_followed(sender, follower, followee, **kwargs):
            feed.backfill_author(follower.pk, followee.pk)

        def on_unfollowed(sender, follower, followee, **kwargs):
            feed.prune_author(follower.pk, followee.pk)

        signals.followed.connect(on_followed, weak=False, dispatch_uid="feed-backfill")
        signals.unfollowed.connect(on_unfollowed, weak=False, dispatch_uid="feed-prune")
