"""Following hashtags (topics): the home feed then carries the tag's posts.

A hashtag page works for any well-formed name, even one nobody used yet, so its address never
says whether a post somewhere carries the tag.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agora.core.errors import Invalid
from agora.people.text import fold

from . import feed, parsing
from .models import Hashtag, HashtagFollow, Post


def key_of(name: str) -> str:
    return fold(name).replace(" ", "")


def check_name(name: str) -> str:
    """The tag's name without a leading '#', or Invalid if it could not be a hashtag."""
    name = (name or "").strip().lstrip("#")
    if not name or name.isdigit() or not parsing.HASHTAG.fullmatch("#" + name):
        raise Invalid(fields={"name": [_("This is not a valid hashtag.")]})
    return name


def find(name: str) -> Hashtag | None:
    return Hashtag.objects.filter(key=key_of(check_name(name))).first()


def is_following(user, tag: Hashtag | None) -> bool:
    if tag is None or not user.is_authenticated:
        return False
    return HashtagFollow.objects.filter(user=user, hashtag=tag).exists()


def followed(user, limit: int = 50) -> list[Hashtag]:
    return list(Hashtag.objects.filter(followers__user=user).order_by("key")[:limit])


def store_names(post_id: int) -> str:
    """Copy a post's hashtags (its PostHashtag rows, in key order) onto its row, for the
    cards: call after writing or deleting its links. Returns what it wrote."""
    tags = Hashtag.objects.filter(post_links__post_id=post_id).order_by("key")
    names = " ".join(tags.values_list("name", flat=True))
    Post.objects.filter(pk=post_id).update(hashtag_names=names)
    return names


def get_or_create(name: str) -> Hashtag:
    existing = Hashtag.objects.filter(key=key_of(name)).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Hashtag.objects.create(name=name)
    except IntegrityError:  # created concurrently
        return Hashtag.objects.get(key=key_of(name))


@transaction.atomic
def follow_hashtag(user, name: str) -> Hashtag:
    """Follow a topic; its recent posts are copied into the home feed (the feed re-checks who
    may read each one, so a secret community's post never shows to an outsider)."""
    tag = get_or_create(check_name(name))
    _link, created = HashtagFollow.objects.get_or_create(user=user, hashtag=tag)
    if created:
        transaction.on_commit(lambda: feed.backfill_hashtag(user.pk, tag.pk))
    return tag


@transaction.atomic
def unfollow_hashtag(user, name: str) -> bool:
    tag = find(name)
    if tag is None:
        return False
    deleted, _rows = HashtagFollow.objects.filter(user=user, hashtag=tag).delete()
    if deleted:
        transaction.on_commit(lambda: feed.prune_hashtag(user.pk, tag.pk))
    return bool(deleted)
