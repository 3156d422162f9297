"""API shapes for moderation."""

from datetime import datetime

from ninja import Field, Schema

from agora.core.api import StrictInput

from .models import MAX_NOTE, MAX_REPORT_TEXT, Report


class ReportIn(StrictInput):
    post: int | None = Field(None, description="id of the post to report")
    comment: int | None = Field(None, description="id of the comment to report")
    user: str | None = Field(None, description="username of the person to report")
    reason: str = Field(..., description=" | ".join(Report.Reason.values))
    text: str = Field("", max_length=MAX_REPORT_TEXT, description="what is wrong")


class NoteIn(StrictInput):
    note: str = Field("", max_length=MAX_NOTE, description="why (kept in the audit log)")


class PersonRef(Schema):
    username: str
    display_name: str


class CommunityRef(Schema):
    slug: str
    name: str


class TargetOut(Schema):
    kind: str = Field(..., description="post, comment or user")
    id: int | None = None
    username: str | None = None
    post: int | None = Field(None, description="for a comment: its post")
    author: PersonRef
    author_active: bool
    title: str | None = None
    body_html: str | None = Field(
        None, description="the content as written, shown to moderators even when hidden"
    )
    hidden: bool = False
    deleted: bool = False


class MyReportOut(Schema):
    id: int
    status: str
    reason: str
    reason_label: str
    text: str
    created_at: datetime
    target_kind: str


class ReportOut(Schema):
    id: int
    status: str
    reason: str
    reason_label: str
    text: str
    created_at: datetime
    reporter: PersonRef
    target: TargetOut
    community: CommunityRef | None = None
    resolved_by: PersonRef | None = None
    resolved_at: datetime | None = None
    resolution_note: str = ""


class QueuePage(Schema):
    items: list[ReportOut]
    next_cursor: str | None


class MyReportPage(Schema):
    items: list[MyReportOut]
    next_cursor: str | None


class HiddenState(Schema):
    kind: str
    id: int
    hidden: bool
    resolved_reports: list[int]


class AccountState(Schema):
    username: str
    active: bool


def person(user) -> dict | None:
    if user is None:
        return None
    profile = getattr(user, "profile", None)
    name = profile.display_name if profile is not None and profile.display_name else ""
    return {"username": user.username, "display_name": name or user.username}


def my_report_out(report: Report) -> dict:
    return {
        "id": report.pk,
        "status": report.status,
        "reason": report.reason,
        "reason_label": str(report.get_reason_display()),
        "text": report.text,
        "created_at": report.created_at,
        "target_kind": report.target_kind,
    }


def target_out(report: Report) -> dict:
    if report.post_id:
        post = report.post
        return {
            "kind": "post",
            "id": post.pk,
            "author": person(post.author),
            "author_active": post.author.is_active,
            "title": post.title or None,
            "body_html": post.body_html,
            "hidden": post.hidden_at is not None,
            "deleted": post.deleted_at is not None,
        }
    if report.comment_id:
        comment = report.comment
        return {
            "kind": "comment",
            "id": comment.pk,
            "post": comment.post_id,
            "author": person(comment.author),
            "author_active": comment.author.is_active,
            "body_html": comment.body_html,
            "hidden": comment.hidden_at is not None or comment.post.hidden_at is not None,
            "deleted": comment.deleted_at is not None or comment.post.deleted_at is not None,
        }
    user = report.reported_user
    return {
        "kind": "user",
        "username": user.username,
        "author": person(user),
        "author_active": user.is_active,
    }


def report_out(report: Report) -> dict:
    community = report.community
    return {
        **my_report_out(report),
        "reporter": person(report.reporter),
        "target": target_out(report),
        "community": {"slug": community.slug, "name": community.name} if community else None,
        "resolved_by": person(report.resolved_by),
        "resolved_at": report.resolved_at,
        "resolution_note": report.resolution_note,
    }
