"""API shapes for posts, articles, comments, reactions and feeds."""

import datetime as dt

from django.urls import NoReverseMatch, reverse
from ninja import Field, Schema

from agora.communities.schemas import CommunityRef, PersonRef, community_ref, compact, person_ref
from agora.core.api import StrictInput

from .models import Attachment, Comment, Post, PostRevision


def _web_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class CategoryOut(Schema):
    slug: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    is_image: bool
    url: str = Field(..., description="Download address; the same permission check as the post.")


def attachment_out(attachment: Attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "is_image": attachment.is_image,
        "url": reverse(
            "api:post_attachment",
            kwargs={"post_id": attachment.post_id, "attachment_id": attachment.pk},
        ),
    }


class QuotedOut(Schema):
    id: int
    kind: str
    author: PersonRef
    community: CommunityRef | None = None
    title: str
    body_html: str
    created_at: dt.datetime


class PostOut(Schema):
    id: int
    kind: str = Field(..., description="post or article")
    url: str | None = None
    author: PersonRef
    community: CommunityRef | None = Field(None, description="Absent: written on a profile.")
    title: str
    category: CategoryOut | None = None
    body: str = Field(..., description="Markdown source")
    body_html: str = Field(..., description="Sanitised HTML")
    quoted: QuotedOut | None = Field(
        None, description="The shared post, only when the caller may read it."
    )
    hashtags: list[str]
    attachments: list[AttachmentOut]
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    pinned_at: dt.datetime | None = None
    comment_count: int
    reaction_count: int
    reactions: dict[str, int] = Field(..., description="Count per kind of reaction")
    viewer_reaction: str | None = None


def _quoted_out(post: Post) -> dict | None:
    quoted = post.quoted
    if quoted is None or not getattr(post, "quoted_visible", False):
        return None
    return compact(
        {
            "id": quoted.pk,
            "kind": quoted.kind,
            "author": person_ref(quoted.author),
            "community": community_ref(quoted.community) if quoted.community_id else None,
            "title": quoted.title,
            "body_html": quoted.body_html,
            "created_at": quoted.created_at,
        }
    )


def post_out(post: Post) -> dict:
    """`post` comes from services.shape_posts (its reactions per kind are its counters)."""
    own = getattr(post, "viewer_reactions", [])
    return compact(
        {
            "id": post.pk,
            "kind": post.kind,
            "url": _web_url("conversations:post", post.pk),
            "author": person_ref(post.author),
            "community": community_ref(post.community) if post.community_id else None,
            "title": post.title,
            "category": (
                {"slug": post.category.slug, "name": post.category.name} if post.category else None
            ),
            "body": post.body,
            "body_html": post.body_html,
            "quoted": _quoted_out(post) if post.quoted_id else None,
            "hashtags": [t.name for t in post.hashtags.all()],
            "attachments": [attachment_out(a) for a in post.attachments.all()],
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "pinned_at": post.pinned_at,
            "comment_count": post.comment_count,
            "reaction_count": post.reaction_count,
            "reactions": post.reactions_by_kind(),
            "viewer_reaction": own[0].kind if own else None,
        }
    )


def posts_out(posts: list[Post]) -> list[dict]:
    return [post_out(p) for p in posts]


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None


class PostRefOut(Schema):
    id: int
    kind: str
    url: str | None = None
    author: PersonRef
    title: str
    excerpt: str
    created_at: dt.datetime


def post_ref_out(post: Post) -> dict:
    return compact(
        {
            "id": post.pk,
            "kind": post.kind,
            "url": _web_url("conversations:post", post.pk),
            "author": person_ref(post.author),
            "title": post.title,
            "excerpt": post.body[:200],
            "created_at": post.created_at,
        }
    )


class RevisionOut(Schema):
    title: str
    body: str
    edited_by: PersonRef | None = None
    replaced_at: dt.datetime


def revision_out(revision: PostRevision) -> dict:
    return compact(
        {
            "title": revision.title,
            "body": revision.body,
            "edited_by": person_ref(revision.edited_by) if revision.edited_by else None,
            "replaced_at": revision.replaced_at,
        }
    )


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None = None
    author: PersonRef
    body: str
    body_html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    reaction_count: int
    reactions: dict[str, int]
    viewer_reaction: str | None = None
    replies: list["CommentOut"] | None = Field(
        None, description="Replies to a top-level comment (one level), oldest first"
    )


def comment_out(comment: Comment, *, nested: bool = False) -> dict:
    own = getattr(comment, "viewer_reactions", None)
    out = {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author": person_ref(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "reaction_count": comment.reaction_count,
        "reactions": comment.reactions_by_kind(),
        "viewer_reaction": own[0].kind if own else None,
    }
    if nested:
        out["replies"] = [comment_out(r) for r in getattr(comment, "visible_replies", [])]
    return compact(out)


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class PostIn(StrictInput):
    kind: str = Field(Post.Kind.POST, description="post or article")
    body: str = Field(..., max_length=50_000, description="Markdown")
    title: str = Field("", max_length=200, description="Required for articles")
    category: str = Field("", description="Category slug (articles)")
    community: str | None = Field(None, description="Community slug; absent: your profile")
    quoted_id: int | None = Field(None, description="The post you share/quote")


class PostPatch(StrictInput):
    body: str | None = Field(None, max_length=50_000)
    title: str | None = Field(None, max_length=200)


class CommentIn(StrictInput):
    body: str = Field(..., max_length=10_000)
    parent_id: int | None = Field(None, description="The comment you reply to")


class CommentPatch(StrictInput):
    body: str = Field(..., max_length=10_000)


class ReactionIn(StrictInput):
    kind: str = Field(..., description="like, celebrate, support, insightful or curious")


class ReactionState(Schema):
    reaction: str | None = Field(None, description="Your reaction now (null: none)")
    reaction_count: int
    reactions: dict[str, int]


class ReactorOut(Schema):
    person: PersonRef
    kind: str
    created_at: dt.datetime


class NewCount(Schema):
    count: int = Field(..., description="New posts since then (capped at 100)")


class HashtagOut(Schema):
    name: str
    following: bool
