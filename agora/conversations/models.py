from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agora.people.text import fold


class Category(models.Model):
    """Categories of long-form articles (blogs): "News", "Engineering", "Life at work"..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Hashtag(models.Model):
    name = models.CharField(max_length=64)
    key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"#{self.name}"

    def save(self, *args, **kwargs):
        self.key = fold(self.name).replace(" ", "")
        super().save(*args, **kwargs)


class ReactionCounts(models.Model):
    """How many reactions a post or a comment has, in all and per kind (Reaction.Kind), kept
    in step by `services.react` with F() updates in the reaction's own transaction. Per kind
    on the row because every card shows them: counting them from the reactions instead cost
    the database a grouped scan per card of every feed page (bench/README.md, fourth pass)."""

    reaction_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    celebrate_count = models.PositiveIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0)
    insightful_count = models.PositiveIntegerField(default=0)
    curious_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def reactions_by_kind(self) -> dict[str, int]:
        """{"like": 3, "celebrate": 1}: the kinds that have reactions, fewest first."""
        return by_kind(getattr(self, column) for column in KIND_COLUMNS.values())


def by_kind(counts) -> dict[str, int]:
    """The per-kind counts, in KIND_COLUMNS' order, as a card shows them: the kinds that have
    any, by count then kind."""
    pairs = sorted((n, kind) for kind, n in zip(KIND_COLUMNS, counts, strict=True) if n)
    return {kind: n for n, kind in pairs}


class Post(ReactionCounts):
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        ARTICLE = "article", _("Article")
        QUESTION = "question", _("Question")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    # None: written on the author's profile, readable by employees (never by guests).
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    body = models.TextField(_("text"), max_length=50_000)
    body_html = models.TextField(editable=False)
    quoted = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Kept in step with F() updates in the same transaction as the row it counts (as are
    # the reaction counts of ReactionCounts).
    comment_count = models.PositiveIntegerField(default=0)
    # What every card shows of the post's hashtags and files, kept on the row so a page of
    # cards needs no lookup per card for them (bench/README.md, fourth pass): the tags' names
    # in key order, space-separated (`hashtags.store_names` after every change of the
    # PostHashtag rows), and how many files are attached (`services._attach`).
    hashtag_names = models.TextField(blank=True, default="", editable=False)
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)

    hashtags = models.ManyToManyField(Hashtag, through="PostHashtag", related_name="posts")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # profile feed, community feed: newest first with a (created_at, id) cursor
            models.Index(fields=["author", "-created_at", "-id"], name="post_by_author"),
            models.Index(fields=["community", "-created_at", "-id"], name="post_by_community"),
            models.Index(fields=["-created_at", "-id"], name="post_recent"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class PostRevision(models.Model):
    """The text as it was before each edit, so the history can be shown."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.replaced_at:%Y-%m-%d %H:%M}"


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_links")
    # The post's creation time, copied so a hashtag feed is one index range scan.
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "hashtag"], name="tag_once")]
        indexes = [models.Index(fields=["hashtag", "-created_at", "-post"], name="hashtag_feed")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.hashtag_id}"


class PostReference(models.Model):
    """A post that links to another post: shown on the target as "referenced by"."""

    source = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="references")
    target = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="referenced_by")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="ref_once")]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class Mention(models.Model):
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        "Comment", null=True, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id or self.comment_id}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Comment(ReactionCounts):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at", "id"], name="comments_of_post")]

    def __str__(self) -> str:
        return self.body[:60]


class CommentRevision(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        CELEBRATE = "celebrate", _("Celebrate")
        SUPPORT = "support", _("Support")
        INSIGHTFUL = "insightful", _("Insightful")
        CURIOUS = "curious", _("Curious")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One reaction per person per target: the database enforces it under concurrency.
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=models.Q(post__isnull=False),
                name="one_reaction_per_post",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=models.Q(comment__isnull=False),
                name="one_reaction_per_comment",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(post__isnull=False, comment__isnull=True)
                    | models.Q(post__isnull=True, comment__isnull=False)
                ),
                name="reaction_has_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "kind"], name="reactions_of_post"),
            models.Index(fields=["comment", "kind"], name="reactions_of_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id or self.comment_id}"


# Reaction kind -> its count's column on ReactionCounts (posts and comments).
KIND_COLUMNS = {kind: f"{kind}_count" for kind in Reaction.Kind.values}


class HashtagFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hashtag_follows"
    )
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="tag_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} #{self.hashtag_id}"


class TimelineEntry(models.Model):
    """A post in someone's home feed: fan-out on write (see feed.py for why and when).

    A derived copy, so the database keeps no foreign keys on it: checking them cost a
    celebrity's fan-out two index probes and a trigger call per follower, about half of its
    7,000-row INSERT (bench/README.md). Deleting a user or a post still removes their entries
    (Django's CASCADE), and every read joins the post, so an entry left behind by a raw delete
    is never shown. The user's own index would only repeat the first column of the one below.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    created_at = models.DateTimeField()  # the post's, so the feed is one index range scan

    class Meta:
        # One index, read by the feed and unique: an entry's created_at is its post's, which
        # never changes, so (user, created_at, post) is unique exactly when (user, post) is.
        # A second unique index on (user, post) doubled what a fan-out writes at random
        # places: 7,000 leaf pages for a celebrity's post, each a full page in the WAL after
        # a checkpoint.
        constraints = [
            models.UniqueConstraint(
                "user", models.F("created_at").desc(), models.F("post").desc(), name="timeline_read"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.post_id}"
