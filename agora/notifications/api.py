"""REST API v1 for notifications: the list, the unread count, marking read, preferences.

Notifications about something the caller may no longer see (left a secret community, the post
was hidden or deleted) are left out of the list and the count.
"""

from django.db import transaction
from ninja import Query, Router, Schema, Status

from agora.core.api import ErrorOut

from . import services
from .schemas import (
    MarkedOut,
    NotificationPage,
    PreferenceOut,
    PreferencesIn,
    UnreadCount,
    notification_out,
)

router = Router(tags=["notifications"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ListQuery(Schema):
    unread_only: bool = False
    cursor: str | None = None
    limit: int | None = None


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, exclude_unset=True)
def list_notifications(request, query: Query[ListQuery]):
    """Newest activity first; grouped ones ("Ana and 4 others reacted") carry `actor_count`."""
    page = services.for_user(
        request.auth, cursor=query.cursor, limit=query.limit, unread_only=query.unread_only
    )
    return {"items": [notification_out(n) for n in page.items], "next_cursor": page.next_cursor}


@router.get("/notifications/unread-count", response={200: UnreadCount, **ERRORS})
def unread_count(request):
    return {"count": services.unread_count(request.auth)}


@router.post("/notifications/{notification_id}/read", response={204: None, **ERRORS})
def mark_read(request, notification_id: int):
    services.mark_read(request.auth, notification_id)
    return Status(204, None)


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS})
def mark_all_read(request):
    return {"marked": services.mark_all_read(request.auth)}


@router.get("/notifications/preferences", response={200: dict[str, PreferenceOut], **ERRORS})
def get_preferences(request):
    """For each kind of notification: shown in the app, and sent in the e-mail digest."""
    return services.preferences(request.auth)


@router.put("/notifications/preferences", response={200: dict[str, PreferenceOut], **ERRORS})
def set_preferences(request, payload: PreferencesIn):
    """Change any kinds; leave a kind or a channel out to keep it as it is."""
    with transaction.atomic():
        for kind, pref in payload.model_dump(exclude_unset=True).items():
            services.set_preference(
                request.auth, kind, in_app=pref.get("in_app"), email=pref.get("email")
            )
    return services.preferences(request.auth)
