"""The expert finder's own state. Evidence (answers, skills, endorsements) lives with the
apps that own it; this app keeps what it learns about people from it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SkillSuggestion(models.Model):
    """ "Add 'pandas' to your skills?" — proposed from accepted answers; nothing is added to
    the profile until the person accepts."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DISMISSED = "dismissed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_suggestions"
    )
    name = models.CharField(max_length=80)
    key = models.CharField(max_length=80)
    evidence_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-evidence_count", "key"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="suggest_skill_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.name} ({self.state})"


class ExpertStat(models.Model):
    """A person's track record as an answerer, per place their answers live: `community`
    None means questions asked on profiles (employees read them), otherwise the community.
    Kept per place so a viewer only ever counts what they may read. Rebuilt from the answers
    by index.refresh_people(); never edited by hand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    length = models.FloatField(default=0)  # total weight of the person's text terms here
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    # log Σ w·exp(t/τ) for each τ in index.TAUS_DAYS (t in days since an epoch): decayed
    # activity at several time scales, merged across places with logaddexp at query time.
    activity = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["user", "community"], name="expert_stat_user"),
            # "the most recently active" candidates of a query
            models.Index(fields=["-last_at"], name="expert_stat_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.community_id}: {self.answers}"


class ExpertTerm(models.Model):
    """One term (or "#tag") of what a person answered about, per place (see ExpertStat).
    Only each person's most distinctive terms are kept, which bounds both the table and the
    rows a query reads."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    term = models.CharField(max_length=64)
    weight = models.FloatField(default=0)
    answers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "user"], name="expert_term"),
            models.Index(fields=["user"], name="expert_term_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.term}"


class IndexState(models.Model):
    """Singleton: the highest answer id folded into the index, so answers created in bulk
    (imports bypass signals) are caught up before the next query."""

    last_answer_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"indexed up to answer {self.last_answer_id}"
