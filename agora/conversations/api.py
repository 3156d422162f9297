"""REST API v1 for posts, articles, comments, reactions, hashtags and feeds.

Thin: services decide who may read and write. Anything the caller may not read answers 404
(never confirming that a post of a secret community exists); a listed community whose content
is closed to the caller (on request, not a member) answers 403 on its feed.
"""

import datetime as dt

from django.http import FileResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from agora.communities import services as community_services
from agora.communities.schemas import PersonRef
from agora.core.api import ErrorOut
from agora.people import services as people_services

from . import cards, feeds, hashtags, services
from .schemas import (
    AttachmentOut,
    CommentIn,
    CommentOut,
    CommentPage,
    CommentPatch,
    HashtagOut,
    NewCount,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    PostRefOut,
    ReactionIn,
    ReactionState,
    ReactorOut,
    RevisionOut,
    attachment_out,
    comment_out,
    post_ref_out,
    posts_out,
    revision_out,
)

router = Router(tags=["conversations"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


class ReactorsQuery(Schema):
    kind: str | None = None
    limit: int = 100


# The post and feed endpoints answer through `cards` (plain SQL, JSON written directly:
# the hot read paths of issue 3); their `response=` schemas still document them and
# tests/test_feed_lean.py validates the output against those schemas.


def _post(request, post_id: int, status: int = 200):
    return cards.json_response(cards.post(request.auth, post_id), status=status)


# --- Posts and articles -------------------------------------------------------------------------


@router.post("/posts", response={201: PostOut, **ERRORS}, exclude_unset=True)
def create_post(request, payload: PostIn):
    """Write a post or an article on your profile, or in a community (`community` slug).
    Files are sent afterwards to `POST /posts/{id}/attachments`."""
    if payload.kind == "question":  # a question needs its qa row, tags and expert routing
        from django.utils.translation import gettext

        from agora.core.errors import Invalid

        raise Invalid(fields={"kind": [gettext("Ask questions with POST /api/v1/questions.")]})
    community = None
    if payload.community:
        community = community_services.access_community(request.auth, payload.community)
    post = services.create_post(
        request.auth,
        body=payload.body,
        community=community,
        kind=payload.kind,
        title=payload.title,
        category=payload.category,
        quoted_id=payload.quoted_id,
    )
    return _post(request, post.pk, status=201)


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, exclude_unset=True)
def get_post(request, post_id: int):
    return _post(request, post_id)


@router.patch("/posts/{post_id}", response={200: PostOut, **ERRORS}, exclude_unset=True)
def edit_post(request, post_id: int, payload: PostPatch):
    """Edit your post; the previous text is kept in its revisions."""
    if services.access_post(request.auth, post_id).kind == "question":
        from agora.qa.services import edit_question  # keeps the question's tags

        edit_question(request.auth, post_id, title=payload.title, body=payload.body)
        return _post(request, post_id)
    body = payload.body
    if body is None:
        body = services.access_post(request.auth, post_id).body
    services.edit_post(request.auth, post_id, body=body, title=payload.title)
    return _post(request, post_id)


@router.delete("/posts/{post_id}", response={204: None, **ERRORS})
def delete_post(request, post_id: int):
    """The author, the community's moderators and administrators may delete a post."""
    services.delete_post(request.auth, post_id)
    return Status(204, None)


@router.put("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, exclude_unset=True)
def pin_post(request, post_id: int):
    services.set_pinned(request.auth, post_id, True)
    return _post(request, post_id)


@router.delete("/posts/{post_id}/pin", response={200: PostOut, **ERRORS}, exclude_unset=True)
def unpin_post(request, post_id: int):
    services.set_pinned(request.auth, post_id, False)
    return _post(request, post_id)


@router.get(
    "/posts/{post_id}/revisions", response={200: list[RevisionOut], **ERRORS}, exclude_unset=True
)
def list_revisions(request, post_id: int):
    """Earlier versions of the text, newest first."""
    post = services.access_post(request.auth, post_id)
    return [revision_out(r) for r in services.revisions_of(request.auth, post)]


@router.get(
    "/posts/{post_id}/referenced-by",
    response={200: list[PostRefOut], **ERRORS},
    exclude_unset=True,
)
def list_referenced_by(request, post_id: int):
    """Posts you may read that link to this one."""
    post = services.access_post(request.auth, post_id)
    return [post_ref_out(p) for p in services.referenced_by(request.auth, post)]


@router.post("/posts/{post_id}/attachments", response={201: list[AttachmentOut], **ERRORS})
def add_attachments(request, post_id: int, files: File[list[UploadedFile]]):
    """Attach images or files to your post (multipart, field `files`, repeatable). The type
    is read from the bytes, not from the name; sizes and counts are limited."""
    from django.conf import settings

    cap = settings.AGORA_MAX_ATTACHMENT_BYTES + 1  # one byte more is enough to refuse it
    uploads = [
        services.Upload(name=f.name or "file", content=f.read(cap), declared_type=f.content_type)
        for f in files[: settings.AGORA_MAX_ATTACHMENTS + 1]
    ]
    created = services.attach_files(request.auth, post_id, uploads)
    return Status(201, [attachment_out(a) for a in created])


@router.get(
    "/posts/{post_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    url_name="post_attachment",
)
def download_attachment(request, post_id: int, attachment_id: int):
    """The file, if you may read its post (404 otherwise, as if it didn't exist)."""
    attachment = services.access_attachment(request.auth, post_id, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Comments -----------------------------------------------------------------------------------


@router.get("/posts/{post_id}/comments", response={200: CommentPage, **ERRORS}, exclude_unset=True)
def list_comments(request, post_id: int, query: Query[PageQuery]):
    """Top-level comments oldest first, each with its replies."""
    return cards.page_response(cards.comment_page(request.auth, post_id, query.cursor, query.limit))


def _comment(request, comment_id: int) -> dict:
    comment = services.access_comment(request.auth, comment_id)
    return comment_out(comment)


@router.post("/posts/{post_id}/comments", response={201: CommentOut, **ERRORS}, exclude_unset=True)
def create_comment(request, post_id: int, payload: CommentIn):
    """Comment on a post, or reply to a comment with `parent_id` (replies stay one level
    deep: replying to a reply answers in the same thread)."""
    comment = services.add_comment(request.auth, post_id, payload.body, payload.parent_id)
    return Status(201, _comment(request, comment.pk))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **ERRORS}, exclude_unset=True)
def edit_comment(request, comment_id: int, payload: CommentPatch):
    services.edit_comment(request.auth, comment_id, payload.body)
    return _comment(request, comment_id)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS})
def delete_comment(request, comment_id: int):
    services.delete_comment(request.auth, comment_id)
    return Status(204, None)


# --- Reactions ----------------------------------------------------------------------------------


def _reaction_state(kind_now, *, post_id=None, comment_id=None) -> dict:
    from .models import KIND_COLUMNS, Comment, Post

    counters = ["reaction_count", *KIND_COLUMNS.values()]
    if comment_id is not None:
        target = Comment.objects.only(*counters).get(pk=comment_id)
    else:
        target = Post.objects.only(*counters).get(pk=post_id)
    return {
        "reaction": kind_now,
        "reaction_count": target.reaction_count,
        "reactions": target.reactions_by_kind(),
    }


@router.put("/posts/{post_id}/reaction", response={200: ReactionState, **ERRORS})
def react_to_post(request, post_id: int, payload: ReactionIn):
    """Toggle: the same kind again removes your reaction; another kind replaces it."""
    now = services.react(request.auth, payload.kind, post_id=post_id)
    return _reaction_state(now, post_id=post_id)


@router.put("/comments/{comment_id}/reaction", response={200: ReactionState, **ERRORS})
def react_to_comment(request, comment_id: int, payload: ReactionIn):
    now = services.react(request.auth, payload.kind, comment_id=comment_id)
    return _reaction_state(now, comment_id=comment_id)


def _reactors(rows) -> list[dict]:
    from agora.communities.schemas import person_ref

    return [
        {"person": person_ref(r.user), "kind": r.kind, "created_at": r.created_at} for r in rows
    ]


@router.get(
    "/posts/{post_id}/reactions", response={200: list[ReactorOut], **ERRORS}, exclude_unset=True
)
def post_reactors(request, post_id: int, query: Query[ReactorsQuery]):
    """Who reacted (the people you may see), newest first; `kind` filters."""
    rows = services.reactors(
        request.auth, post_id=post_id, kind=query.kind, limit=max(1, min(query.limit, 100))
    )
    return _reactors(rows)


@router.get(
    "/comments/{comment_id}/reactions",
    response={200: list[ReactorOut], **ERRORS},
    exclude_unset=True,
)
def comment_reactors(request, comment_id: int, query: Query[ReactorsQuery]):
    rows = services.reactors(
        request.auth, comment_id=comment_id, kind=query.kind, limit=max(1, min(query.limit, 100))
    )
    return _reactors(rows)


# --- Feeds --------------------------------------------------------------------------------------


@router.get("/feed/home", response={200: PostPage, **ERRORS}, exclude_unset=True)
def home_feed(request, query: Query[PageQuery]):
    """Posts of the people, hashtags and communities you follow or belong to, and your own;
    newest first."""
    return cards.page_response(cards.home(request.auth, query.cursor, query.limit))


@router.get("/feed/home/new-count", response={200: NewCount, **ERRORS})
def home_new_count(request, since: dt.datetime):
    """How many posts reached your home feed after `since` (ISO 8601), for a "new posts"
    indicator. Your own posts don't count."""
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return {"count": feeds.new_in_home(request.auth, since)}


@router.get("/communities/{slug}/feed", response={200: PostPage, **ERRORS}, exclude_unset=True)
def community_feed(request, slug: str, query: Query[PageQuery]):
    return cards.page_response(cards.community_feed(request.auth, slug, query.cursor, query.limit))


@router.get(
    "/communities/{slug}/pinned", response={200: list[PostOut], **ERRORS}, exclude_unset=True
)
def community_pinned(request, slug: str):
    community = community_services.access_readable_community(request.auth, slug)
    return posts_out(feeds.pinned(request.auth, community))


@router.get("/users/{username}/posts", response={200: PostPage, **ERRORS}, exclude_unset=True)
def profile_feed(request, username: str, query: Query[PageQuery]):
    """A person's posts and articles that you may read."""
    author = people_services.access_user(request.auth, username)
    return cards.page_response(cards.profile(request.auth, author.pk, query.cursor, query.limit))


@router.get("/tags/{name}", response={200: HashtagOut, **ERRORS})
def get_hashtag(request, name: str):
    tag = hashtags.find(name)
    return {
        "name": tag.name if tag else hashtags.check_name(name),
        "following": hashtags.is_following(request.auth, tag),
    }


@router.get("/tags/{name}/posts", response={200: PostPage, **ERRORS}, exclude_unset=True)
def hashtag_feed(request, name: str, query: Query[PageQuery]):
    """Posts you may read carrying the hashtag. A tag nobody used answers an empty page,
    like one used only where you can't go."""
    tag = hashtags.find(name)
    if tag is None:
        return {"items": [], "next_cursor": None}
    return cards.page_response(cards.hashtag(request.auth, tag.pk, query.cursor, query.limit))


@router.post("/tags/{name}/follow", response={200: HashtagOut, **ERRORS})
def follow_hashtag(request, name: str):
    tag = hashtags.follow_hashtag(request.auth, name)
    return {"name": tag.name, "following": True}


@router.delete("/tags/{name}/follow", response={200: HashtagOut, **ERRORS})
def unfollow_hashtag(request, name: str):
    hashtags.unfollow_hashtag(request.auth, name)
    tag = hashtags.find(name)
    return {"name": tag.name if tag else hashtags.check_name(name), "following": False}


# --- @mention suggestions -----------------------------------------------------------------------


@router.get("/mentions/suggestions", response={200: list[PersonRef], **ERRORS}, exclude_unset=True)
def mention_suggestions(
    request, q: str = "", community: str = "", post_id: int | None = None, limit: int = 6
):
    """People to suggest for the @name `q` being typed (2 characters or more), among those
    who will be able to read the text: for a comment or an answer, give the post (`post_id`);
    for a new post, its community (`community`, a slug; none: your profile). A mention of
    anyone else would link nothing and notify no one."""
    found = services.mention_candidates(
        request.auth, q, community_slug=community or None, post_id=post_id, limit=limit
    )
    return [
        {"username": p.username, "display_name": p.display_name, "avatar_url": p.avatar_url}
        for p in found
    ]
