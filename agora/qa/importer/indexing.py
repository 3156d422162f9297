"""Making what was imported findable: bulk-written rows fire no signals, so the importer hands
them to the search index itself, in chunks, through the search app's bulk `index_many`."""

from agora.conversations.models import Comment, Hashtag, Post
from agora.qa.models import Answer, AnswerComment
from agora.search import indexing, registry

CHUNK = 1000


def index_imported(ids_by_model: dict, progress=None) -> int:
    """Index the objects of each model whose ids are given; returns the documents written."""
    ids_by_model = {m: ids for m, ids in ids_by_model.items() if registry.types_for_model(m)}
    total = sum(len(ids) for ids in ids_by_model.values())
    done = written = 0
    for model, ids in ids_by_model.items():
        types = registry.types_for_model(model)
        ids = sorted(ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            written += indexing.index_many(_load(types, chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return written


def _load(types, ids) -> list:
    """Each object loaded through the queryset of a type that covers it (a question post comes
    from the "question" type's queryset, with its hashtags prefetched)."""
    found: dict = {}
    for doc_type in types:
        missing = [i for i in ids if i not in found]
        if not missing:
            break
        for obj in doc_type.queryset().filter(pk__in=missing):
            found.setdefault(obj.pk, obj)
    return list(found.values())


def imported_objects(posts, comments, answers, answer_comments, hashtags) -> dict:
    return {
        Post: posts,
        Answer: answers,
        Comment: comments,
        AnswerComment: answer_comments,
        Hashtag: hashtags,
    }
