from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTION = "mention", _("Mentions of you")
    COMMENT = "comment", _("Comments on your posts")
    REPLY = "reply", _("Replies to your comments")
    REACTION = "reaction", _("Reactions to what you wrote")
    FOLLOW = "follow", _("New followers")
    INVITATION = "invitation", _("Invitations to communities")
    JOIN_REQUEST = "join_request", _("Requests to join your communities")
    JOIN_APPROVED = "join_approved", _("Approved requests to join")
    ANSWER = "answer", _("Answers to your questions")
    ACCEPTED = "accepted", _("Your answers being accepted")
    ANSWER_COMMENT = "answer_comment", _("Comments on your answers")
    EXPERT_ASKED = "expert_asked", _("Questions you might be able to answer")
    HELP_MATCH = "help_match", _("Requests and offers of help that match you")
    HELP_RESPONSE = "help_response", _("People answering your requests and offers of help")
    THANKS = "thanks", _("Thanks for your help")
    SKILL_SUGGESTION = "skill_suggest", _("Skills you might add to your profile")
    IMPORT_CLAIM = "import_claim", _("Requests to claim imported accounts (administrators)")
    CLAIM_DECIDED = "claim_decided", _("Decisions on your claims of imported accounts")


# Quiet by default: everything in the app, only what is addressed to you by e-mail (digest).
DEFAULT_EMAIL = {
    Kind.MENTION,
    Kind.INVITATION,
    Kind.REPLY,
    Kind.ANSWER,
    Kind.EXPERT_ASKED,
    Kind.HELP_RESPONSE,
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The latest actor; `actor_ids` keeps who else did the same (grouped reactions, comments).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_ids = models.JSONField(default=list)
    actor_count = models.PositiveIntegerField(default=1)
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "conversations.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "qa.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    help_item = models.ForeignKey(
        "help.HelpItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Unread notifications with the same key merge: "Ana and 4 others reacted to your post".
    group_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    wants_email = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notifications_list"),
            models.Index(
                fields=["recipient", "group_key"],
                name="notifications_group",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["wants_email", "emailed_at"],
                name="notifications_digest",
                condition=models.Q(wants_email=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_pref_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
