"""Keep the evidence index in step with answers, questions and their tags, and with the kinds
of communities, and propose skills when answers are accepted. Refreshes are collected during
a transaction and run once per person after it commits (a rolled-back change leaves the index
alone). A community's change of kind is folded into the index in the same transaction, so
evidence never shows where it should not, not even for a moment."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.dispatch import receiver

from agora.communities.models import Community
from agora.conversations.models import Post, PostHashtag
from agora.qa.models import Answer, Question

from . import index

_pending = threading.local()


def _schedule(user_ids) -> None:
    # Every change registers a flush; the first to run takes everything pending, the others
    # find nothing. Ids left over by a rolled-back transaction are refreshed at the next
    # commit, which is harmless: a refresh only rebuilds from what is committed.
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(u for u in user_ids if u)
    transaction.on_commit(_flush)


def _flush() -> None:
    ids = getattr(_pending, "ids", None)
    _pending.ids = set()
    if ids:
        index.refresh_people(ids)


def _answerers(post_id) -> list[int]:
    return list(
        Answer.objects.filter(question_id=post_id).values_list("author_id", flat=True).distinct()
    )


@receiver(post_save, sender=Answer, dispatch_uid="experts_answer_saved")
@receiver(post_delete, sender=Answer, dispatch_uid="experts_answer_deleted")
def answer_changed(sender, instance, **kwargs):
    _schedule([instance.author_id])


@receiver(post_save, sender=Question, dispatch_uid="experts_question_saved")
def question_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "accepted_answer" not in update_fields):
        return
    _schedule(_answerers(instance.pk))
    if instance.accepted_answer_id:
        answer = instance.accepted_answer

        def suggest():
            from .services import on_answer_accepted

            on_answer_accepted(answer)

        transaction.on_commit(suggest)


@receiver(post_save, sender=Post, dispatch_uid="experts_post_saved")
def question_post_changed(sender, instance, created, **kwargs):
    # Title, text, place, hiding or deletion of a question change its answerers' evidence.
    if not created and instance.kind == Post.Kind.QUESTION:
        _schedule(_answerers(instance.pk))


@receiver(post_save, sender=PostHashtag, dispatch_uid="experts_tag_added")
@receiver(post_delete, sender=PostHashtag, dispatch_uid="experts_tag_removed")
def question_tags_changed(sender, instance, created=False, **kwargs):
    if created and not Answer.objects.filter(question_id=instance.post_id).exists():
        return
    _schedule(_answerers(instance.post_id))


# --- communities changing kind ---------------------------------------------------------------
# The merged place EMPLOYEES (index.py) holds the profile questions and the open communities:
# a community that becomes open, or stops being open, changes what it must hold.


@receiver(post_init, sender=Community, dispatch_uid="experts_community_loaded")
def community_loaded(sender, instance, **kwargs):
    instance._experts_kind = instance.__dict__.get("kind")  # no query for a deferred kind


def _crosses_open(instance, update_fields) -> bool:
    """Whether this save writes a kind on the other side of "open" from the stored one."""
    if instance.pk is None or "kind" not in instance.__dict__:
        return False  # a new community, or the kind neither loaded nor set: not written
    if update_fields is not None and "kind" not in update_fields:
        return False
    before = getattr(instance, "_experts_kind", None)
    if before is None:  # loaded without its kind, then given one
        before = Community.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
        if before is None:
            return False
    open_ = Community.Kind.OPEN
    return (before == open_) != (instance.kind == open_)


@receiver(pre_save, sender=Community, dispatch_uid="experts_community_saving")
def community_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._experts_crosses = not raw and _crosses_open(instance, update_fields)
    if instance._experts_crosses:
        index.before_kind_change(instance.pk, instance.kind)


@receiver(post_save, sender=Community, dispatch_uid="experts_community_saved")
def community_saved(sender, instance, created, raw=False, **kwargs):
    if not created and getattr(instance, "_experts_crosses", False):
        index.remerge_community(instance.pk)
    instance._experts_crosses = False
    instance._experts_kind = instance.__dict__.get("kind")
