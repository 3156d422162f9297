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
