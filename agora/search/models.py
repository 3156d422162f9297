from django.db import models
from django.utils import timezone


class Audience(models.IntegerChoices):
    """Who a document's text was written for. Only person documents use EMPLOYEES: their
    employee-only fields go in a second document that guests never query."""

    EVERYONE = 0, "everyone"
    EMPLOYEES = 1, "employees"


class SearchDocument(models.Model):
    """One searchable thing, pre-analysed (see analysis.py). The engine-specific full-text
    index (FTS5 table on SQLite, GIN expression index on PostgreSQL) is built from the
    *_terms columns; visibility is decided at query time from the source rows."""

    doc_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    audience = models.PositiveSmallIntegerField(choices=Audience.choices, default=0)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    title_text = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)  # snippet source, truncated
    url = models.CharField(max_length=300)
    lang = models.CharField(max_length=8, blank=True)
    community_id = models.BigIntegerField(null=True, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id", "audience"], name="search_doc_once"
            )
        ]
        indexes = [models.Index(fields=["doc_type", "object_id"], name="search_doc_object")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"
