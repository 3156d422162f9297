"""Reading the attributes of a row: ints, dates and tags, with errors that say which field."""

import re
from datetime import UTC, datetime

from agora.conversations.parsing import HASHTAG


class BadField(ValueError):
    """A row whose field cannot be read: the row is reported with its line and skipped."""


def required_int(attrs: dict[str, str], name: str) -> int:
    value = attrs.get(name)
    if value is None or value == "":
        raise BadField(f"{name} missing")
    return _int(name, value)


def optional_int(attrs: dict[str, str], name: str) -> int | None:
    value = attrs.get(name)
    if value is None or value.strip() == "":
        return None
    return _int(name, value)


def _int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise BadField(f"{name} is not a number: {value[:40]!r}") from None


def parse_datetime(value: str) -> datetime:
    """Dump dates are UTC without an offset ("2016-08-02T15:39:14.947"); an explicit offset
    is honoured. A date alone means midnight UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def required_date(attrs: dict[str, str], name: str) -> datetime:
    value = attrs.get(name)
    if not value:
        raise BadField(f"{name} missing")
    return _date(name, value)


def optional_date(attrs: dict[str, str], name: str) -> datetime | None:
    value = attrs.get(name)
    if not value or not value.strip():
        return None
    return _date(name, value)


def _date(name: str, value: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError:
        raise BadField(f"{name} is not a date: {value[:40]!r}") from None


_TAGS_ANGLE = re.compile(r"<([^<>]+)>")
_NOT_TAG_CHAR = re.compile(r"[^\w-]+", re.UNICODE)


def split_tags(value: str | None) -> list[str]:
    """Both spellings exist: "<python><django>" (older dumps) and "|python|django|"."""
    if not value:
        return []
    names = _TAGS_ANGLE.findall(value) if "<" in value else value.split("|")
    return [n.strip() for n in names if n.strip()]


def hashtag_name(tag: str) -> str | None:
    """A Stack Exchange tag as an Agora hashtag (which allows letters, digits, "_" and "-"):
    "c++" -> "cplusplus", "c#" -> "csharp", ".net" -> "dotnet", "node.js" -> "node-js".
    None when nothing usable is left."""
    name = tag.strip().replace("#", "sharp").replace("+", "plus")
    if name.startswith("."):
        name = "dot" + name[1:]
    name = _NOT_TAG_CHAR.sub("-", name)
    name = re.sub(r"-{2,}", "-", name).strip("-_")[:63].rstrip("-")
    if not name or name.isdigit() or not HASHTAG.fullmatch("#" + name):
        return None
    return name
