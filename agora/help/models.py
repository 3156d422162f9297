"""Requests and offers of help: "I need someone who knows X" / "I can review French contracts"."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HelpItem(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", _("Request for help")
        OFFER = "offer", _("Offer of help")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("help status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_items"
    )
    # None: every employee may see it; otherwise only who may read the community.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="help_items",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), max_length=20_000, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    tags = models.ManyToManyField(
        "conversations.Hashtag", blank=True, related_name="help_items", verbose_name=_("tags")
    )
    # A request has a deadline; an offer an availability ("Fridays", "until June").
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Analysed stems of title, details and tags (" stem stem … "), written by the services:
    # the text filter and the matching compare stems, so "contrats" finds "contrat" and a
    # French offer meets an English request on the words they share.
    terms = models.TextField(blank=True, editable=False, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status", "-created_at", "-id"], name="help_open"),
            models.Index(fields=["author", "-created_at", "-id"], name="help_by_author"),
        ]

    def __str__(self) -> str:
        return self.title


class Response(models.Model):
    """ "I can help" on a request (or "I'm interested" on an offer): the author sees who
    answered and may later thank them when closing the request."""

    item = models.ForeignKey(HelpItem, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_responses"
    )
    message = models.TextField(_("message"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="respond_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.item_id}"


class Thanks(models.Model):
    """A request closed with thanks to the people who helped; shown on the helper's profile."""

    item = models.ForeignKey(HelpItem, on_delete=models.CASCADE, related_name="thanks")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thanks_received"
    )
    message = models.TextField(_("message"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "helper"], name="thank_once")]
        indexes = [models.Index(fields=["helper", "-created_at", "-id"], name="thanks_of_helper")]

    def __str__(self) -> str:
        return f"thanks to {self.helper_id} for {self.item_id}"
