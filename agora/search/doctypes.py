"""The document types of the apps that exist so far: people, posts, articles, comments,
communities, hashtags. Visibility comes from each app's own rules module."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from agora.communities.models import Community
from agora.communities.visibility import listed_communities
from agora.conversations.models import Comment, Hashtag, Post, PostHashtag
from agora.conversations.visibility import posts_visible_q, visible_comments, visible_posts
from agora.core.links import object_url
from agora.people.models import Profile, Visibility
from agora.people.visibility import visible_profiles

from .analysis import detect_language
from .models import Audience
from .registry import DocData, DocType, ViewerScope, community_content, register


def _lang(text: str, user=None) -> str:
    default = getattr(user, "language", "") or "" if user is not None else ""
    return detect_language(text, default)


def _none(viewer) -> bool:
    return viewer is None or not viewer.is_authenticated


# --- people -----------------------------------------------------------------------------------
# Only fields visible to EVERYONE or to EMPLOYEES are indexed, each in the document of its
# audience; "people I follow" and "only me" fields never enter the shared index.


def _person_parts(profile: Profile, audience: int) -> list[str]:
    allowed = {Visibility.EVERYONE} | ({Visibility.EMPLOYEES} if audience else set())
    parts = []
    if profile.headline and profile.headline_visibility in allowed:
        parts.append(profile.headline)
    if profile.skills_visibility in allowed:
        parts.extend(link.skill.name for link in profile.skill_links.all())
    if profile.interests_visibility in allowed:
        parts.extend(link.interest.name for link in profile.interest_links.all())
    if profile.help_with and profile.help_with_visibility in allowed:
        parts.append(profile.help_with)
    return parts


def build_person(profile: Profile) -> list[DocData]:
    user = profile.user
    if not user.is_active:
        return []
    url = reverse("people:profile", args=[user.username])
    docs = []
    for audience in (Audience.EVERYONE, Audience.EMPLOYEES):
        body = "\n".join(_person_parts(profile, audience))
        docs.append(
            DocData(
                title=profile.display_name or user.username,
                body=body,
                url=url,
                created_at=profile.created_at,
                audience=audience,
                author_id=user.pk,
                lang=getattr(user, "language", "") or "",
            )
        )
    return docs


def person_prefilter(scope: ViewerScope) -> Q:
    return Q(audience=Audience.EMPLOYEES if scope.is_employee else Audience.EVERYONE)


def person_visible(viewer) -> Q:
    if _none(viewer):
        return Q(pk__in=[])
    audience = Audience.EMPLOYEES if viewer.is_employee else Audience.EVERYONE
    return Q(doc_type="person", audience=audience) & Q(
        Exists(visible_profiles(viewer).filter(user_id=OuterRef("object_id")))
    )


# --- posts and articles -----------------------------------------------------------------------


def _build_post(post: Post, kind: str) -> list[DocData]:
    if post.kind != kind or post.deleted_at is not None:
        return []
    # Hidden posts stay indexed (a moderator may restore them with a bulk update) and are
    # filtered out at query time by the visibility rules.
    return [
        DocData(
            title=post.title,
            body=post.body,
            url=object_url("conversations:post", post.pk),
            created_at=post.created_at,
            community_id=post.community_id,
            author_id=post.author_id,
            lang=_lang(f"{post.title}\n{post.body}", post.author),
        )
    ]


POST_VALUES = ("id", "kind", "title", "body", "created_at", "community_id", "author_id")
POST_VALUES += ("author__language",)


def _post_from_values(v: dict, kind: str) -> list[DocData]:
    # The bulk twin of _build_post (the queryset already excludes deleted posts).
    if v["kind"] != kind:
        return []
    title, body = v["title"] or "", v["body"] or ""
    return [
        DocData(
            title=title,
            body=body,
            url=object_url("conversations:post", v["id"]),
            created_at=v["created_at"],
            community_id=v["community_id"],
            author_id=v["author_id"],
            lang=detect_language(f"{title}\n{body}", v["author__language"] or ""),
        )
    ]


def _post_visible(kind):
    def visible(viewer) -> Q:
        if _none(viewer):
            return Q(pk__in=[])
        return Q(doc_type=kind) & Q(Exists(visible_posts(viewer).filter(pk=OuterRef("object_id"))))

    return visible


# --- comments ---------------------------------------------------------------------------------


def build_comment(comment: Comment) -> list[DocData]:
    if comment.deleted_at is not None:
        return []
    post = comment.post
    return [
        DocData(
            title=post.title or "",
            body=comment.body,
            url=object_url("conversations:post", post.pk) + f"#comment-{comment.pk}",
            created_at=comment.created_at,
            community_id=post.community_id,
            author_id=comment.author_id,
            lang=_lang(comment.body, comment.author),
        )
    ]


COMMENT_VALUES = ("id", "body", "created_at", "author_id", "post_id", "post__title")
COMMENT_VALUES += ("post__community_id", "author__language")


def comment_from_values(v: dict) -> list[DocData]:
    # The bulk twin of build_comment (the queryset already excludes deleted comments).
    return [
        DocData(
            title=v["post__title"] or "",
            body=v["body"],
            url=object_url("conversations:post", v["post_id"]) + f"#comment-{v['id']}",
            created_at=v["created_at"],
            community_id=v["post__community_id"],
            author_id=v["author_id"],
            lang=detect_language(v["body"], v["author__language"] or ""),
        )
    ]


def comment_visible(viewer) -> Q:
    if _none(viewer):
        return Q(pk__in=[])
    return Q(doc_type="comment") & Q(
        Exists(visible_comments(viewer).filter(pk=OuterRef("object_id")))
    )


# --- communities ------------------------------------------------------------------------------


def build_community(community: Community) -> list[DocData]:
    return [
        DocData(
            title=community.name,
            body=community.description,
            url=reverse("communities:detail", args=[community.slug]),
            created_at=community.created_at,
            community_id=community.pk,
            author_id=community.created_by_id,
            lang=_lang(f"{community.name}\n{community.description}"),
        )
    ]


def community_visible(viewer) -> Q:
    if _none(viewer):
        return Q(pk__in=[])
    return Q(doc_type="community") & Q(
        Exists(listed_communities(viewer).filter(pk=OuterRef("object_id")))
    )


# --- hashtags ---------------------------------------------------------------------------------


def build_hashtag(tag: Hashtag) -> list[DocData]:
    return [
        DocData(
            title=f"#{tag.name}",
            body="",
            url=reverse("conversations:hashtag", args=[tag.name]),
            created_at=None,
        )
    ]


def hashtag_visible(viewer) -> Q:
    """A hashtag exists for the viewer when a post they may read carries it (a tag used only
    in a secret community must not reveal itself)."""
    if _none(viewer):
        return Q(pk__in=[])
    used = PostHashtag.objects.filter(
        posts_visible_q(viewer, "post"), hashtag=OuterRef("object_id")
    )
    return Q(doc_type="hashtag") & Q(Exists(used))


# What the builders read (a reindex loads millions of rows: no other column is fetched).
POST_FIELDS = (
    "id",
    "kind",
    "title",
    "body",
    "deleted_at",
    "created_at",
    "community",
    "author",
    "author__id",
    "author__language",
)
COMMENT_FIELDS = (
    "id",
    "body",
    "deleted_at",
    "created_at",
    "author",
    "post",
    "post__id",
    "post__title",
    "post__community",
    "author__id",
    "author__language",
)

register(
    DocType(
        name="person",
        model=Profile,
        build=build_person,
        visible=person_visible,
        prefilter=person_prefilter,
        queryset=lambda: Profile.objects.select_related("user").prefetch_related(
            "skill_links__skill", "interest_links__interest"
        ),
        label=gettext_lazy("People"),
    )
)
for _kind, _label in (("post", gettext_lazy("Posts")), ("article", gettext_lazy("Articles"))):
    register(
        DocType(
            name=_kind,
            model=Post,
            build=lambda post, k=_kind: _build_post(post, k),
            visible=_post_visible(_kind),
            prefilter=community_content,
            bulk_values=POST_VALUES,
            build_values=lambda v, k=_kind: _post_from_values(v, k),
            queryset=lambda k=_kind: (
                Post.objects.filter(kind=k, deleted_at__isnull=True)
                .select_related("author")
                .only(*POST_FIELDS)
                .order_by("id")
            ),
            label=_label,
        )
    )
register(
    DocType(
        name="comment",
        model=Comment,
        build=build_comment,
        visible=comment_visible,
        prefilter=community_content,
        bulk_values=COMMENT_VALUES,
        build_values=comment_from_values,
        queryset=lambda: (
            Comment.objects.filter(deleted_at__isnull=True)
            .select_related("post", "author")
            .only(*COMMENT_FIELDS)
            .order_by("id")
        ),
        label=gettext_lazy("Comments"),
    )
)
register(
    DocType(
        name="community",
        model=Community,
        build=build_community,
        visible=community_visible,
        queryset=lambda: Community.objects.order_by("id"),
        label=gettext_lazy("Communities"),
    )
)
register(
    DocType(
        name="hashtag",
        model=Hashtag,
        build=build_hashtag,
        visible=hashtag_visible,
        queryset=lambda: Hashtag.objects.order_by("id"),
        label=gettext_lazy("Hashtags"),
    )
)
