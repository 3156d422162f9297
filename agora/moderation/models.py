from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_REPORT_TEXT = 2000
MAX_NOTE = 2000


class Report(models.Model):
    """Someone asks moderators to look at a post, a comment or a profile."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment")
        INAPPROPRIATE = "inappropriate", _("Inappropriate content")
        CONFIDENTIAL = "confidential", _("Confidential information leak")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        # Contexts: French agrees these with "signalement" (masculine), unlike a community.
        OPEN = "open", pgettext_lazy("report status", "Open")
        RESOLVED = "resolved", pgettext_lazy("report status", "Resolved")
        DISMISSED = "dismissed", pgettext_lazy("report status", "Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    # Exactly one target (check constraint below).
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "conversations.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports_about",
    )
    # The community of the post or comment, copied so a moderator's queue is one index scan.
    # None: a profile or a post on a profile, which only administrators moderate.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("details"), max_length=MAX_REPORT_TEXT, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), max_length=MAX_NOTE, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, comment__isnull=True, reported_user__isnull=True)
                    | Q(post__isnull=True, comment__isnull=False, reported_user__isnull=True)
                    | Q(post__isnull=True, comment__isnull=True, reported_user__isnull=False)
                ),
                name="report_has_one_target",
            ),
            # One open report per person per target: the database decides under concurrency.
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(status="open", post__isnull=False),
                name="one_open_report_per_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="one_open_report_per_comment",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reported_user"],
                condition=Q(status="open", reported_user__isnull=False),
                name="one_open_report_per_user",
            ),
        ]
        indexes = [
            # A moderator's queue: their communities, one status, newest first.
            models.Index(fields=["status", "community", "-created_at", "-id"], name="report_queue"),
            # An administrator's queue: everything in one status, newest first.
            models.Index(fields=["status", "-created_at", "-id"], name="report_queue_all"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} report {self.pk} on {self.target_kind} ({self.status})"

    @property
    def target_kind(self) -> str:
        if self.post_id:
            return "post"
        if self.comment_id:
            return "comment"
        return "user"

    @property
    def target_author(self):
        """Whose content (or profile) this is about."""
        if self.post_id:
            return self.post.author
        if self.comment_id:
            return self.comment.author
        return self.reported_user
