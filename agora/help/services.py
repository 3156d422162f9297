"""Requests and offers of help: the only place that writes them, their responses and thanks.

Views and the API call these functions. Anything the caller may not see is NotFound, never
Forbidden, so a request in a secret community cannot be detected by guessing its id.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.communities.models import Community, Membership
from agora.communities.visibility import can_moderate, membership_of
from agora.conversations import hashtags, parsing
from agora.conversations.models import Hashtag
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.markdown import render_markdown
from agora.core.pagination import Page, paginate
from agora.search.analysis import ParsedQuery, analyse

from .models import HelpItem
from .visibility import visible_help_items

Kind = HelpItem.Kind
Status = HelpItem.Status

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_TAGS = 10
MAX_MESSAGE = 2_000
# Open and in progress: what the list shows unless asked otherwise.
ACTIVE = (Status.OPEN, Status.IN_PROGRESS)
CLOSED = (Status.DONE, Status.WITHDRAWN)
# From a closed state the only way is back to open ("reopen"); the rest moves freely.
TRANSITIONS = {
    Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.WITHDRAWN},
    Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.WITHDRAWN},
    Status.DONE: {Status.OPEN},
    Status.WITHDRAWN: {Status.OPEN},
}


def nul_refused() -> str:
    return _("This text contains a character that is not allowed.")


def notify_about(kind, recipient, actor, item):
    from agora.notifications.services import notify

    return notify(kind, recipient=recipient, actor=actor, help_item=item)


# --- Reading ------------------------------------------------------------------------------------


def shape_items(qs: QuerySet[HelpItem]) -> QuerySet[HelpItem]:
    """Everything a card shows (author, place, tags, how many answered), in a fixed number of
    queries for any page size."""
    return (
        qs.select_related("author__profile", "community")
        .prefetch_related(Prefetch("tags", queryset=Hashtag.objects.order_by("key")))
        .annotate(response_count=Count("responses", distinct=True))
    )


def access_item(viewer, item_id: int) -> HelpItem:
    item = shape_items(visible_help_items(viewer).filter(pk=item_id)).first()
    if item is None:
        raise NotFound(_("No such request or offer."))
    return item


@dataclass
class Filters:
    kind: str = ""
    # "" or "all", a status, or "active" (open and in progress)
    status: str = ""
    tag: str = ""
    community: str = ""
    mine: bool = False
    q: str = ""


def _check_filters(viewer, filters: Filters) -> dict:
    """Validated lookups for the filters; Invalid names the offending field."""
    errors: dict[str, list[str]] = {}
    lookups: dict = {}
    if filters.kind:
        if filters.kind not in Kind.values:
            errors["kind"] = [_("Choose request or offer.")]
        lookups["kind"] = filters.kind
    if filters.status and filters.status != "all":
        if filters.status == "active":
            lookups["status__in"] = ACTIVE
        elif filters.status in Status.values:
            lookups["status"] = filters.status
        else:
            errors["status"] = [_("Unknown status.")]
    if filters.community:
        from agora.communities.services import access_community

        try:
            lookups["community"] = access_community(viewer, filters.community)
        except NotFound:
            errors["community"] = [_("No such community.")]
    if errors:
        raise Invalid(fields=errors)
    return lookups


def _terms_q(text: str) -> Q | None:
    """Every word of the query must appear (under any of its stems)."""
    query = ParsedQuery(text)
    if query.empty:
        return None
    q = Q()
    for group in query.groups:
        alternatives = Q()
        for stem in group:
            alternatives |= Q(terms__contains=f" {stem} ")
        q &= alternatives
    return q


def list_items(viewer, filters: Filters, cursor=None, limit=None) -> Page:
    """Newest first. The text query matches analysed stems of title, details and tags."""
    qs = visible_help_items(viewer).filter(**_check_filters(viewer, filters))
    if filters.mine:
        qs = qs.filter(author=viewer)
    if filters.tag:
        try:
            key = hashtags.key_of(hashtags.check_name(filters.tag))
        except Invalid:
            raise Invalid(fields={"tag": [_("This is not a valid hashtag.")]}) from None
        qs = qs.filter(tags__key=key)
    if filters.q:
        terms = _terms_q(filters.q)
        if terms is not None:
            qs = qs.filter(terms)
    return paginate(shape_items(qs), ["-created_at", "-id"], cursor, limit)


@dataclass
class Rights:
    """What the viewer may do with an item (the services check again when they act)."""

    can_edit: bool
    can_change_status: bool
    can_respond: bool
    can_thank: bool
    can_hide: bool


def rights(viewer, item: HelpItem) -> Rights:
    is_author = item.author_id == viewer.pk
    return Rights(
        can_edit=is_author,
        can_change_status=is_author,
        can_respond=not is_author and item.status in ACTIVE and can_take_part(viewer, item),
        can_thank=is_author and item.kind == Kind.REQUEST and item.status != Status.WITHDRAWN,
        can_hide=_can_hide(viewer, item),
    )


# --- Writing ------------------------------------------------------------------------------------


def can_take_part(user, item: HelpItem) -> bool:
    """Company-wide items: employees. Community items: active members (reading an open
    community is not enough to act in it, as for posts)."""
    if item.community_id is None:
        return user.is_employee
    membership = membership_of(user, item.community)
    return membership is not None and membership.state == Membership.State.ACTIVE


def _can_hide(user, item: HelpItem) -> bool:
    if user.is_administrator:
        return True
    return item.community_id is not None and can_moderate(user, item.community)


def _check_tags(names, body: str, errors: dict) -> list[str]:
    """Explicit tags plus the #hashtags written in the details, once each, in order."""
    clean: list[str] = []
    seen: set[str] = set()
    for raw in [*(names or []), *parsing.hashtags(body or "")]:
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            name = hashtags.check_name(raw)
        except Invalid:
            errors.setdefault("tags", []).append(
                _("“%(tag)s” is not a valid tag.") % {"tag": raw[:64]}
            )
            continue
        key = hashtags.key_of(name)
        if key not in seen:
            seen.add(key)
            clean.append(name)
    if len(clean) > MAX_TAGS:
        errors.setdefault("tags", []).append(_("At most %(n)d tags.") % {"n": MAX_TAGS})
    return clean


def _check_fields(kind: str, data: dict, errors: dict, *, creating: bool) -> None:
    title = data.get("title")
    if title is not None:
        if not title.strip():
            errors["title"] = [_("Say in a few words what this is about.")]
        elif len(title) > MAX_TITLE:
            errors["title"] = [_("At most %(n)d characters.") % {"n": MAX_TITLE}]
    body = data.get("body")
    if body is not None and len(body) > MAX_BODY:
        errors["body"] = [_("At most %(n)d characters.") % {"n": MAX_BODY}]
    for text_field in ("title", "body", "availability"):
        if "\x00" in (data.get(text_field) or ""):
            errors[text_field] = [nul_refused()]
    deadline = data.get("deadline")
    if deadline is not None:
        if kind != Kind.REQUEST:
            errors["deadline"] = [_("Only a request has a deadline.")]
        elif deadline < timezone.localdate() and creating:
            errors["deadline"] = [_("This date is already past.")]
    availability = data.get("availability")
    if availability:
        if kind != Kind.OFFER:
            errors["availability"] = [_("Only an offer has an availability.")]
        elif len(availability) > 200:
            errors["availability"] = [_("At most %(n)d characters.") % {"n": 200}]


def index_text(item: HelpItem, tag_names: list[str]) -> None:
    """Rendered HTML, tags and the analysed terms, from the current text."""
    tags = [hashtags.get_or_create(name) for name in tag_names]
    item.tags.set(tags)
    item.body_html = render_markdown(item.body)
    words = analyse(" ".join([item.title, item.body, *tag_names]))
    item.terms = f" {' '.join(sorted(set(words)))} " if words else ""
    item.save(update_fields=["body_html", "terms"])


def create_item(
    actor,
    *,
    kind: str,
    title: str,
    body: str = "",
    tags: list[str] | None = None,
    community: Community | None = None,
    deadline: dt.date | None = None,
    availability: str = "",
    notify_matches: bool = True,
) -> HelpItem:
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        raise Invalid(fields={"kind": [_("Choose request or offer.")]})
    data = {"title": title or "", "body": body or "", "deadline": deadline}
    data["availability"] = (availability or "").strip()
    _check_fields(kind, data, errors, creating=True)
    tag_names = _check_tags(tags, body, errors)
    if errors:
        raise Invalid(fields=errors)
    if community is None and not actor.is_employee:
        raise Invalid(fields={"community": [_("Choose one of your communities.")]})
    probe = HelpItem(community=community)
    if not can_take_part(actor, probe):
        raise Forbidden(_("Join this community to ask or offer help in it."))
    with transaction.atomic():
        item = HelpItem.objects.create(
            kind=kind,
            author=actor,
            community=community,
            title=data["title"].strip(),
            body=data["body"],
            deadline=deadline,
            availability=data["availability"],
        )
        index_text(item, tag_names)
        if notify_matches:
            item_id = item.pk
            transaction.on_commit(lambda: _announce(item_id))
    return item


def _announce(item_id: int) -> None:
    from .tasks import announce_task

    announce_task.enqueue(item_id)


def edit_item(actor, item_id: int, changes: dict) -> HelpItem:
    """`changes` holds only what changes: title, body, tags, deadline, availability."""
    item = access_item(actor, item_id)
    if item.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit this."))
    allowed = {"title", "body", "tags", "deadline", "availability"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(fields={name: [_("This field cannot be changed.")] for name in unknown})
    errors: dict[str, list[str]] = {}
    data = dict(changes)
    if "availability" in data:
        data["availability"] = (data["availability"] or "").strip()
    if "deadline" in data and data["deadline"] == item.deadline:
        data.pop("deadline")  # an unchanged past deadline is not an error
    _check_fields(item.kind, data, errors, creating=True)
    body = data.get("body", item.body)
    if "tags" in data:
        tag_names = _check_tags(data["tags"], body, errors)
    else:
        tag_names = _check_tags([t.name for t in item.tags.all()], body, errors)
    if errors:
        raise Invalid(fields=errors)
    with transaction.atomic():
        if "title" in data:
            item.title = data["title"].strip()
        if "body" in data:
            item.body = data["body"] or ""
        if "deadline" in data:
            item.deadline = data["deadline"]
        if "availability" in data:
            item.availability = data["availability"]
        item.updated_at = timezone.now()
        item.save()
        index_text(item, tag_names)
    return access_item(actor, item.pk)


def set_status(actor, item_id: int, status: str) -> HelpItem:
    """The author moves the item along; done and withdrawn close it, open reopens it."""
    item = access_item(actor, item_id)
    if item.author_id != actor.pk:
        raise Forbidden(_("Only the author can change the status."))
    if status not in Status.values:
        raise Invalid(fields={"status": [_("Unknown status.")]})
    if status == item.status:
        return item
    if status not in TRANSITIONS[item.status]:
        raise Conflict(
            _("A closed request or offer can only be reopened."), code="invalid_transition"
        )
    move_status(item, status)
    return access_item(actor, item.pk)


def move_status(item: HelpItem, status: str) -> None:
    now = timezone.now()
    item.status = status
    item.closed_at = now if status in CLOSED else None
    item.updated_at = now
    item.save(update_fields=["status", "closed_at", "updated_at"])


def access_to_hide(actor, item_id: int) -> HelpItem:
    """The item if `actor` may hide or restore it; Forbidden if they only see it, NotFound if
    they may not even see it (they learn nothing about it)."""
    item = HelpItem.objects.select_related("community").filter(pk=item_id).first()
    if item is None or not (_can_hide(actor, item) or can_see(actor, item)):
        raise NotFound(_("No such request or offer."))
    if not _can_hide(actor, item):
        raise Forbidden(_("Only administrators and the community's moderators can hide this."))
    return item


def set_hidden(actor, item_id: int, hidden: bool) -> HelpItem:
    """Administrators (and the community's moderators) hide an item from everyone; hidden
    items stay in the database so they can be restored."""
    item = access_to_hide(actor, item_id)
    item.hidden_at = timezone.now() if hidden else None
    item.save(update_fields=["hidden_at"])
    from agora.core import audit

    audit.record(
        "help.hidden" if hidden else "help.restored", actor=actor, target=item.author, item=item.pk
    )
    return item


def access_for_moderation(actor, item_id: int) -> HelpItem:
    """The item even when hidden, for those who may hide or restore it."""
    item = shape_items(HelpItem.objects.filter(pk=item_id)).first()
    if item is None or not _can_hide(actor, item):
        raise NotFound(_("No such request or offer."))
    return item


def can_see(viewer, item: HelpItem) -> bool:
    return visible_help_items(viewer).filter(pk=item.pk).exists()
