"""Small helpers for the raw-SQL hot paths (cards, search candidates)."""

from django.conf import settings


def fast_timestamps(cursor) -> None:
    """On PostgreSQL, read this cursor's timestamptz values with psycopg's C loader instead of
    Django's, a Python subclass of the pure-Python one whose only job is to say UTC — which the
    C loader says too, Django setting the session's time zone to UTC when USE_TZ is on: ~5 µs
    less per value (~0.2 ms for a page of cards, 1.6 ms for 300 search candidates)."""
    if cursor.db.vendor != "postgresql" or not settings.USE_TZ:
        return
    from psycopg.types.datetime import TimestamptzLoader

    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
