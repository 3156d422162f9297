"""Questions and answers.

A question *is* a `conversations.Post` of kind "question": it inherits the post's
visibility (profile or community, secret ones included), feeds, hashtags (the question's
tags), comments, edit history, attachments, reports and search. `Question` holds what only
questions have; answers, their comments and votes live here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class Question(models.Model):
    post = models.OneToOneField(
        "conversations.Post", primary_key=True, on_delete=models.CASCADE, related_name="question"
    )
    # Imported votes have no voter; `score` = imported score + the sum of `Vote` rows.
    score = models.IntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    accepted_answer = models.OneToOneField(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_for"
    )
    duplicate_of = models.ForeignKey(
        "conversations.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied from the post so the unanswered queue is one index range scan.
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Attribution of imported content (CC BY-SA): where it came from and who wrote it there.
    source_url = models.URLField(max_length=300, blank=True)
    source_author = models.CharField(max_length=200, blank=True)
    # Expert routing (routing.py): the last round of experts asked (0: never routed, e.g.
    # imported) and when, even if that round found nobody, so escalation stops after
    # AGORA_EXPERT_MAX_ROUNDS instead of retrying forever.
    routing_round = models.PositiveSmallIntegerField(default=0)
    routed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["-created_at", "-post"],
                name="qa_unanswered",
                condition=models.Q(answer_count=0, closed_at__isnull=True),
            ),
            models.Index(fields=["-last_activity_at", "-post"], name="qa_active"),
            models.Index(fields=["-score", "-post"], name="qa_votes"),
            # escalation: unanswered open questions whose last round of experts is old
            models.Index(
                fields=["routed_at"],
                name="qa_escalation",
                condition=models.Q(answer_count=0, closed_at__isnull=True, routing_round__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"question {self.post_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    body = models.TextField(pgettext_lazy("form field", "answer"), max_length=50_000)
    body_html = models.TextField(editable=False)
    score = models.IntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    source_url = models.URLField(max_length=300, blank=True)
    source_author = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["question", "created_at", "id"], name="answers_of_question"),
            # the expert finder reads everyone's answers by author
            models.Index(fields=["author", "-created_at"], name="answers_by_author"),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of answer {self.answer_id}"


class AnswerComment(models.Model):
    """Comments on an answer (comments on the question are ordinary post comments)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["answer", "created_at", "id"], name="comments_of_answer")]

    def __str__(self) -> str:
        return self.body[:60]


class AnswerCommentRevision(models.Model):
    """An earlier text of a comment on an answer, kept when its author edits it."""

    comment = models.ForeignKey(AnswerComment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of answer comment {self.comment_id}"


class Vote(models.Model):
    """One up or down vote per person on a question or an answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField()  # +1 or -1
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"],
                name="vote_once_question",
                condition=models.Q(question__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                name="vote_once_answer",
                condition=models.Q(answer__isnull=False),
            ),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_up_or_down"),
            models.CheckConstraint(
                condition=(
                    models.Q(question__isnull=False, answer__isnull=True)
                    | models.Q(question__isnull=True, answer__isnull=False)
                ),
                name="vote_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d}"


class ExpertRequest(models.Model):
    """Routing: a person asked "you might know the answer" about a question. The asker sees
    who was asked; `round` grows each time nobody answered in time and the next were asked.

    Why they were asked is kept as data in `reasons` (agora/experts/reasons.py: kinds, counts,
    tags, the time of the latest evidence), worded when shown in the reader's language, with
    relative times as of then. `reason` is free text: what requests made before that kept (in
    the language of the routing task, shown as it is), or a reason written by hand."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="expert_requests")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_requests"
    )
    round = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(max_length=300, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "expert"], name="ask_expert_once")
        ]
        # load spreading: how often was this person asked lately?
        indexes = [models.Index(fields=["expert", "-asked_at"], name="expert_load")]

    def __str__(self) -> str:
        return f"{self.expert_id} asked about {self.question_id}"

    def worded_reasons(self, now=None) -> list[str]:
        """Why this person was asked, in the active language, relative times as of `now`
        (default: now); the free-text `reason` when there are no readable data."""
        from agora.experts.reasons import word

        worded = word(self.reasons, now) if self.reasons else []
        if not worded and self.reason:
            worded = [self.reason]
        return worded

    @property
    def shown_reason(self) -> str:
        """The main reason, worded now (what the question page shows after the name)."""
        worded = self.worded_reasons()
        return worded[0] if worded else ""


class ImportedRecord(models.Model):
    """Where an imported object came from: makes re-imports idempotent and keeps the source
    ids (a Stack Exchange user id is reported by `agora experts --json` as `source_id`)."""

    class Kind(models.TextChoices):
        USER = "user"
        QUESTION = "question"
        ANSWER = "answer"
        COMMENT = "comment"
        ANSWER_COMMENT = "answer_comment"
        LINK = "link"

    site = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source_id = models.BigIntegerField()
    object_id = models.BigIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "source_id"], name="import_once")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_object")]

    def __str__(self) -> str:
        return f"{self.site} {self.kind} {self.source_id} -> {self.object_id}"


MAX_CLAIM_NOTE = 500


class ImportClaim(models.Model):
    """Someone says an imported account (importer/people.py) is theirs; an administrator
    decides (claims.py). `site` and `source_id` are copied from the account's ImportedRecord
    because approving repoints that record to the claimant: the claim must still say what
    was claimed afterwards."""

    class State(models.TextChoices):
        # Contexts: French agrees these with "demande" (feminine).
        PENDING = "pending", pgettext_lazy("claim state", "Pending")
        APPROVED = "approved", pgettext_lazy("claim state", "Approved")
        REJECTED = "rejected", pgettext_lazy("claim state", "Rejected")

    imported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_claims"
    )
    site = models.CharField(max_length=120)
    source_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    note = models.CharField(max_length=MAX_CLAIM_NOTE, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open request per person and account, decided by the database under
            # concurrency (a double-clicked form answers 409, not two rows).
            models.UniqueConstraint(
                fields=["imported", "claimant"],
                condition=models.Q(state="pending"),
                name="claim_pending_once",
            )
        ]
        indexes = [
            # the claimant's list, newest first
            models.Index(fields=["claimant", "-created_at", "-id"], name="claims_of_claimant"),
            # the administrators' queue of one state (pending by default), newest first
            models.Index(fields=["state", "-created_at", "-id"], name="claims_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.claimant_id} claims {self.site} user {self.source_id} ({self.state})"
