"""Requests and offers of help in search: one document per item, visible by the same rules as
the item itself (company-wide to employees, community items to who may read the community)."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy

from agora.search.analysis import detect_language
from agora.search.registry import DocData, DocType, community_content, register

from .models import HelpItem
from .visibility import visible_help_items


def build_item(item: HelpItem) -> list[DocData]:
    # Hidden items stay indexed and are filtered out at query time, like hidden posts.
    tags = " ".join(f"#{t.name}" for t in item.tags.all())
    return [
        DocData(
            title=item.title,
            body=f"{item.body}\n{item.availability}\n{tags}".strip(),
            url=reverse("help:detail", args=[item.pk]),
            created_at=item.created_at,
            community_id=item.community_id,
            author_id=item.author_id,
            lang=detect_language(
                f"{item.title}\n{item.body}", getattr(item.author, "language", "") or ""
            ),
        )
    ]


def item_visible(viewer) -> Q:
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(doc_type="help") & Q(
        Exists(visible_help_items(viewer).filter(pk=OuterRef("object_id")))
    )


register(
    DocType(
        name="help",
        model=HelpItem,
        build=build_item,
        visible=item_visible,
        queryset=lambda: (
            HelpItem.objects.select_related("author").prefetch_related("tags").order_by("id")
        ),
        label=gettext_lazy("Help"),
        # Readable exactly like a post of the same community (company-wide when it has none).
        prefilter=community_content,
    )
)


def _reindex_later(pk: int) -> None:
    from agora.search import indexing

    def run():
        item = (
            HelpItem.objects.select_related("author").prefetch_related("tags").filter(pk=pk).first()
        )
        if item is None:
            indexing.remove_object(HelpItem, pk)
        else:
            indexing.index_object(item)

    transaction.on_commit(run)


@receiver(post_save, sender=HelpItem)
def _saved(sender, instance, raw=False, **kwargs):
    # The services save again after setting the tags, inside the same transaction, and the
    # index is built after commit: it sees the tags.
    if not raw:
        _reindex_later(instance.pk)


@receiver(post_delete, sender=HelpItem)
def _deleted(sender, instance, **kwargs):
    from agora.search import indexing

    pk = instance.pk
    transaction.on_commit(lambda: indexing.remove_object(HelpItem, pk))
