"""Post and comment cards for the most read API endpoints, in a few plain SQL queries.

Why not the ORM here: on enterprise-M a home page through `shape_posts` cost ~26-40 ms of CPU,
nearly all of it Python (building and compiling seven querysets, model instances for ~30
profile columns per author, pydantic validation of the result), while the database answers
in ~1 ms (bench/README.md). Issue 3 asks for ~2-3 ms. So the card endpoints (home, community,
profile and hashtag feeds, one post, a page of comments) run fixed SQL that selects exactly
the fields the API shows and build the JSON directly:

- one query for the page (timeline or posts ⋈ author ⋈ profile ⋈ community ⋈ category), the
  visibility rule applied in the same query;
- one for the reactions per kind, one for the viewer's own reactions, one for the hashtags
  and files of the page (skipped when the page is empty), one for quoted posts when a post
  on the page quotes another.

The visibility rule below is the SQL twin of `visibility.posts_visible_q`: tests compare the
two over the permission matrix (tests/test_feed_lean.py), and the output is validated against
the API schemas there too (the OpenAPI document keeps describing these endpoints).
"""

# The SQL below interpolates only table names from the models' Meta, fixed column lists and
# "%s" placeholders; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.http import HttpResponse
from django.urls import get_urlconf, reverse
from django.utils.dateparse import parse_datetime
from ninja.responses import NinjaJSONEncoder

from agora.accounts.models import User
from agora.communities.models import Community, Membership
from agora.core.errors import NotFound
from agora.core.pagination import Page, _bad_cursor, _coerce, _decode, _encode, clamp_limit
from agora.people.models import Profile

from .models import (
    Attachment,
    Category,
    Comment,
    Hashtag,
    Post,
    PostHashtag,
    Reaction,
    TimelineEntry,
)

T_POST = Post._meta.db_table
T_USER = User._meta.db_table
T_PROFILE = Profile._meta.db_table
T_COMMUNITY = Community._meta.db_table
T_CATEGORY = Category._meta.db_table
T_MEMBERSHIP = Membership._meta.db_table
T_TIMELINE = TimelineEntry._meta.db_table
T_REACTION = Reaction._meta.db_table
T_ATTACHMENT = Attachment._meta.db_table
T_POSTTAG = PostHashtag._meta.db_table
T_HASHTAG = Hashtag._meta.db_table
T_COMMENT = Comment._meta.db_table

# The columns of a card, in this order (see `_card`).
CARD_COLUMNS = """
    p.id, p.kind, p.title, p.body, p.body_html, p.created_at, p.edited_at, p.pinned_at,
    p.comment_count, p.reaction_count, p.quoted_id,
    u.username, pr.display_name, pr.avatar,
    c.slug, c.name, c.kind, cat.slug, cat.name"""

CARD_JOINS = f"""
    JOIN {T_USER} u ON u.id = p.author_id
    LEFT JOIN {T_PROFILE} pr ON pr.user_id = p.author_id
    LEFT JOIN {T_COMMUNITY} c ON c.id = p.community_id
    LEFT JOIN {T_CATEGORY} cat ON cat.id = p.category_id"""


def visible_sql(viewer, post: str = "p", community: str = "c") -> tuple[str, list]:
    """SQL condition (and its parameters) for "the viewer may read post `post`", whose
    community is joined as `community` (LEFT JOIN). Same rule as visibility.posts_visible_q:
    live, and on a profile (employees only) or in a community the viewer actively belongs
    to or, for employees, an open one."""
    if viewer is None or not viewer.is_authenticated:
        return "1 = 0", []
    live = f"{post}.deleted_at IS NULL AND {post}.hidden_at IS NULL"
    mine = (
        f"{post}.community_id IN (SELECT m.community_id FROM {T_MEMBERSHIP} m"
        " WHERE m.user_id = %s AND m.state = %s)"
    )
    if viewer.is_guest:
        return f"{live} AND {mine}", [viewer.pk, Membership.State.ACTIVE]
    return (
        f"{live} AND ({post}.community_id IS NULL OR {community}.kind = %s OR {mine})",
        [Community.Kind.OPEN, viewer.pk, Membership.State.ACTIVE],
    )


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aware(value):
    """Raw SQLite rows hold naive UTC datetimes (or text); the ORM would make them aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _iso(value) -> str | None:
    """A datetime as ninja's JSON encoder writes it (milliseconds, "Z"), formatted here so
    the page is encoded by the C JSON encoder without a Python callback per value."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = value.isoformat()
    return (text[:23] if value.microsecond else text) + "Z"


def _db_datetime(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _among(ids: list[int]) -> tuple[str, list]:
    """`IN (…)` for a list of ids, as SQL and parameters. PostgreSQL gets `= ANY(array)`: the
    text is then the same whatever the page's length, so its prepared statement is reused."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


class _Urls:
    """Reversing a URL costs ~20 µs and a page has dozens: reverse once with placeholders
    (per URLconf) and fill the ids in."""

    POST, FILE = "987654321", "123456789"
    _known: dict = {}

    def __new__(cls):
        urlconf = get_urlconf()
        urls = cls._known.get(urlconf)
        if urls is None:
            urls = cls._known[urlconf] = super().__new__(cls)
            urls.post = reverse("conversations:post", args=[cls.POST]).split(cls.POST)
            attachment = reverse(
                "api:post_attachment", kwargs={"post_id": cls.POST, "attachment_id": cls.FILE}
            )
            before, rest = attachment.split(cls.POST)
            urls.attachment = (before, *rest.split(cls.FILE))
        return urls

    def post_url(self, post_id: int) -> str:
        return f"{self.post[0]}{post_id}{self.post[1]}"

    def attachment_url(self, post_id: int, attachment_id: int) -> str:
        before, between, after = self.attachment
        return f"{before}{post_id}{between}{attachment_id}{after}"


def _person(username: str, display_name: str | None, avatar: str | None) -> dict:
    out = {"username": username, "display_name": display_name or username}
    if avatar:
        out["avatar_url"] = reverse("people:avatar", args=[username])
    return out


def _card(row, urls: _Urls) -> dict:
    (pid, kind, title, body, body_html, created_at, edited_at, pinned_at, comments, reactions,
     quoted_id, username, display_name, avatar, c_slug, c_name, c_kind, cat_slug, cat_name,
     ) = row[:19]  # fmt: skip
    card = {
        "id": pid,
        "kind": kind,
        "url": urls.post_url(pid),
        "author": _person(username, display_name, avatar),
    }
    if c_slug is not None:
        card["community"] = {"slug": c_slug, "name": c_name, "kind": c_kind}
    card["title"] = title
    if cat_slug is not None:
        card["category"] = {"slug": cat_slug, "name": cat_name}
    card["body"] = body
    card["body_html"] = body_html
    card["quoted"] = quoted_id  # replaced by the quoted card (or dropped) in _complete
    card["hashtags"] = []
    card["attachments"] = []
    card["created_at"] = _iso(created_at)
    if edited_at is not None:
        card["edited_at"] = _iso(edited_at)
    if pinned_at is not None:
        card["pinned_at"] = _iso(pinned_at)
    card["comment_count"] = comments
    card["reaction_count"] = reactions
    card["reactions"] = {}
    return card


def _quoted(viewer, ids: list[int]) -> dict[int, dict]:
    """The quoted posts the viewer may read (one may live in a secret community, or be
    hidden or deleted since: then the quote is left out)."""
    visible, params = visible_sql(viewer)
    among, among_params = _among(ids)
    rows = _rows(
        f"""SELECT p.id, p.kind, u.username, pr.display_name, pr.avatar, c.slug, c.name, c.kind,
                   p.title, p.body_html, p.created_at
            FROM {T_POST} p {CARD_JOINS}
            WHERE p.id {among} AND {visible}""",
        [*among_params, *params],
    )
    out = {}
    for pid, kind, username, display_name, avatar, c_slug, c_name, c_kind, title, html, at in rows:
        quoted = {"id": pid, "kind": kind, "author": _person(username, display_name, avatar)}
        if c_slug is not None:
            quoted["community"] = {"slug": c_slug, "name": c_name, "kind": c_kind}
        quoted.update(title=title, body_html=html, created_at=_iso(at))
        out[pid] = quoted
    return out


def _complete(viewer, cards: list[dict], urls: _Urls) -> list[dict]:
    """Reactions, the viewer's own, hashtags, files and quotes of a page of cards."""
    if not cards:
        return cards
    by_id = {card["id"]: card for card in cards}
    ids = list(by_id)
    among, id_params = _among(ids)
    own = {}
    # Reactions per kind, the viewer's own, tags (by key, as Hashtag.Meta) and files (by
    # id), in one round trip.
    for what, post_id, text, _key, content_type, number, size, is_image in _rows(
        # (Typed NULLs: PostgreSQL resolves the column types of a UNION branch by branch.)
        f"""SELECT 0, post_id, kind, CAST(NULL AS TEXT), CAST(NULL AS TEXT), COUNT(*),
                   CAST(NULL AS INTEGER), CAST(NULL AS BOOLEAN)
              FROM {T_REACTION} WHERE post_id {among} GROUP BY post_id, kind
            UNION ALL
            SELECT 1, post_id, kind, NULL, NULL, NULL, NULL, NULL
              FROM {T_REACTION} WHERE user_id = %s AND post_id {among}
            UNION ALL
            SELECT 2, ph.post_id, h.name, h.key, NULL, NULL, NULL, NULL
              FROM {T_POSTTAG} ph JOIN {T_HASHTAG} h ON h.id = ph.hashtag_id
             WHERE ph.post_id {among}
            UNION ALL
            SELECT 3, a.post_id, a.name, NULL, a.content_type, a.id, a.size, a.is_image
              FROM {T_ATTACHMENT} a WHERE a.post_id {among}
            ORDER BY 1, 4, 6""",
        [*id_params, viewer.pk, *id_params, *id_params, *id_params],
    ):
        if what == 0:
            by_id[post_id]["reactions"][text] = number
        elif what == 1:
            own[post_id] = text
        elif what == 2:
            by_id[post_id]["hashtags"].append(text)
        else:
            by_id[post_id]["attachments"].append(
                {
                    "id": number,
                    "name": text,
                    "content_type": content_type,
                    "size": size,
                    "is_image": bool(is_image),
                    "url": urls.attachment_url(post_id, number),
                }
            )
    quoted_ids = {card["quoted"] for card in cards if card["quoted"] is not None}
    quoted = _quoted(viewer, list(quoted_ids)) if quoted_ids else {}
    for card in cards:
        found = quoted.get(card["quoted"]) if card["quoted"] is not None else None
        if found is None:
            del card["quoted"]
        else:
            card["quoted"] = found
        kind = own.get(card["id"])
        if kind is not None:
            card["viewer_reaction"] = kind
    return cards


def _after(cursor: str | None, time_col: str, id_col: str, *, newest_first: bool = True):
    """The keyset condition after `cursor`, as in core.pagination; the redundant
    `time <= x` (`>=` oldest first) lets PostgreSQL seek in the index instead of filtering."""
    if not cursor:
        return "", []
    values = _decode(cursor, 2)
    at = _coerce(values[0], "created_at")
    last_id = _coerce(values[1], "id")
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        raise _bad_cursor()
    at = _db_datetime(at)
    op = "<" if newest_first else ">"
    return (
        f" AND {time_col} {op}= %s"
        f" AND ({time_col} {op} %s OR ({time_col} = %s AND {id_col} {op} %s))",
        [at, at, at, last_id],
    )


def _page(viewer, sql_from: str, where: str, params: list, order: tuple[str, str], cursor, limit):
    """One page of cards, newest first: `order` names the (time, id) columns of the keyset."""
    limit = clamp_limit(limit)
    time_col, id_col = order
    after, after_params = _after(cursor, time_col, id_col)
    visible, visible_params = visible_sql(viewer)
    rows = _rows(
        f"""SELECT {CARD_COLUMNS}, {time_col}, {id_col}
            FROM {sql_from} {CARD_JOINS}
            WHERE {where} AND {visible}{after}
            ORDER BY {time_col} DESC, {id_col} DESC
            LIMIT %s""",
        [*params, *visible_params, *after_params, limit + 1],
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode([_aware(rows[-1][-2]), rows[-1][-1]])
    urls = _Urls()
    cards = _complete(viewer, [_card(row, urls) for row in rows], urls)
    return Page(items=cards, next_cursor=next_cursor)


def home(viewer, cursor=None, limit=None) -> Page:
    """The home feed (the precomputed timeline), read as cards."""
    return _page(
        viewer,
        f"{T_TIMELINE} t JOIN {T_POST} p ON p.id = t.post_id",
        "t.user_id = %s",
        [viewer.pk],
        ("t.created_at", "t.post_id"),
        cursor,
        limit,
    )


def readable_community_id(viewer, slug: str) -> int:
    """The id of the community whose feed the viewer asks for, in one query; the same
    answers as communities.services.access_readable_community: NotFound when the viewer may
    not know it exists, Forbidden when they may not read it."""
    from django.utils.translation import gettext as _

    from agora.core.errors import Forbidden

    rows = _rows(
        f"""SELECT c.id, c.kind, m.state FROM {T_COMMUNITY} c
            LEFT JOIN {T_MEMBERSHIP} m ON m.community_id = c.id AND m.user_id = %s
            WHERE c.slug = %s""",
        [viewer.pk, slug],
    )
    if not rows:
        raise NotFound(_("No such community."))
    community_id, kind, state = rows[0]
    State, Kind = Membership.State, Community.Kind
    employee = viewer.is_employee
    if not (
        state in (State.ACTIVE, State.INVITED) or (employee and kind in (Kind.OPEN, Kind.REQUEST))
    ):
        raise NotFound(_("No such community."))
    if not (state == State.ACTIVE or (employee and kind == Kind.OPEN)):
        raise Forbidden(_("Join this community to see its content."))
    return community_id


def community(viewer, community_id: int, cursor=None, limit=None) -> Page:
    return _page(
        viewer,
        f"{T_POST} p",
        "p.community_id = %s",
        [community_id],
        ("p.created_at", "p.id"),
        cursor,
        limit,
    )


def profile(viewer, author_id: int, cursor=None, limit=None) -> Page:
    return _page(
        viewer,
        f"{T_POST} p",
        "p.author_id = %s",
        [author_id],
        ("p.created_at", "p.id"),
        cursor,
        limit,
    )


def hashtag(viewer, hashtag_id: int, cursor=None, limit=None) -> Page:
    return _page(
        viewer,
        f"{T_POSTTAG} ph JOIN {T_POST} p ON p.id = ph.post_id",
        "ph.hashtag_id = %s",
        [hashtag_id],
        ("ph.created_at", "ph.post_id"),
        cursor,
        limit,
    )


def post(viewer, post_id: int) -> dict:
    """One post card; NotFound if the viewer may not read it (as services.access_post)."""
    visible, params = visible_sql(viewer)
    rows = _rows(
        f"SELECT {CARD_COLUMNS} FROM {T_POST} p {CARD_JOINS} WHERE p.id = %s AND {visible}",
        [post_id, *params],
    )
    if not rows:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such post."))
    urls = _Urls()
    return _complete(viewer, [_card(rows[0], urls)], urls)[0]


def readable_post(viewer, post_id: int) -> bool:
    visible, params = visible_sql(viewer)
    return bool(
        _rows(
            f"SELECT 1 FROM {T_POST} p LEFT JOIN {T_COMMUNITY} c ON c.id = p.community_id"
            f" WHERE p.id = %s AND {visible}",
            [post_id, *params],
        )
    )


# --- Comments -----------------------------------------------------------------------------------

COMMENT_COLUMNS = """
    k.id, k.post_id, k.parent_id, u.username, pr.display_name, pr.avatar, k.body, k.body_html,
    k.created_at, k.edited_at, k.reaction_count"""
COMMENT_JOINS = f"""
    JOIN {T_USER} u ON u.id = k.author_id
    LEFT JOIN {T_PROFILE} pr ON pr.user_id = k.author_id"""


def _comment(row) -> dict:
    (cid, post_id, parent_id, username, display_name, avatar, body, body_html, created_at,
     edited_at, reactions) = row[:11]  # fmt: skip
    out = {"id": cid, "post_id": post_id}
    if parent_id is not None:
        out["parent_id"] = parent_id
    out["author"] = _person(username, display_name, avatar)
    out["body"] = body
    out["body_html"] = body_html
    out["created_at"] = _iso(created_at)
    if edited_at is not None:
        out["edited_at"] = _iso(edited_at)
    out["reaction_count"] = reactions
    out["reactions"] = {}
    return out


def comment_page(viewer, post_id: int, cursor=None, limit=None) -> Page:
    """Top-level comments of a post the caller may read (checked by the caller), oldest
    first, each with all its live replies: four queries whatever the page size (page,
    replies, reactions per kind, the viewer's own)."""
    limit = clamp_limit(limit)
    live = "k.deleted_at IS NULL AND k.hidden_at IS NULL"
    after, after_params = _after(cursor, "k.created_at", "k.id", newest_first=False)
    rows = _rows(
        f"""SELECT {COMMENT_COLUMNS} FROM {T_COMMENT} k {COMMENT_JOINS}
            WHERE k.post_id = %s AND k.parent_id IS NULL AND {live}{after}
            ORDER BY k.created_at, k.id LIMIT %s""",
        [post_id, *after_params, limit + 1],
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode([_aware(rows[-1][8]), rows[-1][0]])
    top = [_comment(row) for row in rows]
    if not top:
        return Page(items=[], next_cursor=next_cursor)
    by_id = {c["id"]: c for c in top}
    for c in top:
        c["replies"] = []
    among_parents, parent_params = _among(list(by_id))
    replies = [
        _comment(row)
        for row in _rows(
            f"""SELECT {COMMENT_COLUMNS} FROM {T_COMMENT} k {COMMENT_JOINS}
                WHERE k.post_id = %s AND k.parent_id {among_parents} AND {live}
                ORDER BY k.created_at, k.id""",
            [post_id, *parent_params],
        )
    ]
    for reply in replies:
        by_id[reply["parent_id"]]["replies"].append(reply)
        by_id[reply["id"]] = reply
    ids = list(by_id)
    among, id_params = _among(ids)
    for comment_id, kind, n in _rows(
        f"SELECT comment_id, kind, COUNT(*) FROM {T_REACTION} WHERE comment_id {among}"
        " GROUP BY comment_id, kind",
        id_params,
    ):
        by_id[comment_id]["reactions"][kind] = n
    for comment_id, kind in _rows(
        f"SELECT comment_id, kind FROM {T_REACTION} WHERE user_id = %s AND comment_id {among}",
        [viewer.pk, *id_params],
    ):
        comment = by_id[comment_id]
        # viewer_reaction comes after reactions, and replies last (CommentOut's order).
        replies_of = comment.pop("replies", None)
        comment["viewer_reaction"] = kind
        if replies_of is not None:
            comment["replies"] = replies_of
    return Page(items=top, next_cursor=next_cursor)


# --- Answering ----------------------------------------------------------------------------------


def json_response(data, status: int = 200) -> HttpResponse:
    """The JSON ninja would have written for these shapes (the cards hold datetimes already
    written as its encoder does), without validating them again on the way out."""
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder), status=status, content_type="application/json"
    )


def page_response(page: Page) -> HttpResponse:
    return json_response({"items": page.items, "next_cursor": page.next_cursor})
