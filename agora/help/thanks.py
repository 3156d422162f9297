"""Answers to requests and offers ("I can help", "I'm interested") and the thanks that close a
request. The thanks show on the helper's profile: how many, and the latest ones, each saying
what it was for only to viewers who may see the request."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.pagination import Page, paginate
from agora.people.visibility import visible_profiles

from .models import HelpItem, Response, Thanks
from .services import (
    ACTIVE,
    MAX_MESSAGE,
    Kind,
    Status,
    access_item,
    can_take_part,
    move_status,
    notify_about,
    nul_refused,
)
from .visibility import audience_q, visible_help_items

MAX_THANKED = 20


def responses_of(viewer, item: HelpItem) -> list[Response]:
    """Who answered, oldest first; only people the viewer may see."""
    return list(
        item.responses.filter(user__in=visible_profiles(viewer).values("user_id"))
        .select_related("user__profile")
        .order_by("created_at", "id")
    )


def thanks_of(viewer, item: HelpItem) -> list[Thanks]:
    return list(
        item.thanks.filter(helper__in=visible_profiles(viewer).values("user_id"))
        .select_related("helper__profile")
        .order_by("created_at", "id")
    )


def viewer_response(viewer, item: HelpItem) -> Response | None:
    return item.responses.filter(user=viewer).first()


# --- Responses ----------------------------------------------------------------------------------


def respond(actor, item_id: int, message: str = "") -> Response:
    """ "I can help" on a request, "I'm interested" on an offer: the author is told."""
    item = access_item(actor, item_id)
    if item.author_id == actor.pk:
        raise Forbidden(_("You cannot answer your own request or offer."))
    if item.status not in ACTIVE:
        raise Conflict(_("This is closed."), code="closed")
    if not can_take_part(actor, item):
        raise Forbidden(_("Join this community to take part."))
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise Invalid(fields={"message": [_("At most %(n)d characters.") % {"n": MAX_MESSAGE}]})
    if "\x00" in message:
        raise Invalid(fields={"message": [nul_refused()]})
    try:
        with transaction.atomic():
            response = Response.objects.create(item=item, user=actor, message=message)
    except IntegrityError:
        raise Conflict(_("You already answered."), code="already_responded") from None
    notify_about("help_response", item.author, actor, item)
    return response


def withdraw_response(actor, item_id: int) -> None:
    item = access_item(actor, item_id)
    deleted, _rows = Response.objects.filter(item=item, user=actor).delete()
    if not deleted:
        raise NotFound(_("You have not answered this."))


# --- Thanks -------------------------------------------------------------------------------------


def thank(actor, item_id: int, usernames: list[str], message: str = "") -> list[Thanks]:
    """Close a request with thanks to the people who helped (those who answered, or anyone
    who may see the request). Each is told and it shows on their profile."""
    item = access_item(actor, item_id)
    if item.author_id != actor.pk:
        raise Forbidden(_("Only the author can thank people for this request."))
    if item.kind != Kind.REQUEST:
        raise Invalid(fields={"helpers": [_("Only a request is closed with thanks.")]})
    if item.status == Status.WITHDRAWN:
        raise Conflict(_("Reopen this request first."), code="closed")
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if len(message) > MAX_MESSAGE:
        errors["message"] = [_("At most %(n)d characters.") % {"n": MAX_MESSAGE}]
    if "\x00" in message:
        errors["message"] = [nul_refused()]
    names = []
    for name in usernames or []:
        name = (name or "").strip().lstrip("@")
        if name and name not in names:
            names.append(name)
    if not names:
        errors["helpers"] = [_("Choose at least one person to thank.")]
    elif len(names) > MAX_THANKED:
        errors["helpers"] = [_("At most %(n)d people.") % {"n": MAX_THANKED}]
    if errors:
        raise Invalid(fields=errors)
    # The people must be known to the author and able to see the request (they are told, and
    # the thanks shows what it was for).
    helpers = list(
        get_user_model()
        .objects.filter(username__in=names)
        .filter(pk__in=visible_profiles(actor).values("user_id"))
        .filter(audience_q(item))
    )
    found = {u.username for u in helpers}
    missing = [n for n in names if n not in found]
    if missing:
        raise Invalid(
            fields={
                "helpers": [
                    _("No one who can see this request is called %(names)s.")
                    % {"names": ", ".join(missing)}
                ]
            }
        )
    if any(u.pk == actor.pk for u in helpers):
        raise Invalid(fields={"helpers": [_("You cannot thank yourself.")]})
    with transaction.atomic():
        already = set(
            Thanks.objects.filter(item=item, helper__in=helpers).values_list("helper_id", flat=True)
        )
        fresh = [u for u in helpers if u.pk not in already]
        if not fresh:
            raise Invalid(fields={"helpers": [_("You already thanked them.")]})
        created = Thanks.objects.bulk_create(
            [Thanks(item=item, helper=u, message=message) for u in fresh], ignore_conflicts=True
        )
        if item.status != Status.DONE:
            move_status(item, Status.DONE)
    for helper in fresh:
        notify_about("thanks", helper, actor, item)
    return created


@dataclass
class ThanksSummary:
    count: int
    latest: list[Thanks]


def _item_visible(viewer):
    return Exists(visible_help_items(viewer).filter(pk=OuterRef("item_id")))


def thanks_count(user) -> int:
    """Every thanks counts, whatever the viewer may see: a number reveals nothing of the
    requests themselves."""
    return Thanks.objects.filter(helper=user, item__hidden_at__isnull=True).count()


def thanks_received(viewer, user, limit: int = 5) -> ThanksSummary:
    """How often `user` was thanked, and the latest thanks. Each row carries `item_visible`:
    the request's title, author and message only show when the viewer may see the request."""
    qs = Thanks.objects.filter(helper=user, item__hidden_at__isnull=True)
    count = thanks_count(user)
    if not count:  # most profiles: no need to build the visibility rule of the latest
        return ThanksSummary(count=0, latest=[])
    latest = list(
        qs.select_related("item__author__profile")
        .annotate(item_visible=_item_visible(viewer))
        .order_by("-created_at", "-id")[:limit]
    )
    return ThanksSummary(count=count, latest=latest)


def thanks_page(viewer, user, cursor=None, limit=None) -> Page:
    qs = (
        Thanks.objects.filter(helper=user, item__hidden_at__isnull=True)
        .select_related("item__author__profile")
        .annotate(item_visible=_item_visible(viewer))
    )
    return paginate(qs, ["-created_at", "-id"], cursor, limit)
