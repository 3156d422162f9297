"""Keeping the index fresh: receivers schedule a re-index after the transaction commits, so a
new or edited object is findable as soon as it is visible, and deletions leave at once.

Moderation hides with bulk updates (no signal): hidden content is filtered out at query time by
the visibility rules instead (each type's `visible`, applied to the scored candidates), which is
also immediate.

Public entry points: `index_object(obj)` (one object, every type of its model),
`index_many(objects)` (bulk, for importers: a few queries per chunk of objects),
`remove_object(model, pk)`, and `reindex_all(progress)` (the whole index, see reindex.py).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from agora.communities.models import Community
from agora.conversations.models import Comment, Hashtag, Post
from agora.people.models import Profile, ProfileInterest, ProfileSkill

from . import registry
from .analysis import terms_text
from .models import SearchDocument

BODY_TEXT_CHARS = 4000


def index_object(obj) -> None:
    """(Re)build every document `obj` contributes, or remove them when it contributes none."""
    doc_types = registry.types_for_model(type(obj))
    # One look-up for all the types (a post is a post, an article or a question): one query
    # per type ran three on every post written.
    existing: dict[str, dict] = {t.name: {} for t in doc_types}
    for doc in SearchDocument.objects.filter(doc_type__in=list(existing), object_id=obj.pk):
        existing[doc.doc_type][doc.audience] = doc
    for doc_type in doc_types:
        index_as(doc_type, obj, existing[doc_type.name])


def index_as(doc_type: registry.DocType, obj, existing: dict) -> None:
    """(Re)build `obj`'s documents of one type; `existing`: its current ones by audience."""
    datas = doc_type.build(obj)
    keep = set()
    for data in datas:
        doc = existing.get(data.audience) or SearchDocument(
            doc_type=doc_type.name, object_id=obj.pk, audience=data.audience
        )
        fresh = _document(doc_type, obj.pk, data, default_created=doc.created_at)
        for name in _FIELDS:
            setattr(doc, name, getattr(fresh, name))
        # The SQLite full-text index follows through triggers; PostgreSQL's tsv is generated.
        doc.save()
        keep.add(data.audience)
    gone = [d.pk for a, d in existing.items() if a not in keep]
    if gone:
        remove_ids(gone)


def index_many(objects, chunk_size: int = 2000) -> int:
    """Index many objects at once (importers, repairs): for every registered type of each
    object's model, replace its documents with freshly built ones, in bulk (a few queries per
    chunk rather than a few per object). Objects may be of several models; pass them with the
    relations their types' `build` reads already loaded (see each DocType.queryset) to avoid
    one query per object. Returns the number of documents written."""
    by_model: dict = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    written = 0
    for model, objs in by_model.items():
        for doc_type in registry.types_for_model(model):
            for start in range(0, len(objs), chunk_size):
                chunk = objs[start : start + chunk_size]
                docs = [
                    _document(doc_type, obj.pk, data)
                    for obj in chunk
                    for data in doc_type.build(obj)
                ]
                with transaction.atomic():
                    SearchDocument.objects.filter(
                        doc_type=doc_type.name, object_id__in=[o.pk for o in chunk]
                    ).delete()
                    SearchDocument.objects.bulk_create(docs, batch_size=500)
                written += len(docs)
    return written


def remove_ids(ids: list[int]) -> None:
    SearchDocument.objects.filter(pk__in=ids).delete()


def remove_object(model, pk) -> None:
    names = [t.name for t in registry.types_for_model(model)]
    SearchDocument.objects.filter(doc_type__in=names, object_id=pk).delete()


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


_FIELDS = (
    "title_text",
    "body_text",
    "title_terms",
    "body_terms",
    "url",
    "lang",
    "community_id",
    "author_id",
    "created_at",
)


def _document(
    doc_type: registry.DocType, obj_pk, data: registry.DocData, default_created=None
) -> SearchDocument:
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
        created_at=data.created_at or default_created or timezone.now(),
    )


def reindex_all(progress=None, batch_size: int = 2000) -> int:
    """Rebuild the whole index (see reindex.py)."""
    from .reindex import reindex_all as rebuild

    return rebuild(progress=progress, batch_size=batch_size)
