"""Where posts, articles, comments and reactions are created, edited and removed.

Views and API routers call these functions; nothing else writes conversation data.
"""

import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.communities.models import Community, Membership
from agora.communities.services import access_readable_community
from agora.communities.visibility import can_moderate, membership_of
from agora.core.errors import Forbidden, Invalid, NotFound
from agora.core.markdown import render_markdown
from agora.core.pagination import Page, paginate
from agora.people.presenters import present, shape_profiles
from agora.people.text import fold
from agora.people.visibility import visible_profiles

from . import feed, hashtags, parsing
from .models import (
    KIND_COLUMNS,
    Attachment,
    Category,
    Comment,
    CommentRevision,
    Mention,
    Post,
    PostHashtag,
    PostReference,
    PostRevision,
    Reaction,
)
from .visibility import post_readers_q, visible_comments, visible_posts

MAX_BODY = 50_000
MAX_COMMENT = 10_000
MAX_MENTIONS = 20  # each mention costs a visibility check; a post is not a mailing list


def _notify(kind, recipient, actor, **targets):
    from agora.notifications.services import notify

    notify(kind, recipient=recipient, actor=actor, **targets)


# --- Reading ------------------------------------------------------------------------------------


# The rows a post card reads along with the post.
CARD_RELATIONS = (
    "author__profile",
    "community",
    "category",
    "quoted__author__profile",
    "quoted__community",
    "question",  # a question's card shows its answer count (qa.Question, one-to-one)
)


def _quoted_visible(viewer) -> Exists:
    """The quoted post may live where this reader can't go (a secret community, hidden,
    deleted): a card shows it only if this is true."""
    return Exists(visible_posts(viewer).filter(pk=OuterRef("quoted_id")))


def shape_posts(qs: QuerySet[Post], viewer) -> QuerySet[Post]:
    """Everything a post card shows, in a fixed number of queries for any page size."""
    own_reactions = (
        Reaction.objects.filter(user=viewer)
        if viewer.is_authenticated
        else (Reaction.objects.none())
    )
    return (
        qs.select_related(*CARD_RELATIONS)
        .prefetch_related(
            "attachments",
            "hashtags",
            Prefetch("reactions", queryset=own_reactions, to_attr="viewer_reactions"),
        )
        .annotate(quoted_visible=_quoted_visible(viewer))
    )


# What a post card of a web feed shows (conversations/_post_card.html and its reaction bar),
# and nothing else: the author's and quoted author's ~30 profile and ~20 account columns
# were most of the cost of building a page of cards (bench/README.md, "the web home page").
CARD_FIELDS = (
    "id", "kind", "title", "body_html", "created_at", "edited_at", "pinned_at",
    "comment_count", "reaction_count", *KIND_COLUMNS.values(), "attachment_count",
    "author__username", "author__kind", "author__profile__display_name",
    "author__profile__avatar",
    "community__slug", "community__name",
    "category__slug", "category__name",
    "quoted__title", "quoted__body_html", "quoted__author__username",
    "quoted__author__profile__display_name", "quoted__community__name",
    "question__answer_count", "question__accepted_answer_id",
)  # fmt: skip


def shape_cards(qs: QuerySet[Post], viewer) -> list[Post]:
    """A page of post cards for the web feeds: one query for the cards (the viewer's own
    reaction as a subquery of each row), and one for the files of the cards that have some.
    Touching a field a card does not show costs a query per card: tests count them."""
    own = (
        Subquery(Reaction.objects.filter(user=viewer, post=OuterRef("pk")).values("kind")[:1])
        if viewer.is_authenticated
        else Value(None, output_field=CharField())
    )
    posts = list(
        qs.select_related(*CARD_RELATIONS)
        .only(*CARD_FIELDS)
        .annotate(quoted_visible=_quoted_visible(viewer), viewer_reaction=own)
    )
    with_files = [post for post in posts if post.attachment_count]
    if with_files:
        prefetch_related_objects(with_files, "attachments")
    if without := [post for post in posts if not post.attachment_count]:
        # An empty prefetch (no query) so that the card's `attachments.all` is not a new
        # queryset compiled for each card.
        empty = Prefetch("attachments", queryset=Attachment.objects.none())
        prefetch_related_objects(without, empty)
    return posts


def own_reaction_kinds(target) -> set[str]:
    """The kinds the viewer reacted with, from `shape_cards`' subquery or from the
    `viewer_reactions` prefetch of `shape_posts` and the comment pages."""
    if hasattr(target, "viewer_reaction"):
        return {target.viewer_reaction} if target.viewer_reaction else set()
    return {r.kind for r in getattr(target, "viewer_reactions", [])}


def access_post(viewer, post_id: int) -> Post:
    post = shape_posts(visible_posts(viewer).filter(pk=post_id), viewer).first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def access_comment(viewer, comment_id: int) -> Comment:
    comment = (
        visible_comments(viewer)
        .select_related("post", "post__community", "author__profile")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def comments_of(viewer, post: Post) -> list[Comment]:
    """Top-level comments with their replies nested, oldest first (a conversation reads
    top-down). Hidden and deleted ones are left out."""
    own = Reaction.objects.filter(user=viewer)
    rows = list(
        visible_comments(viewer)
        .filter(post=post)
        .select_related("author__profile")
        .prefetch_related(Prefetch("reactions", queryset=own, to_attr="viewer_reactions"))
        .order_by("created_at", "id")
    )
    top = [c for c in rows if c.parent_id is None]
    by_parent: dict[int, list[Comment]] = {}
    for c in rows:
        if c.parent_id is not None:
            by_parent.setdefault(c.parent_id, []).append(c)
    for c in top:
        c.visible_replies = by_parent.get(c.pk, [])
    return top


def comment_page(viewer, post: Post, cursor=None, limit=None) -> Page:
    """A page of top-level comments, oldest first, each with all its replies nested (one
    level): four queries whatever the page size."""
    own = Reaction.objects.filter(user=viewer)

    def shaped(qs):
        return qs.select_related("author__profile").prefetch_related(
            Prefetch("reactions", queryset=own, to_attr="viewer_reactions")
        )

    comments = visible_comments(viewer).filter(post=post)
    page = paginate(
        shaped(comments.filter(parent__isnull=True)), ["created_at", "id"], cursor, limit
    )
    by_parent: dict[int, list[Comment]] = {c.pk: [] for c in page.items}
    if by_parent:
        replies = shaped(comments.filter(parent_id__in=list(by_parent))).order_by(
            "created_at", "id"
        )
        for reply in replies:
            by_parent[reply.parent_id].append(reply)
    for c in page.items:
        c.visible_replies = by_parent[c.pk]
    return page


def revisions_of(viewer, post: Post) -> QuerySet[PostRevision]:
    return post.revisions.select_related("edited_by__profile")


def referenced_by(viewer, post: Post) -> QuerySet[Post]:
    return (
        visible_posts(viewer)
        .filter(references__target=post)
        .select_related("author__profile")
        .order_by("-created_at")[:20]
    )


# --- Writing posts ------------------------------------------------------------------------------


@dataclass
class Upload:
    name: str
    content: bytes
    declared_type: str = ""


ALLOWED_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}


def sniff_type(content: bytes, name: str) -> str | None:
    """The type from the bytes, not from what the client claims. None: not allowed."""
    head = content[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        guessed = mimetypes.guess_type(name)[0]
        return guessed if guessed in ALLOWED_TYPES else "application/zip"
    try:
        text = content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<" in text and any(
        tag in text.lower() for tag in ("<script", "<html", "<svg", "<!doctype")
    ):
        return None  # markup would be served back as a file: refuse rather than risk it
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def check_uploads(uploads: list[Upload]) -> list[tuple[Upload, str]]:
    if len(uploads) > settings.AGORA_MAX_ATTACHMENTS:
        raise Invalid(
            fields={
                "attachments": [_("At most %(n)d files.") % {"n": settings.AGORA_MAX_ATTACHMENTS}]
            }
        )
    checked = []
    for upload in uploads:
        if len(upload.content) > settings.AGORA_MAX_ATTACHMENT_BYTES:
            raise Invalid(
                fields={
                    "attachments": [
                        _("%(name)s is too large (at most %(mb)d MB).")
                        % {
                            "name": upload.name,
                            "mb": settings.AGORA_MAX_ATTACHMENT_BYTES // (1024 * 1024),
                        }
                    ]
                }
            )
        kind = sniff_type(upload.content, upload.name)
        if kind is None or kind not in ALLOWED_TYPES:
            raise Invalid(
                fields={
                    "attachments": [
                        _("%(name)s: this type of file is not accepted.") % {"name": upload.name}
                    ]
                }
            )
        checked.append((upload, kind))
    return checked


def attach_files(actor, post_id: int, uploads: list[Upload]) -> list[Attachment]:
    """Add files to one's own post (the API creates the post from JSON, then sends files)."""
    post = access_post(actor, post_id)
    if post.author_id != actor.pk:
        raise Forbidden(_("Only the author can add files to this post."))
    if len(post.attachments.all()) + len(uploads) > settings.AGORA_MAX_ATTACHMENTS:
        raise Invalid(
            fields={
                "attachments": [_("At most %(n)d files.") % {"n": settings.AGORA_MAX_ATTACHMENTS}]
            }
        )
    if not uploads:
        raise Invalid(fields={"attachments": [_("Send at least one file.")]})
    checked = check_uploads(uploads)
    with transaction.atomic():
        return [_attach(post, upload, content_type) for upload, content_type in checked]


def access_attachment(viewer, post_id: int, attachment_id: int) -> Attachment:
    """A file of a post the viewer may read; NotFound otherwise (a file in a secret community
    is not reachable by guessing its address)."""
    attachment = Attachment.objects.filter(
        pk=attachment_id, post_id=post_id, post__in=visible_posts(viewer)
    ).first()
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment


def _can_post_in(actor, community: Community | None) -> bool:
    if community is None:
        return actor.is_employee
    membership = membership_of(actor, community)
    return membership is not None and membership.state == Membership.State.ACTIVE


def _check_text(title: str, body: str, kind: str) -> dict:
    errors = {}
    if not body or not body.strip():
        errors["body"] = [_("Write something first.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("At most %(n)d characters.") % {"n": MAX_BODY}]
    if kind == Post.Kind.ARTICLE and not (title or "").strip():
        errors["title"] = [_("An article needs a title.")]
    if len(title or "") > 200:
        errors["title"] = [_("At most %(n)d characters.") % {"n": 200}]
    return errors


def _audience_usernames(post: Post, names: list[str]) -> dict[str, object]:
    """The mentioned people who exist and may read the post: only they are linked and told."""
    if not names or post.deleted_at or post.hidden_at:
        return {}
    users = get_user_model().objects.filter(
        post_readers_q(post.community), username__in=names, is_active=True
    )
    return {user.username: user for user in users}


MENTION_SUGGESTIONS = 6


def mention_candidates(
    viewer,
    partial: str,
    *,
    community_slug: str | None = None,
    post_id: int | None = None,
    limit: int = MENTION_SUGGESTIONS,
) -> list:
    """The people to suggest for the @name `partial` being typed: those the viewer may see
    whose name or username matches, and who will be able to read the text, since a mention
    of anyone else links nothing and tells no one (_audience_usernames). Where the text
    goes: under the post `post_id` (a comment, an answer, an edit), else a new post in the
    community `community_slug`, else ("" or None) on the viewer's profile. A place the
    viewer can't read suggests nobody."""
    partial = (partial or "")[:150].replace("\x00", "").strip().lstrip("@")
    if len(partial) < 2 or viewer is None or not viewer.is_authenticated:
        return []
    if post_id is not None:
        post = visible_posts(viewer).select_related("community").filter(pk=post_id).first()
        if post is None:
            return []
        community = post.community
    elif community_slug:
        try:
            community = access_readable_community(viewer, community_slug)
        except (NotFound, Forbidden):
            return []
    elif viewer.is_guest:  # guests write in their communities only
        return []
    else:
        community = None
    key = fold(partial)
    qs = visible_profiles(viewer).filter(
        post_readers_q(community, "user"),
        Q(name_key__contains=key) | Q(user__username__istartswith=partial),
    )
    found = shape_profiles(qs.exclude(user=viewer), viewer).order_by("name_key", "user_id")
    return [present(profile, viewer) for profile in found[: max(1, min(limit, 20))]]


def mentioned_readers(post: Post, body: str) -> dict[str, object]:
    """The people `body` @mentions (the first MAX_MENTIONS names, outside code) who exist and
    may read `post`, by username: only they are linked and told. For text that is read under
    a post without being one of its comments (an answer to a question)."""
    return _audience_usernames(post, parsing.mentions(body)[:MAX_MENTIONS])


def render_with_mentions(body: str, mentioned) -> str:
    """The HTML of `body` with the `mentioned` usernames and the #hashtags linked, as posts
    and comments show them."""
    return render_markdown(parsing.link_entities(body, set(mentioned)))


def _index_text(post: Post, *, notify_new_mentions: bool, actor, new: bool = False) -> None:
    """Mentions, hashtags, references and the rendered HTML, from the current text.

    `new`: the post was just inserted, with its HTML when it mentions nobody (see
    create_post): there is no earlier state to compare with, so the "already mentioned" and
    "stale tag/reference" queries are skipped (they were a third of creating a post)."""
    names = parsing.mentions(post.body)[:MAX_MENTIONS]
    mentioned = _audience_usernames(post, names)
    if not (new and not names):
        post.body_html = render_markdown(parsing.link_entities(post.body, set(mentioned)))
        post.save(update_fields=["body_html"])

    already = (
        set() if new else set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    )
    if not new:
        Mention.objects.filter(post=post).exclude(
            user_id__in=[u.pk for u in mentioned.values()]
        ).delete()
    if mentioned:
        Mention.objects.bulk_create(
            Mention(post=post, user=u) for u in mentioned.values() if u.pk not in already
        )
    if notify_new_mentions:
        for user in mentioned.values():
            if user.pk not in already:
                _notify("mention", user, actor, post=post)

    names = parsing.hashtags(post.body)
    tags = [hashtags.get_or_create(name) for name in names]
    if not new:
        PostHashtag.objects.filter(post=post).exclude(hashtag__in=tags).delete()
    if tags:
        PostHashtag.objects.bulk_create(
            [PostHashtag(post=post, hashtag=t, created_at=post.created_at) for t in tags],
            ignore_conflicts=True,
        )
    if tags or not new:
        post.hashtag_names = hashtags.store_names(post.pk)
    post._tag_ids = [t.pk for t in tags]  # distribute() sizes the audience with them

    links = parsing.post_links(post.body)
    if new and not links:
        return
    targets = visible_posts(actor).filter(pk__in=links).exclude(pk=post.pk)
    if not new:
        PostReference.objects.filter(source=post).exclude(target__in=targets).delete()
    PostReference.objects.bulk_create(
        [PostReference(source=post, target=t) for t in targets], ignore_conflicts=True
    )


def create_post(
    actor,
    *,
    body: str,
    community: Community | None = None,
    kind: str = Post.Kind.POST,
    title: str = "",
    category: str = "",
    quoted_id: int | None = None,
    uploads: list[Upload] | None = None,
) -> Post:
    if kind not in Post.Kind.values:
        raise Invalid(fields={"kind": [_("Unknown kind of post.")]})
    errors = _check_text(title, body, kind)
    category_obj = None
    if category:
        category_obj = Category.objects.filter(slug=category).first()
        if category_obj is None:
            errors["category"] = [_("Unknown category.")]
    quoted = None
    if quoted_id is not None:
        quoted = visible_posts(actor).filter(pk=quoted_id).first()
        if quoted is None:
            errors["quoted"] = [_("No such post.")]
    if errors:
        raise Invalid(fields=errors)
    if not _can_post_in(actor, community):
        raise Forbidden(_("You cannot post here."))
    checked = check_uploads(uploads or [])

    # Without mentions the HTML doesn't depend on who may read the post: render it before
    # the INSERT, so the row is written (and indexed for search) once, not twice.
    body_html = (
        "" if parsing.mentions(body) else render_markdown(parsing.link_entities(body, set()))
    )
    with transaction.atomic():
        post = Post.objects.create(
            kind=kind,
            author=actor,
            community=community,
            title=(title or "").strip(),
            category=category_obj,
            body=body,
            body_html=body_html,
            quoted=quoted,
        )
        _index_text(post, notify_new_mentions=True, actor=actor, new=True)
        for upload, content_type in checked:
            _attach(post, upload, content_type)
        # In the post's own transaction: the author's timeline row, the inline copy or the
        # task's row commit with the post, one commit instead of three (each commit waits
        # for the disk), and a post is never left without its fan-out.
        feed.distribute(post)
    return post


def _attach(post: Post, upload: Upload, content_type: str) -> Attachment:
    from django.core.files.base import ContentFile

    safe_name = upload.name.replace("/", "_").replace("\\", "_")[:200] or "file"
    attachment = Attachment(
        post=post,
        name=safe_name,
        content_type=content_type,
        size=len(upload.content),
        is_image=content_type.startswith("image/"),
    )
    attachment.file.save(safe_name, ContentFile(upload.content), save=False)
    attachment.save()
    Post.objects.filter(pk=post.pk).update(attachment_count=F("attachment_count") + 1)
    return attachment


def _can_edit(actor, author_id: int) -> bool:
    return actor.pk == author_id


def _can_remove(actor, author_id: int, community: Community | None) -> bool:
    if actor.pk == author_id or actor.is_administrator:
        return True
    return community is not None and can_moderate(actor, community)


def edit_post(actor, post_id: int, *, body: str, title: str | None = None) -> Post:
    post = access_post(actor, post_id)
    if not _can_edit(actor, post.author_id):
        raise Forbidden(_("Only the author can edit this post."))
    new_title = post.title if title is None else title
    errors = _check_text(new_title, body, post.kind)
    if errors:
        raise Invalid(fields=errors)
    with transaction.atomic():
        PostRevision.objects.create(post=post, title=post.title, body=post.body, edited_by=actor)
        post.title, post.body, post.edited_at = (new_title or "").strip(), body, timezone.now()
        post.save(update_fields=["title", "body", "edited_at"])
        _index_text(post, notify_new_mentions=True, actor=actor)
    return post


def delete_post(actor, post_id: int) -> None:
    post = access_post(actor, post_id)
    if not _can_remove(actor, post.author_id, post.community):
        raise Forbidden(_("You cannot delete this post."))
    with transaction.atomic():
        post.deleted_at = timezone.now()
        post.save(update_fields=["deleted_at"])
        if actor.pk != post.author_id:
            from agora.core import audit

            audit.record("post.deleted", actor=actor, target=post.author, post=post.pk)


def set_pinned(actor, post_id: int, pinned: bool) -> Post:
    post = access_post(actor, post_id)
    if post.community is None or not can_moderate(actor, post.community):
        raise Forbidden(_("Only community moderators can pin posts."))
    post.pinned_at = timezone.now() if pinned else None
    post.save(update_fields=["pinned_at"])
    return post


# --- Comments -----------------------------------------------------------------------------------


def _access_post_to_write_under(actor, post_id: int) -> Post:
    """The post, if the actor may read it, with only what writing under it needs (its
    community, its author to notify): access_post's card shaping cost four queries a comment
    didn't use."""
    post = visible_posts(actor).select_related("community", "author").filter(pk=post_id).first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def add_comment(actor, post_id: int, body: str, parent_id: int | None = None) -> Comment:
    post = _access_post_to_write_under(actor, post_id)
    if post.community_id and not _can_post_in(actor, post.community):
        raise Forbidden(_("Join this community to comment."))
    if not body or not body.strip():
        raise Invalid(fields={"body": [_("Write something first.")]})
    if len(body) > MAX_COMMENT:
        raise Invalid(fields={"body": [_("At most %(n)d characters.") % {"n": MAX_COMMENT}]})
    parent = None
    if parent_id is not None:
        parent = visible_comments(actor).filter(pk=parent_id, post=post).first()
        if parent is None:
            raise Invalid(fields={"parent": [_("No such comment.")]})
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer in the same thread
    # Who is mentioned doesn't depend on the comment's id: render first and write the row
    # once (a second save re-indexed the comment for search too).
    mentioned = _audience_usernames(post, parsing.mentions(body)[:MAX_MENTIONS])
    body_html = render_markdown(parsing.link_entities(body, set(mentioned)))
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, parent=parent, author=actor, body=body, body_html=body_html
        )
        if mentioned:
            Mention.objects.bulk_create(
                Mention(comment=comment, user=u) for u in mentioned.values()
            )
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        told = {actor.pk}
        for user in mentioned.values():
            if user.pk not in told:
                _notify("mention", user, actor, post=post, comment=comment)
                told.add(user.pk)
        if parent is not None and parent.author_id not in told:
            _notify("reply", parent.author, actor, post=post, comment=comment)
            told.add(parent.author_id)
        if post.author_id not in told:
            _notify("comment", post.author, actor, post=post, comment=comment)
    return comment


def edit_comment(actor, comment_id: int, body: str) -> Comment:
    comment = access_comment(actor, comment_id)
    if comment.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit this comment."))
    if not body or not body.strip() or len(body) > MAX_COMMENT:
        raise Invalid(
            fields={"body": [_("Write between 1 and %(n)d characters.") % {"n": MAX_COMMENT}]}
        )
    with transaction.atomic():
        CommentRevision.objects.create(comment=comment, body=comment.body)
        mentioned = _audience_usernames(comment.post, parsing.mentions(body)[:MAX_MENTIONS])
        comment.body = body
        comment.body_html = render_markdown(parsing.link_entities(body, set(mentioned)))
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        already = set(comment.mentions.values_list("user_id", flat=True))
        keep = {u.pk for u in mentioned.values()}
        comment.mentions.exclude(user_id__in=keep).delete()
        Mention.objects.bulk_create(
            Mention(comment=comment, user=u) for u in mentioned.values() if u.pk not in already
        )
        for user in mentioned.values():
            if user.pk not in already and user.pk != actor.pk:
                _notify("mention", user, actor, post=comment.post, comment=comment)
    return comment


def delete_comment(actor, comment_id: int) -> None:
    comment = access_comment(actor, comment_id)
    if not _can_remove(actor, comment.author_id, comment.post.community):
        raise Forbidden(_("You cannot delete this comment."))
    with transaction.atomic():
        now = timezone.now()
        comment.deleted_at = now
        comment.save(update_fields=["deleted_at"])
        # A deleted top-level comment takes its thread with it (replies are no longer shown),
        # so they leave the count too.
        gone = 1
        if comment.parent_id is None:
            gone += comment.replies.filter(deleted_at__isnull=True, hidden_at__isnull=True).update(
                deleted_at=now
            )
        Post.objects.filter(pk=comment.post_id).update(
            comment_count=Greatest(F("comment_count") - gone, 0)
        )


# --- Reactions ----------------------------------------------------------------------------------


def _more(column: str) -> dict:
    return {column: F(column) + 1}


def _less(column: str) -> dict:
    return {column: Greatest(F(column) - 1, 0)}


def react(
    actor, kind: str, *, post_id: int | None = None, comment_id: int | None = None
) -> str | None:
    """Toggle: the same reaction again removes it; another kind replaces it. Returns the
    reaction now in place (or None). Safe under concurrency: the unique constraint decides."""
    if kind not in Reaction.Kind.values:
        raise Invalid(fields={"kind": [_("Unknown reaction.")]})
    if comment_id is not None:
        target = access_comment(actor, comment_id)
        model, lookup, owner = Comment, {"comment": target}, target.author
        post = target.post
    else:
        target = _access_post_to_write_under(actor, post_id)
        model, lookup, owner = Post, {"post": target}, target.author
        post = target
    if post.community_id and not _can_post_in(actor, post.community):
        raise Forbidden(_("Join this community to react."))
    counters = model.objects.filter(pk=target.pk)
    with transaction.atomic():
        existing = Reaction.objects.select_for_update().filter(user=actor, **lookup).first()
        if existing is not None:
            if existing.kind == kind:
                existing.delete()
                counters.update(**_less("reaction_count"), **_less(KIND_COLUMNS[kind]))
                return None
            counters.update(**_less(KIND_COLUMNS[existing.kind]), **_more(KIND_COLUMNS[kind]))
            existing.kind = kind
            existing.save(update_fields=["kind"])
            return kind
        try:
            with transaction.atomic():
                Reaction.objects.create(user=actor, kind=kind, **lookup)
        except IntegrityError:
            return kind  # a concurrent request of the same person got there first
        counters.update(**_more("reaction_count"), **_more(KIND_COLUMNS[kind]))
    if owner.pk != actor.pk:
        targets = {"post": post}
        if comment_id is not None:
            targets["comment"] = target
        _notify("reaction", owner, actor, **targets)
    return kind


def reactors(
    viewer,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> QuerySet[Reaction]:
    if comment_id is not None:
        target = access_comment(viewer, comment_id)
        qs = Reaction.objects.filter(comment=target)
    else:
        target = access_post(viewer, post_id)
        qs = Reaction.objects.filter(post=target)
    if kind:
        if kind not in Reaction.Kind.values:
            raise Invalid(fields={"kind": [_("Unknown reaction.")]})
        qs = qs.filter(kind=kind)
    visible = visible_profiles(viewer).values("user_id")
    return (
        qs.filter(user_id__in=visible)
        .select_related("user__profile")
        .order_by("-created_at")[:limit]
    )
