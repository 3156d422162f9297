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
    """A person's track record as an answerer in one place (see index.py for the places: the
    profile questions, each community, and two merged places — everything every employee may
    read, and everything). Kept per place so a viewer only ever counts what they may read, and
    merged ahead of time so a query reads one row per person for most of it. Rebuilt from the
    answers by index.refresh_people(); never edited by hand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # index.PROFILE, index.EMPLOYEES, index.EVERYONE, or a community's id.
    place = models.BigIntegerField()
    answers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    length = models.FloatField(default=0)  # total weight of the person's text terms here
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    # log Σ w·exp(t/τ) for each τ in index.TAUS_DAYS (t in days since an epoch): decayed
    # activity at several time scales, merged across places with logaddexp.
    activity = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "user"], name="expert_stat_once")]
        # Covering (read without the rows): the candidates' records in the readable places,
        # and "the most recently active" of a place.
        indexes = [
            models.Index(
                fields=["place", "user", "answers", "accepted", "score", "length", "last_at"],
                name="expert_stat_card",
            ),
            models.Index(fields=["place", "-last_at", "user"], name="expert_stat_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.place}: {self.answers}"


class ExpertTerm(models.Model):
    """One term (or "#tag") of what a person answered about, in one place (see ExpertStat).
    Only each person's most distinctive terms are kept, which bounds the table; a query reads
    at most the heaviest index.TERM_ROWS rows of a term in a place, in the order of the
    expert_term_top index."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    place = models.BigIntegerField()
    term = models.CharField(max_length=64)
    weight = models.FloatField(default=0)
    # tags only: answers and accepted answers on it, the latest (None for words)
    answers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Covering, so a query reads the index only.
            models.Index(
                fields=["place", "term", "-weight", "user", "answers", "accepted", "last_at"],
                name="expert_term_top",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.place}: {self.term}"


class ExpertTermCount(models.Model):
    """How many people have a term in a place (document frequency), kept in step with
    ExpertTerm by index.py so a query looks the numbers up instead of counting."""

    place = models.BigIntegerField()
    term = models.CharField(max_length=64)
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "term"], name="expert_term_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.term} ({self.people})"


class ExpertPlace(models.Model):
    """Per place: how many people have a record there and the span of their answers (the
    totals a query needs: the idf's N and the activity's time constant)."""

    place = models.BigIntegerField(unique=True)
    people = models.IntegerField(default=0)
    length = models.FloatField(default=0)  # of all the people's terms (BM25's average)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.place}: {self.people} people"


class IndexState(models.Model):
    """Singleton: the highest answer id folded into the index, so answers created in bulk
    (imports bypass signals) are caught up before the next query."""

    last_answer_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"indexed up to answer {self.last_answer_id}"
