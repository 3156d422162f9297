"""Post and comment cards for the most read API endpoints, in one plain SQL statement each.

Why not the ORM here: on enterprise-M a home page through `shape_posts` cost ~26-40 ms of CPU,
nearly all of it Python (building and compiling seven querysets, model instances for ~30
profile columns per author, pydantic validation of the result), while the database answers
in ~1 ms (bench/README.md). Issue 3 asks for ~2-3 ms. So the card endpoints (home, community,
profile and hashtag feeds, one post, a page of comments) run fixed SQL that selects exactly
the fields the API shows and build the JSON directly:

- a page of cards is one statement: the page (timeline or posts ⋈ author ⋈ profile ⋈
  community ⋈ category, the visibility rule applied inside, the reactions per kind and the
  hashtags off the post's row, the viewer's own reaction); the quoted posts the viewer may
  read, and the files of cards that have some, come in a second statement when needed
  (see "Post cards" below);
- a page of comments too: whether the post is readable, the top-level comments and their
  replies, with their reactions per kind and the viewer's own (see "Comments").

The visibility rule below is the SQL twin of `visibility.posts_visible_q`: tests compare the
two over the permission matrix (tests/test_feed_lean.py), and the output is validated against
the API schemas there too (the OpenAPI document keeps describing these endpoints).
"""

# The SQL below interpolates only table names from the models' Meta, fixed column lists and
# "%(name)s" placeholders; every value is a bound parameter. (Named: Django's SQLite backend
# turns them into ":name" with one `%` formatting, where "%s" costs a regular expression
# substitution over the whole text — ~0.2 ms for a card statement.)
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import functools

from django.db import connection
from django.http import HttpResponse
from django.urls import get_urlconf, reverse
from django.utils.dateparse import parse_datetime

from agora.accounts.models import User
from agora.communities.models import Community, Membership
from agora.core.api import dump_json
from agora.core.db import fast_timestamps
from agora.core.errors import NotFound
from agora.core.pagination import Page, _bad_cursor, _coerce, _decode, _encode, clamp_limit
from agora.people.models import Profile

from .models import (
    KIND_COLUMNS,
    Attachment,
    Category,
    Comment,
    Post,
    PostHashtag,
    Reaction,
    TimelineEntry,
    by_kind,
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
T_COMMENT = Comment._meta.db_table


def _visible(post: str, community: str, *, guest: bool) -> str:
    """SQL condition for "the viewer may read post `post`", whose community is joined as
    `community` (LEFT JOIN), with the parameters of `_viewer_params`. Same rule as
    visibility.posts_visible_q: live, and on a profile (employees only) or in a community
    the viewer actively belongs to or, for employees, an open one."""
    live = f"{post}.deleted_at IS NULL AND {post}.hidden_at IS NULL"
    mine = (
        f"{post}.community_id IN (SELECT m.community_id FROM {T_MEMBERSHIP} m"
        " WHERE m.user_id = %(viewer)s AND m.state = %(active)s)"
    )
    if guest:
        return f"{live} AND {mine}"
    return f"{live} AND ({post}.community_id IS NULL OR {community}.kind = %(open)s OR {mine})"


def _viewer_params(viewer) -> dict:
    return {"viewer": viewer.pk, "active": Membership.State.ACTIVE, "open": Community.Kind.OPEN}


def _can_read(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def _ts(column: str) -> str:
    """A timestamp column as the cards select it. On SQLite, its stored text: the sqlite3
    module would otherwise parse every "datetime" column into a datetime (~5 µs each, 40-60
    per page), only for `_iso` to write it back as text."""
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        fast_timestamps(cursor)
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
        # SQLite's text of a UTC datetime, as Django writes it: "YYYY-MM-DD HH:MM:SS" with
        # ".ffffff" when there are microseconds. Anything else is parsed.
        if len(value) == 26 and value[10] in " T" and value[19] == ".":
            if value[20:] == "000000":
                return f"{value[:10]}T{value[11:19]}Z"
            return f"{value[:10]}T{value[11:23]}Z"
        if len(value) == 19 and value[10] in " T":
            return f"{value[:10]}T{value[11:]}Z"
        value = parse_datetime(value)
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(dt.UTC)
    text = value.isoformat()
    if value.tzinfo is not None:
        text = text[:-6]  # "+00:00"
    return (text[:23] if value.microsecond else text) + "Z"


def _db_datetime(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


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


# --- Post cards ---------------------------------------------------------------------------------
# A page is one statement. On SQLite its `page` CTE picks the page: the ids (and the keyset)
# of the posts of the source — timeline, posts, tagged posts — the viewer may read, newest
# first, and one past the page; PostgreSQL reads the same in one join.
# The result is their cards: each with its counts per reaction kind and its hashtags' names,
# read off the post's row, and the viewer's own reaction (one probe of the
# one-reaction-per-post index). A "community_slug" page adds a COMMUNITY row, told apart by
# the first column, with the card's 30 columns (NULL where it has nothing to say). The rows
# come in no particular order: `_cards` sorts them (an ORDER BY made SQLite sort bodies too).
# Two lookups only when a card needs them, each a second statement: the quoted posts the viewer
# may read, and the files of cards whose row says they have some.
# Why the counters and the names on the post row: reactions per kind, the viewer's own, the
# hashtags and the files were branches of the statement (UNION ALL over the page's ids) until
# the fourth pass; they cost PostgreSQL ~0.12 ms each a page whether a card had any or not,
# two thirds of the statement (bench/README.md).

CARD, COMMUNITY = range(2)  # the first column


def _reactions_select(alias: str, reactions: str, target_column: str) -> str:
    """A post's or comment's counts per reaction kind (KIND_COLUMNS' order), then the
    viewer's own reaction's kind (or NULL)."""
    counts = ", ".join(f"{alias}.{column}" for column in KIND_COLUMNS.values())
    own = (
        f"(SELECT r.kind FROM {reactions} r"
        f" WHERE r.user_id = %(viewer)s AND r.{target_column} = {alias}.id)"
    )
    return f"{counts}, {own}"


def _by_part(rows, parts: int) -> list[list[tuple]]:
    """The rows of a one-statement page, split by their first column (which part of the
    UNION ALL they come from)."""
    out: list[list[tuple]] = [[] for _ in range(parts)]
    for row in rows:
        out[row[0]].append(row)
    return out


def _card_select(p: str, u: str, pr: str, c: str, cat: str | None) -> str:
    """A card's columns after `what` (0-based in a row): 1 id, 2 kind, 3 title, 4 body,
    5 body_html, 6 created_at, 7 edited_at, 8 pinned_at, 9 comment_count, 10 reaction_count,
    11 quoted_id, 12 username, 13 display_name, 14 avatar, 15-17 community slug, name, kind,
    18-19 category slug, name (NULL for a quoted post's card); a page's cards add their
    keyset (time, id) in 20-21, their counts per reaction kind in 22-26, the viewer's own
    reaction in 27, their hashtags' names in 28 and their number of files in 29."""
    category = f"{cat}.slug, {cat}.name" if cat else "NULL, NULL"
    return (
        f"{p}.id, {p}.kind, {p}.title, {p}.body, {p}.body_html, {_ts(f'{p}.created_at')},"
        f" {_ts(f'{p}.edited_at')}, {_ts(f'{p}.pinned_at')}, {p}.comment_count,"
        f" {p}.reaction_count, {p}.quoted_id, {u}.username, {pr}.display_name, {pr}.avatar,"
        f" {c}.slug, {c}.name, {c}.kind, {category}"
    )


# The sources of the feeds: FROM, condition, and the keyset (time, id) columns, newest first.
SOURCES = {
    "home": (f"{T_TIMELINE} t JOIN {T_POST} p ON p.id = t.post_id", "t.user_id = %(target)s",
             ("t.created_at", "t.post_id")),
    "community": (f"{T_POST} p", "p.community_id = %(target)s", ("p.created_at", "p.id")),
    # by slug: with a COMMUNITY row (id, kind, the viewer's membership state) for the access
    # check. The visibility rule already leaves out the posts of a community one may not read.
    "community_slug": (f"{T_POST} p", "p.community_id = (SELECT id FROM target)",
                       ("p.created_at", "p.id")),
    "profile": (f"{T_POST} p", "p.author_id = %(target)s", ("p.created_at", "p.id")),
    "hashtag": (f"{T_POSTTAG} ph JOIN {T_POST} p ON p.id = ph.post_id",
                "ph.hashtag_id = %(target)s", ("ph.created_at", "ph.post_id")),
    "post": (f"{T_POST} p", "p.id = %(target)s", ("NULL", "NULL")),
}  # fmt: skip


@functools.cache
def _cards_sql(vendor: str, source: str, viewer_guest: bool, after: bool) -> str:
    """The statement for a page of `source`: one text per vendor and variant, built once
    (and prepared once per connection by PostgreSQL)."""
    sql_from, where, (time_col, id_col) = SOURCES[source]
    order = ""
    if source != "post":
        order = f"ORDER BY {time_col} DESC, {id_col} DESC"
    if after:
        # The keyset condition after the cursor, as in core.pagination; the redundant
        # `time <= x` lets PostgreSQL seek in the index instead of filtering.
        where += (
            f" AND {time_col} <= %(at)s"
            f" AND ({time_col} < %(at)s OR ({time_col} = %(at)s AND {id_col} < %(last_id)s))"
        )
    ctes, target_row = [], ""
    if source == "community_slug":
        ctes.append(f"""target (id, kind, state) AS (
            SELECT c.id, c.kind, m.state FROM {T_COMMUNITY} c
              LEFT JOIN {T_MEMBERSHIP} m ON m.community_id = c.id AND m.user_id = %(viewer)s
             WHERE c.slug = %(target)s
        )""")
        target_row = f"""
        UNION ALL
        SELECT {COMMUNITY}, id, kind, state{", NULL" * 26} FROM target"""
    community = f"LEFT JOIN {T_COMMUNITY} c ON c.id = p.community_id"
    authors = f"""JOIN {T_USER} u ON u.id = p.author_id
          LEFT JOIN {T_PROFILE} pr ON pr.user_id = p.author_id"""
    category = f"LEFT JOIN {T_CATEGORY} cat ON cat.id = p.category_id"
    readable = f"""WHERE {where} AND {_visible("p", "c", guest=viewer_guest)}
             {order}
             LIMIT %(limit)s"""
    if vendor == "postgresql":
        # One join, limited in the source's index order: it stops after `limit` rows as the
        # page CTE does, but reads each post and its community once instead of twice (once
        # to filter, once for the card): 21 index probes fewer per page.
        cards = f"""
        SELECT {_card_columns(time_col, id_col)}
          FROM {sql_from}
          {community}
          {authors}
          {category}
         {readable}"""
        statement = f" ({cards}){target_row}" if target_row else cards
    else:
        ctes.append(f"""page (id, k_at, k_id) AS (
            SELECT p.id, {time_col}, {id_col}
              FROM {sql_from} {community}
             {readable}
        )""")
        statement = f"""
        SELECT {_card_columns(_ts("page.k_at"), "page.k_id")}
          FROM page
          JOIN {T_POST} p ON p.id = page.id
          {authors}
          {community}
          {category}{target_row}"""
    return (f"WITH {', '.join(ctes)}" if ctes else "") + statement


def _card_columns(time_col: str, id_col: str) -> str:
    """A page's row for a card (CARD, then `_card_select`'s columns 1-29)."""
    return (
        f"{CARD}, {_card_select('p', 'u', 'pr', 'c', 'cat')}, {time_col}, {id_col},"
        f" {_reactions_select('p', T_REACTION, 'post_id')}, p.hashtag_names, p.attachment_count"
    )


def _card(row, urls: _Urls) -> dict:
    (_what, pid, kind, title, body, body_html, created_at, edited_at, pinned_at, comments,
     reactions, quoted_id, username, display_name, avatar, c_slug, c_name, c_kind, cat_slug,
     cat_name) = row[:20]  # fmt: skip
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
    card["quoted"] = quoted_id  # replaced by the quoted card (or dropped) in _cards
    card["hashtags"] = row[28].split() if row[28] else []
    card["attachments"] = []  # filled in by _cards if row[29] says there are some
    card["created_at"] = _iso(created_at)
    if edited_at is not None:
        card["edited_at"] = _iso(edited_at)
    if pinned_at is not None:
        card["pinned_at"] = _iso(pinned_at)
    card["comment_count"] = comments
    card["reaction_count"] = reactions
    card["reactions"] = by_kind(row[22:27]) if reactions else {}
    return card


@functools.cache
def _quoted_sql(vendor: str, viewer_guest: bool, count: int) -> str:
    """The quoted posts among some ids that the viewer may read (one may live in a secret
    community, or be hidden or deleted since: then the quote is left out)."""
    return f"""
        SELECT {CARD}, {_card_select("q", "qu", "qpr", "qc", None)}
          FROM {T_POST} q
          JOIN {T_USER} qu ON qu.id = q.author_id
          LEFT JOIN {T_PROFILE} qpr ON qpr.user_id = q.author_id
          LEFT JOIN {T_COMMUNITY} qc ON qc.id = q.community_id
         WHERE q.id {_among_sql(vendor, count)} AND {_visible("q", "qc", guest=viewer_guest)}"""


def _quoted(viewer, ids: list[int]) -> dict[int, tuple]:
    ids = sorted(set(ids))
    params = {**_viewer_params(viewer), **_among(ids)}
    sql = _quoted_sql(connection.vendor, bool(viewer.is_guest), len(ids))
    return {row[1]: row for row in _rows(sql, params)}


def _quoted_card(row) -> dict:
    (_what, pid, kind, title, _body, body_html, created_at, _edited, _pinned, _comments,
     _reactions, _quoted, username, display_name, avatar, c_slug, c_name,
     c_kind) = row[:18]  # fmt: skip
    quoted = {"id": pid, "kind": kind, "author": _person(username, display_name, avatar)}
    if c_slug is not None:
        quoted["community"] = {"slug": c_slug, "name": c_name, "kind": c_kind}
    quoted.update(title=title, body_html=body_html, created_at=_iso(created_at))
    return quoted


def _newest_first(row):
    return row[20], row[21]


def _cards(viewer, source: str, target, limit: int, cursor=None) -> tuple[list, list, tuple]:
    """The cards of a page (at most `limit`), the page's rows, newest first, the one past
    the page included (so the caller can tell whether there is a next page), and the
    COMMUNITY row of a "community_slug" page (None if there is no such community)."""
    params = {**_viewer_params(viewer), "target": target, "limit": limit + 1}
    if cursor:
        params["at"], params["last_id"] = _keyset(cursor)
    sql = _cards_sql(connection.vendor, source, bool(viewer.is_guest), bool(cursor))
    parts = _by_part(_rows(sql, params), 2)
    page = parts[CARD]
    community_row = parts[COMMUNITY][0][1:4] if parts[COMMUNITY] else None
    page.sort(key=_newest_first, reverse=True)  # (time, id) is unique: a total order
    quoting = [row[11] for row in page[:limit] if row[11] is not None]
    quoted = _quoted(viewer, quoting) if quoting else {}
    urls = _Urls()
    cards, by_id = [], {}
    for row in page[:limit]:
        card = by_id[row[1]] = _card(row, urls)
        cards.append(card)
        found = quoted.get(row[11]) if row[11] is not None else None
        if found is None:
            del card["quoted"]  # none, or one the viewer may not read (secret, hidden, deleted)
        else:
            card["quoted"] = _quoted_card(found)
        if row[27] is not None:
            card["viewer_reaction"] = row[27]  # the last key, as PostOut has it
    with_files = [row[1] for row in page[:limit] if row[29]]
    if with_files:
        for post_id, attachment_id, name, content_type, size, is_image in _files(with_files):
            by_id[post_id]["attachments"].append(
                {
                    "id": attachment_id,
                    "name": name,
                    "content_type": content_type,
                    "size": size,
                    "is_image": bool(is_image),
                    "url": urls.attachment_url(post_id, attachment_id),
                }
            )
    return cards, page, community_row


@functools.cache
def _files_sql(vendor: str, count: int) -> str:
    return (
        f"SELECT a.post_id, a.id, a.name, a.content_type, a.size, a.is_image"
        f" FROM {T_ATTACHMENT} a WHERE a.post_id {_among_sql(vendor, count)} ORDER BY a.id"
    )


def _files(post_ids: list[int]) -> list[tuple]:
    """The files of these posts (whose cards the viewer may read), by id."""
    return _rows(_files_sql(connection.vendor, len(post_ids)), _among(post_ids))


def _among_sql(vendor: str, count: int) -> str:
    """`IN` these ids, with the parameters of `_among`."""
    if vendor == "postgresql":  # one text whatever the number, so one prepared statement
        return "= ANY(%(ids)s)"
    return "IN (" + ", ".join(f"%(id{i})s" for i in range(count)) + ")"


def _among(ids: list[int]) -> dict:
    """The parameters of an `among` list of ids (an array on PostgreSQL: one statement text,
    prepared once, whatever their number)."""
    if connection.vendor == "postgresql":
        return {"ids": ids}
    return {f"id{i}": value for i, value in enumerate(ids)}


def _keyset(cursor: str) -> tuple:
    values = _decode(cursor, 2)
    at = _coerce(values[0], "created_at")
    last_id = _coerce(values[1], "id")
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        raise _bad_cursor()
    return _db_datetime(at), last_id


def _page_of(cards: list, rows: list, limit: int) -> Page:
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode([_aware(last[20]), last[21]])
    return Page(items=cards, next_cursor=next_cursor)


def _page(viewer, source: str, target: int, cursor, limit) -> Page:
    """One page of cards of `source`, newest first."""
    if not _can_read(viewer):
        return Page(items=[], next_cursor=None)
    limit = clamp_limit(limit)
    cards, rows, _community = _cards(viewer, source, target, limit, cursor)
    return _page_of(cards, rows, limit)


def home(viewer, cursor=None, limit=None) -> Page:
    """The home feed (the precomputed timeline), read as cards."""
    return _page(viewer, "home", viewer.pk, cursor, limit)


def _readable_community(viewer, found) -> int:
    """The id of a community found as (id, kind, the viewer's membership state), if the
    viewer may read it; the same answers as communities.services.access_readable_community:
    NotFound when the viewer may not know it exists, Forbidden when they may not read it."""
    from django.utils.translation import gettext as _

    from agora.core.errors import Forbidden

    if found is None:
        raise NotFound(_("No such community."))
    community_id, kind, state = found
    State, Kind = Membership.State, Community.Kind
    employee = viewer.is_employee
    if not (
        state in (State.ACTIVE, State.INVITED) or (employee and kind in (Kind.OPEN, Kind.REQUEST))
    ):
        raise NotFound(_("No such community."))
    if not (state == State.ACTIVE or (employee and kind == Kind.OPEN)):
        raise Forbidden(_("Join this community to see its content."))
    return community_id


def readable_community_id(viewer, slug: str) -> int:
    """The id of the community whose feed the viewer asks for, in one query (see
    _readable_community)."""
    rows = _rows(
        f"""SELECT c.id, c.kind, m.state FROM {T_COMMUNITY} c
            LEFT JOIN {T_MEMBERSHIP} m ON m.community_id = c.id AND m.user_id = %(viewer)s
            WHERE c.slug = %(slug)s""",
        {"viewer": viewer.pk, "slug": slug},
    )
    return _readable_community(viewer, rows[0] if rows else None)


def community(viewer, community_id: int, cursor=None, limit=None) -> Page:
    return _page(viewer, "community", community_id, cursor, limit)


def community_feed(viewer, slug: str, cursor=None, limit=None) -> Page:
    """A community's feed by its slug, access check included, in one statement; NotFound or
    Forbidden as readable_community_id (before a bad cursor, as when they were two calls)."""
    from agora.core.errors import Invalid

    limit = clamp_limit(limit)
    try:
        cards, rows, found = _cards(viewer, "community_slug", slug, limit, cursor)
    except Invalid:
        readable_community_id(viewer, slug)
        raise
    _readable_community(viewer, found)
    return _page_of(cards, rows, limit)


def profile(viewer, author_id: int, cursor=None, limit=None) -> Page:
    return _page(viewer, "profile", author_id, cursor, limit)


def hashtag(viewer, hashtag_id: int, cursor=None, limit=None) -> Page:
    return _page(viewer, "hashtag", hashtag_id, cursor, limit)


def post(viewer, post_id: int) -> dict:
    """One post card; NotFound if the viewer may not read it (as services.access_post)."""
    cards = _cards(viewer, "post", post_id, 1)[0] if _can_read(viewer) else []
    if not cards:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such post."))
    return cards[0]


def readable_post(viewer, post_id: int) -> bool:
    if not _can_read(viewer):
        return False
    visible = _visible("p", "c", guest=viewer.is_guest)
    return bool(
        _rows(
            f"SELECT 1 FROM {T_POST} p LEFT JOIN {T_COMMUNITY} c ON c.id = p.community_id"
            f" WHERE p.id = %(post)s AND {visible}",
            {**_viewer_params(viewer), "post": post_id},
        )
    )


# --- Comments -----------------------------------------------------------------------------------
# A page of comments is one statement too: a row saying the post is readable, then the top-level
# comments (one past the page) and the live replies of those shown, in no particular order
# (`comment_page` sorts them). Columns (0-based): 0 what, 1 id, 2 post_id, 3 parent_id,
# 4 username, 5 display_name, 6 avatar, 7 body, 8 body_html, 9 created_at, 10 edited_at,
# 11 reaction_count, 12-16 the counts per reaction kind, 17 the viewer's own reaction.

READABLE, TOP, REPLY = range(3)


@functools.cache
def _comments_sql(vendor: str, viewer_guest: bool, after: bool) -> str:
    del vendor  # a part of the cache key: _ts() depends on it
    live = "k.deleted_at IS NULL AND k.hidden_at IS NULL"
    keyset = ""
    if after:  # oldest first: the redundant `>=` lets PostgreSQL seek in the index
        keyset = (
            " AND k.created_at >= %(at)s"
            " AND (k.created_at > %(at)s OR (k.created_at = %(at)s AND k.id > %(last_id)s))"
        )

    def comments(what: int, ids: str) -> str:
        return f"""
        SELECT {what}, k.id, k.post_id, k.parent_id, u.username, pr.display_name, pr.avatar,
               k.body, k.body_html, {_ts("k.created_at")}, {_ts("k.edited_at")}, k.reaction_count,
               {_reactions_select("k", T_REACTION, "comment_id")}
          FROM {ids} i
          JOIN {T_COMMENT} k ON k.id = i.id
          JOIN {T_USER} u ON u.id = k.author_id
          LEFT JOIN {T_PROFILE} pr ON pr.user_id = k.author_id"""

    return f"""
        WITH readable AS (
            SELECT p.id FROM {T_POST} p LEFT JOIN {T_COMMUNITY} c ON c.id = p.community_id
             WHERE p.id = %(post)s AND {_visible("p", "c", guest=viewer_guest)}
        ),
        top (id, created_at) AS (
            SELECT k.id, k.created_at FROM {T_COMMENT} k
             WHERE k.post_id = %(post)s AND k.parent_id IS NULL AND {live}{keyset}
               AND EXISTS (SELECT 1 FROM readable)
             ORDER BY k.created_at, k.id LIMIT %(limit)s
        ),
        shown AS (SELECT id FROM top ORDER BY created_at, id LIMIT %(shown)s),
        replies AS (
            SELECT k.id FROM {T_COMMENT} k
             WHERE k.post_id = %(post)s AND k.parent_id IN (SELECT id FROM shown) AND {live}
        )
        SELECT {READABLE}, id{", NULL" * 16} FROM readable
        UNION ALL{comments(TOP, "top")}
        UNION ALL{comments(REPLY, "replies")}"""


def _comment(row) -> dict:
    (_what, cid, post_id, parent_id, username, display_name, avatar, body, body_html, created_at,
     edited_at, reactions) = row[:12]  # fmt: skip
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
    out["reactions"] = by_kind(row[12:17]) if reactions else {}
    if row[17] is not None:
        out["viewer_reaction"] = row[17]  # after reactions, before replies (CommentOut's order)
    return out


def _oldest_first(row):
    return row[9], row[1]


def comment_page(viewer, post_id: int, cursor=None, limit=None) -> Page:
    """Top-level comments of a post, oldest first, each with all its live replies, in one
    statement whatever the page size; NotFound if the viewer may not read the post."""
    from django.utils.translation import gettext as _

    from agora.core.errors import Invalid

    limit = clamp_limit(limit)
    params = {**_viewer_params(viewer), "post": post_id, "limit": limit + 1, "shown": limit}
    if cursor:
        try:
            params["at"], params["last_id"] = _keyset(cursor)
        except Invalid:
            if not readable_post(viewer, post_id):  # a post one may not read comes first
                raise NotFound(_("No such post.")) from None
            raise
    if not _can_read(viewer):
        raise NotFound(_("No such post."))
    sql = _comments_sql(connection.vendor, bool(viewer.is_guest), bool(cursor))
    parts = _by_part(_rows(sql, params), 3)
    top, replies = parts[TOP], parts[REPLY]
    if not parts[READABLE]:
        raise NotFound(_("No such post."))
    top.sort(key=_oldest_first)  # (created_at, id) is unique: a total order
    next_cursor = None
    if len(top) > limit:  # the one past the page: there is a next page
        top = top[:limit]
        next_cursor = _encode([_aware(top[-1][9]), top[-1][1]])
    items, by_id = [], {}
    for row in top:
        comment = by_id[row[1]] = _comment(row)
        comment["replies"] = []
        items.append(comment)
    for row in sorted(replies, key=_oldest_first):
        reply = by_id[row[1]] = _comment(row)
        by_id[row[3]]["replies"].append(reply)
    return Page(items=items, next_cursor=next_cursor)


# --- Answering ----------------------------------------------------------------------------------


def json_response(data, status: int = 200) -> HttpResponse:
    """The JSON ninja would have written for these shapes (the cards hold datetimes already
    written as its encoder does), without validating them again on the way out."""
    return HttpResponse(dump_json(data), status=status, content_type="application/json")


def page_response(page: Page) -> HttpResponse:
    return json_response({"items": page.items, "next_cursor": page.next_cursor})
