"""REST API v1 for moderation: reports, the moderation queue and moderators' actions."""

from ninja import Query, Router, Schema, Status

from agora.core.api import ErrorOut

from . import services
from .schemas import (
    AccountState,
    HiddenState,
    MyReportOut,
    MyReportPage,
    NoteIn,
    QueuePage,
    ReportIn,
    ReportOut,
    my_report_out,
    report_out,
)

router = Router(tags=["moderation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class QueueQuery(Schema):
    status: str = "open"
    community: str = ""
    reason: str = ""
    kind: str = ""
    cursor: str | None = None
    limit: int | None = None


class PageQuery(Schema):
    cursor: str | None = None
    limit: int | None = None


@router.post("/reports", response={201: MyReportOut, **ERRORS})
def create_report(request, payload: ReportIn):
    """Report a post, a comment or a person (give exactly one of `post`, `comment`, `user`)
    to the moderators. You can only report what you can see, once while the report is open."""
    found = services.report(
        request.auth,
        post_id=payload.post,
        comment_id=payload.comment,
        username=payload.user or "",
        reason=payload.reason,
        text=payload.text,
        request=request,
    )
    return Status(201, my_report_out(found))


@router.get("/reports", response={200: MyReportPage, **ERRORS})
def list_my_reports(request, query: Query[PageQuery]):
    """The reports you made, newest first, with what became of them."""
    page = services.my_reports(request.auth, query.cursor, query.limit)
    return {"items": [my_report_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.get("/moderation/queue", response={200: QueuePage, **ERRORS})
def moderation_queue(request, query: Query[QueueQuery]):
    """Reports you handle: those in communities you moderate; everything for administrators.
    Hidden content is included so you can judge it."""
    filters = services.QueueFilters(
        status=query.status, community=query.community, reason=query.reason, kind=query.kind
    )
    page = services.queue(request.auth, filters, query.cursor, query.limit)
    return {"items": [report_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/moderation/reports/{report_id}/dismiss", response={200: ReportOut, **ERRORS})
def dismiss_report(request, report_id: int, payload: NoteIn | None = None):
    """Nothing to do: closes this report and the other open reports on the same target."""
    services.dismiss(request.auth, report_id, _note(payload), request=request)
    found = services.queue_item(request.auth, report_id)
    return report_out(found)


def _note(payload) -> str:
    return payload.note if payload is not None else ""


def _hidden(outcome) -> dict:
    return {
        "kind": outcome.target.kind,
        "id": outcome.target.obj.pk,
        "hidden": outcome.hidden,
        "resolved_reports": outcome.resolved_reports,
    }


@router.post("/moderation/posts/{post_id}/hide", response={200: HiddenState, **ERRORS})
def hide_post(request, post_id: int, payload: NoteIn | None = None):
    """Hide a post from everyone (moderators still see it in the queue); resolves its reports."""
    return _hidden(
        services.hide(request.auth, post_id=post_id, note=_note(payload), request=request)
    )


@router.post("/moderation/posts/{post_id}/restore", response={200: HiddenState, **ERRORS})
def restore_post(request, post_id: int, payload: NoteIn | None = None):
    return _hidden(
        services.restore(request.auth, post_id=post_id, note=_note(payload), request=request)
    )


@router.post("/moderation/comments/{comment_id}/hide", response={200: HiddenState, **ERRORS})
def hide_comment(request, comment_id: int, payload: NoteIn | None = None):
    return _hidden(
        services.hide(request.auth, comment_id=comment_id, note=_note(payload), request=request)
    )


@router.post("/moderation/comments/{comment_id}/restore", response={200: HiddenState, **ERRORS})
def restore_comment(request, comment_id: int, payload: NoteIn | None = None):
    return _hidden(
        services.restore(request.auth, comment_id=comment_id, note=_note(payload), request=request)
    )


@router.post("/moderation/users/{username}/suspend", response={200: AccountState, **ERRORS})
def suspend_user(request, username: str, payload: NoteIn | None = None):
    """Administrators only: the person can no longer sign in or use API tokens."""
    user = services.suspend(request.auth, username, _note(payload), request=request)
    return {"username": user.username, "active": user.is_active}


@router.post("/moderation/users/{username}/reinstate", response={200: AccountState, **ERRORS})
def reinstate_user(request, username: str, payload: NoteIn | None = None):
    user = services.reinstate(request.auth, username, _note(payload), request=request)
    return {"username": user.username, "active": user.is_active}
