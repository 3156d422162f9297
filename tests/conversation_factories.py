"""Factories for communities, posts and comments.

The factories write rows directly (fast, for lists and permission matrices); `publish` and
`comment_on` go through the services (mentions, hashtags, fan-out) for tests that need them.
"""

import factory
from django.db.models import F

from agora.communities.models import Community, Membership
from agora.conversations.models import Attachment, Comment, Post, TimelineEntry
from agora.core.markdown import render_markdown
from tests.factories import UserFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    kind = Community.Kind.OPEN
    description = "What we talk about"
    description_html = factory.LazyAttribute(lambda c: render_markdown(c.description))
    member_count = 0


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if obj.state == Membership.State.ACTIVE:
            Community.objects.filter(pk=obj.community_id).update(
                member_count=Membership.objects.filter(
                    community_id=obj.community_id, state=Membership.State.ACTIVE
                ).count()
            )
        return obj


def add_member(community, user, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE):
    if user.is_guest and role == Membership.Role.MEMBER:
        role = Membership.Role.GUEST
    return MembershipFactory(community=community, user=user, role=role, state=state)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    author = factory.SubFactory(UserFactory)
    community = None
    body = factory.Sequence(lambda n: f"Post number {n}")
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    parent = None
    body = factory.Sequence(lambda n: f"Comment number {n}")
    body_html = factory.LazyAttribute(lambda c: render_markdown(c.body))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        Post.objects.filter(pk=obj.post_id).update(comment_count=obj.post.comments.count())
        return obj


def attach(post, name="notes.pdf", content=b"%PDF-1.4 secret file", content_type=None):
    from django.core.files.base import ContentFile

    is_image = name.endswith(".png")
    attachment = Attachment(
        post=post,
        name=name,
        content_type=content_type or ("image/png" if is_image else "application/pdf"),
        size=len(content),
        is_image=is_image,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    # as services._attach keeps it: the cards read the number of files off the post's row
    Post.objects.filter(pk=post.pk).update(attachment_count=F("attachment_count") + 1)
    return attachment


def into_timeline(user, *posts):
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(user=user, post=p, created_at=p.created_at) for p in posts],
        ignore_conflicts=True,
    )


def publish(author, body, **kwargs):
    """A post through the service (mentions, hashtags, notifications, fan-out on commit).
    In non-transactional tests, wrap in django_capture_on_commit_callbacks(execute=True)."""
    from agora.conversations import services

    return services.create_post(author, body=body, **kwargs)


# A tiny valid PNG (4×4 red pixels).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x04\x00\x00\x00\x04\x08\x02\x00\x00"
    b"\x00&\x93\t)\x00\x00\x00\x14IDATx\x9cc<\xc1\xc5\xc5\x00\x03L\x0cH\x007\x07\x00,\xba"
    b"\x00\xe45UR\xfd\x00\x00\x00\x00IEND\xaeB`\x82"
)
