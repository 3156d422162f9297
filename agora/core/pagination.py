"""Keyset ("cursor") pagination: stable under inserts and constant-time at any depth.

A cursor is the ordering values of the last row served, base64-encoded JSON. Rows are fetched
one past the page size to know whether there is a next page, so a page costs one query.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .errors import Invalid


@dataclass
class Page:
    items: list
    next_cursor: str | None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return settings.AGORA_PAGE_SIZE
    return max(1, min(int(limit), settings.AGORA_MAX_PAGE_SIZE))


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, list) or len(values) != count:
        raise _bad_cursor()
    return values


def _bad_cursor() -> Invalid:
    return Invalid(_("This cursor is not valid."), fields={"cursor": [_("Not a valid cursor.")]})


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def paginate(qs: QuerySet, ordering: list[str], cursor: str | None, limit: int | None) -> Page:
    """Order `qs` by `ordering` (e.g. ["-created_at", "-id"]) and serve the page after `cursor`.

    The last field must be unique so the order is total.
    """
    limit = clamp_limit(limit)
    qs = qs.order_by(*ordering)
    if cursor:
        values = _decode(cursor, len(ordering))
        fields = [f.lstrip("-") for f in ordering]
        after = Q()
        # (a, b, c) > (x, y, z)  ==  a > x  OR  (a = x AND b > y)  OR  ...
        for i, name in enumerate(ordering):
            field = fields[i]
            value = _coerce(values[i], field)
            op = "lt" if name.startswith("-") else "gt"
            equal_prefix = Q(**{fields[j]: _coerce(values[j], fields[j]) for j in range(i)})
            after |= equal_prefix & Q(**{f"{field}__{op}": value})
        try:
            qs = qs.filter(after)
        except (ValueError, TypeError, OverflowError, ValidationError):
            # A forged cursor whose values don't fit the fields ("abc" for an id).
            raise _bad_cursor() from None
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([_attr(last, f.lstrip("-")) for f in ordering])
    return Page(items=rows, next_cursor=next_cursor)


def _coerce(value, field: str):
    """Datetimes travel as ISO strings; anything malformed is the client's error, not ours."""
    if field.endswith("_at"):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise _bad_cursor()
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        try:
            parsed.astimezone(dt.UTC)  # year 9999 at -14:00 overflows when the database adapts it
        except OverflowError:
            raise _bad_cursor() from None
        return parsed
    if value is not None and not isinstance(value, (str, int, float)):
        raise _bad_cursor()
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL refuses NUL in any text
        raise _bad_cursor()
    return value
