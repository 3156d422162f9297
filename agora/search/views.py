"""The search results page and the results-as-you-type dropdown of the header."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from agora.core.errors import Invalid

from . import registry, services


def _label(name: str) -> str:
    """A result type's name in the active language (its DocType's label)."""
    doc_type = registry.get(name)
    return str(doc_type.label) if doc_type is not None and doc_type.label else name


def _date(value: str, field: str, errors: dict) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
    return parsed


@login_required
def results(request):
    get = request.GET
    q = get.get("q", "")
    type_ = get.get("type", "")
    errors: dict = {}
    filters = services.Filters(
        types=[type_] if type_ else None,
        community=get.get("community") or None,
        author=get.get("author") or None,
        date_from=_date(get.get("from", ""), "from", errors),
        date_to=_date(get.get("to", ""), "to", errors),
    )
    result = None
    if not errors:
        try:
            result = services.search(request.user, q, filters, cursor=get.get("cursor"))
        except Invalid as exc:
            errors = exc.fields or {"__all__": [exc.message]}
    base = {k: v for k, v in get.items() if k not in {"type", "cursor"} and v}
    tabs = [
        {
            "name": "",
            "label": _("All"),
            "url": "?" + urlencode(base),
            "current": not type_,
        }
    ] + [
        {
            "name": name,
            "label": _label(name),
            "url": "?" + urlencode({**base, "type": name}),
            "current": type_ == name,
        }
        for name in services.type_names()
    ]
    next_url = None
    if result and result.next_cursor:
        next_url = "?" + urlencode(
            {**{k: v for k, v in get.items() if k != "cursor"}, "cursor": result.next_cursor}
        )
    status = 422 if errors else 200
    return render(
        request,
        "search/results.html",
        {
            "q": q,
            "result": result,
            "tabs": tabs,
            "errors": errors,
            "filters": get,
            "next_url": next_url,
            "labels": {k: _label(k) for k in services.type_names()},
        },
        status=status,
    )


@login_required
def suggest(request):
    q = request.GET.get("q", "")
    hits = services.suggest(request.user, q) if q.strip() else []
    return render(
        request,
        "search/_suggest.html",
        {"q": q, "hits": hits, "labels": {k: _label(k) for k in services.type_names()}},
    )
