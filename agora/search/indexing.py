"""Keeping the index fresh: receivers schedule a re-index after the transaction commits, so a
new or edited object is findable as soon as it is visible, and deletions leave at once.

Moderation hides with bulk updates (no signal): hidden content is filtered out at query time by
the visibility rules instead, which is also immediate.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from agora.communities.models import Community
from agora.conversations.models import Comment, Hashtag, Post
from agora.people.models import Profile, ProfileInterest, ProfileSkill

from . import backends, registry
from .analysis import terms_text
from .models import SearchDocument

BODY_TEXT_CHARS = 4000


def index_object(obj) -> None:
    """(Re)build every document `obj` contributes, or remove them when it contributes none."""
    for doc_type in registry.types_for_model(type(obj)):
        index_as(doc_type, obj)


def index_as(doc_type: registry.DocType, obj) -> None:
    datas = doc_type.build(obj)
    existing = {
        d.audience: d
        for d in SearchDocument.objects.filter(doc_type=doc_type.name, object_id=obj.pk)
    }
    keep = set()
    for data in datas:
        doc = existing.get(data.audience) or SearchDocument(
            doc_type=doc_type.name, object_id=obj.pk, audience=data.audience
        )
        doc.title_text = (data.title or "")[:300]
        doc.body_text = (data.body or "")[:BODY_TEXT_CHARS]
        doc.title_terms = terms_text(data.title or "")
        doc.body_terms = terms_text(data.body or "")
        doc.url = data.url[:300]
        doc.lang = data.lang or ""
        doc.community_id = data.community_id
        doc.author_id = data.author_id
        doc.created_at = data.created_at or doc.created_at or timezone.now()
        doc.save()
        backends.store(doc)
        keep.add(data.audience)
    gone = [d.pk for a, d in existing.items() if a not in keep]
    if gone:
        remove_ids(gone)


def remove_ids(ids: list[int]) -> None:
    backends.remove(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()


def remove_object(model, pk) -> None:
    names = [t.name for t in registry.types_for_model(model)]
    ids = list(
        SearchDocument.objects.filter(doc_type__in=names, object_id=pk).values_list("pk", flat=True)
    )
    remove_ids(ids)


def _reindex_later(model, pk) -> None:
    def run():
        obj = _load(model, pk)
        if obj is None:
            remove_object(model, pk)
        else:
            index_object(obj)

    transaction.on_commit(run)


def _load(model, pk):
    qs = model.objects.all()
    if model is Profile:
        qs = qs.select_related("user").prefetch_related(
            "skill_links__skill", "interest_links__interest"
        )
    elif model is Comment:
        qs = qs.select_related("post", "author")
    elif model is Post:
        qs = qs.select_related("author")
    return qs.filter(pk=pk).first()


@receiver(post_save, sender=Post)
@receiver(post_save, sender=Comment)
@receiver(post_save, sender=Community)
@receiver(post_save, sender=Profile)
@receiver(post_save, sender=Hashtag)
def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex_later(sender, instance.pk)


@receiver(post_delete, sender=Post)
@receiver(post_delete, sender=Comment)
@receiver(post_delete, sender=Community)
@receiver(post_delete, sender=Profile)
@receiver(post_delete, sender=Hashtag)
def _deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: remove_object(sender, pk))


@receiver(post_save, sender=ProfileSkill)
@receiver(post_save, sender=ProfileInterest)
@receiver(post_delete, sender=ProfileSkill)
@receiver(post_delete, sender=ProfileInterest)
def _profile_terms_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        _reindex_later(Profile, instance.profile_id)


def _document(doc_type: registry.DocType, obj_pk, data: registry.DocData) -> SearchDocument:
    return SearchDocument(
        doc_type=doc_type.name,
        object_id=obj_pk,
        audience=data.audience,
        title_text=(data.title or "")[:300],
        body_text=(data.body or "")[:BODY_TEXT_CHARS],
        title_terms=terms_text(data.title or ""),
        body_terms=terms_text(data.body or ""),
        url=data.url[:300],
        lang=data.lang or "",
        community_id=data.community_id,
        author_id=data.author_id,
        created_at=data.created_at or timezone.now(),
    )


def reindex_all(progress=None, batch_size: int = 1000) -> int:
    """Rebuild the whole index, type by type, in batches (bulk inserts, one transaction per
    batch, keyset iteration). `progress(done, total, label)` is called after each batch."""
    from django.db import connection

    with transaction.atomic():
        backends.clear()
        SearchDocument.objects.all().delete()
    types = registry.all_types()
    total = sum(t.queryset().count() for t in types)
    done = 0
    for doc_type in types:
        qs = doc_type.queryset().order_by("pk")
        last_pk = None
        while True:
            batch_qs = qs if last_pk is None else qs.filter(pk__gt=last_pk)
            batch = list(batch_qs[:batch_size])
            if not batch:
                break
            docs = [
                _document(doc_type, obj.pk, data) for obj in batch for data in doc_type.build(obj)
            ]
            with transaction.atomic():
                created = SearchDocument.objects.bulk_create(docs, batch_size=500)
                backends.store_many(created)
            last_pk = batch[-1].pk
            done += len(batch)
            if progress:
                progress(done, total, doc_type.name)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return done
