"""Follow links keep the profiles' follow counts, whichever ORM path writes them: the
services, get_or_create races, and the cascade when an account is deleted."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import follow_counts
from .models import Follow


@receiver(post_save, sender=Follow, dispatch_uid="people.follow_counts.saved")
def _link_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        follow_counts.adjust(instance.follower_id, instance.followee_id, +1)


@receiver(post_delete, sender=Follow, dispatch_uid="people.follow_counts.deleted")
def _link_deleted(sender, instance, **kwargs):
    follow_counts.adjust(instance.follower_id, instance.followee_id, -1)
