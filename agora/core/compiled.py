"""SQL built by the ORM for one viewer, kept for a while and reused by that viewer's next calls.

Some statements are derived from the viewer alone: for a search, the communities they may read
(for the prefilters) and each document type's visibility rule; on every page, the unread
notifications badge. Building those with the ORM and compiling them costs ~0.5-1.5 ms each (the
badge's several), more than running them. Only the SQL text and its parameters are reused,
never results: what they read (memberships, hidden or deleted flags, profiles...) is read every
time they run, so a change applies to the next call.

Sound because the key holds everything such SQL may depend on: the database, what is being
built (the rule function itself, so a different rule is a different entry), and every column of
the viewer's row as loaded for this request (a change of kind, activity or inviter is a
different key). What could still make SQL stale is not kept: SQL whose building queried the
database (data read eagerly into the text, e.g. a list of ids), or that came out different when
built a second time, or holds a date or time (a rule depending on "now").
"""

import datetime as dt
import time
from collections.abc import Callable

from django.db import connection

SECONDS = 60.0  # 0: build every time
MAX_ENTRIES = 10_000

_cache: dict[tuple, tuple[float, tuple[str, list]]] = {}


def _viewer_key(viewer) -> tuple | None:
    if viewer is None or not viewer.is_authenticated or viewer.get_deferred_fields():
        return None
    row = tuple(repr(getattr(viewer, f.attname)) for f in viewer._meta.concrete_fields)
    return (type(viewer), row)


def for_viewer(viewer, what: tuple, build: Callable[[], tuple[str, list]]) -> tuple[str, list]:
    """build() -> (sql, params), reused for SECONDS by the same viewer (see the module
    docstring); `what` names what is built, with the function that builds it."""
    viewer_key = _viewer_key(viewer) if SECONDS > 0 else None
    key = (connection.alias, connection.vendor, what, viewer_key)
    now = time.monotonic()
    hit = _cache.get(key) if viewer_key is not None else None
    if hit is not None and hit[0] > now:
        return hit[1][0], list(hit[1][1])
    queried = []

    def spy(execute, sql, params, many, context):
        queried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        sql, params = build()
        params = list(params)
        # Built twice before it is kept: SQL holding the time of its building (or anything else
        # that changes from one call to the next) comes out different.
        stable = viewer_key is not None and (sql, params) == _listed(build())
    timeless = not any(isinstance(p, dt.date | dt.time | dt.timedelta) for p in params)
    if stable and not queried and timeless:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now + SECONDS, (sql, list(params)))
    return sql, params


def _listed(built: tuple[str, list]) -> tuple[str, list]:
    return built[0], list(built[1])


def clear() -> None:
    _cache.clear()
