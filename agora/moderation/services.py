"""Moderation: reports, the moderation queue, hiding and restoring content, suspending people.

Who may do what:
- anyone signed in may report what they can see (and only that: a report of something they
  can't see answers "not found", exactly like opening it would);
- community moderators (owners and moderators) handle reports on posts and comments in the
  communities they moderate, and hide or restore that content;
- administrators handle everything, including profiles and posts written on profiles, and
  alone may suspend or reinstate an account.

Every decision is written to the audit log, with the content's author as its subject.
Web views and API routers call these functions; nothing else writes moderation data.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.communities.models import Community
from agora.communities.visibility import can_moderate, moderated_community_ids
from agora.conversations.models import Comment, Post
from agora.core import audit
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.pagination import Page, paginate

from .models import MAX_NOTE, MAX_REPORT_TEXT, Report

QUEUE_KINDS = ("post", "comment", "user")


# --- Who moderates --------------------------------------------------------------------------


def is_moderator(user) -> bool:
    """Administrators and active owners or moderators of at least one community: the people
    who have a moderation queue (for showing the link to it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_administrator or moderated_community_ids(user).exists()


def moderated_communities(user) -> QuerySet[Community]:
    """The communities whose reports `user` handles (all of them for administrators)."""
    if user.is_administrator:
        return Community.objects.all()
    return Community.objects.filter(pk__in=moderated_community_ids(user))


def _require_login(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise Forbidden(_("Sign in first."))


def _reports_in_scope(viewer) -> QuerySet[Report]:
    if viewer.is_administrator:
        return Report.objects.all()
    return Report.objects.filter(community_id__in=moderated_community_ids(viewer))


def _clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(fields={"note": [_("At most %(n)d characters.") % {"n": MAX_NOTE}]})
    return note


# --- Reporting ------------------------------------------------------------------------------


@dataclass
class Target:
    kind: str  # "post", "comment" or "user"
    obj: object
    author: object
    community_id: int | None


def reportable_target(
    actor, *, post_id: int | None = None, comment_id: int | None = None, username: str = ""
) -> Target:
    """What `actor` wants to report, found through the same visibility rules as everywhere
    else: NotFound when they can't see it."""
    from agora.conversations.services import access_comment, access_post
    from agora.people.services import access_user

    _require_login(actor)
    given = [x for x in (post_id, comment_id, username or None) if x is not None]
    if len(given) != 1:
        raise Invalid(_("Report exactly one post, comment or person."))
    if post_id is not None:
        post = access_post(actor, post_id)
        return Target("post", post, post.author, post.community_id)
    if comment_id is not None:
        comment = access_comment(actor, comment_id)
        return Target("comment", comment, comment.author, comment.post.community_id)
    user = access_user(actor, username)
    return Target("user", user, user, None)


def report(
    actor,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    username: str = "",
    reason: str,
    text: str = "",
    request=None,
) -> Report:
    target = reportable_target(actor, post_id=post_id, comment_id=comment_id, username=username)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in Report.Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    elif reason == Report.Reason.OTHER and not text:
        errors["text"] = [_("Tell the moderators what is wrong.")]
    if len(text) > MAX_REPORT_TEXT:
        errors["text"] = [_("At most %(n)d characters.") % {"n": MAX_REPORT_TEXT}]
    if errors:
        raise Invalid(fields=errors)
    if target.author.pk == actor.pk:
        raise Invalid(_("You cannot report yourself or what you wrote."))
    lookup = {"reported_user" if target.kind == "user" else target.kind: target.obj}
    try:
        with transaction.atomic():
            created = Report.objects.create(
                reporter=actor,
                reason=reason,
                text=text,
                community_id=target.community_id,
                **lookup,
            )
            audit.record(
                "moderation.reported",
                actor=actor,
                target=target.author,
                request=request,
                report=created.pk,
                kind=target.kind,
                object=target.obj.pk,
                community=target.community_id,
                reason=reason,
            )
    except IntegrityError:
        # The partial unique constraint: this person already has an open report on it.
        raise Conflict(
            _("You already reported this; the moderators will look at it."),
            code="already_reported",
        ) from None
    return created


def my_reports(actor, cursor=None, limit=None) -> Page:
    _require_login(actor)
    return paginate(Report.objects.filter(reporter=actor), ["-created_at", "-id"], cursor, limit)


# --- The queue ------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    status: str = Report.Status.OPEN
    community: str = ""  # a community slug
    reason: str = ""
    kind: str = ""  # post, comment or user


def queue(viewer, filters: QueueFilters | None = None, cursor=None, limit=None) -> Page:
    """Reports the viewer handles, newest first: community moderators see those on content
    in their communities; administrators see everything. Anyone else: Forbidden."""
    _require_login(viewer)
    if not is_moderator(viewer):
        raise Forbidden(_("Only moderators have a moderation queue."))
    filters = filters or QueueFilters()
    errors: dict[str, list[str]] = {}
    if filters.status and filters.status not in Report.Status.values:
        errors["status"] = [_("Unknown status.")]
    if filters.reason and filters.reason not in Report.Reason.values:
        errors["reason"] = [_("Unknown reason.")]
    if filters.kind and filters.kind not in QUEUE_KINDS:
        errors["kind"] = [_("Unknown kind of target.")]
    if errors:
        raise Invalid(fields=errors)
    qs = _reports_in_scope(viewer)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.community:
        qs = qs.filter(community__slug=filters.community)
    if filters.reason:
        qs = qs.filter(reason=filters.reason)
    if filters.kind == "post":
        qs = qs.filter(post__isnull=False)
    elif filters.kind == "comment":
        qs = qs.filter(comment__isnull=False)
    elif filters.kind == "user":
        qs = qs.filter(reported_user__isnull=False)
    return paginate(_shaped(qs), ["-created_at", "-id"], cursor, limit)


def _shaped(qs: QuerySet[Report]) -> QuerySet[Report]:
    """Everything a queue entry shows, in one query whatever the page size."""
    return qs.select_related(
        "reporter__profile",
        "post__author__profile",
        "post__community",
        "comment__author__profile",
        "comment__post__community",
        "reported_user__profile",
        "community",
        "resolved_by__profile",
    )


def queue_item(viewer, report_id: int) -> Report:
    """One report of the viewer's queue, shaped like the queue's entries."""
    _require_login(viewer)
    if not is_moderator(viewer):
        raise Forbidden(_("Only moderators can handle reports."))
    found = _shaped(_reports_in_scope(viewer)).filter(pk=report_id).first()
    if found is None:
        raise NotFound(_("No such report."))
    return found


def open_report_count(viewer) -> int:
    if not is_moderator(viewer):
        return 0
    return _reports_in_scope(viewer).filter(status=Report.Status.OPEN)[:100].count()


def _report_in_scope(viewer, report_id: int) -> Report:
    _require_login(viewer)
    if not is_moderator(viewer):
        raise Forbidden(_("Only moderators can handle reports."))
    found = (
        _reports_in_scope(viewer)
        .select_related("post__author", "comment__author", "reported_user")
        .filter(pk=report_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such report."))
    return found


def _close_reports(qs: QuerySet[Report], actor, status: str, note: str) -> list[int]:
    ids = list(qs.filter(status=Report.Status.OPEN).values_list("pk", flat=True))
    if ids:
        Report.objects.filter(pk__in=ids, status=Report.Status.OPEN).update(
            status=status, resolved_by=actor, resolved_at=timezone.now(), resolution_note=note
        )
    return ids


def _reports_on(target: Target) -> QuerySet[Report]:
    field = "reported_user" if target.kind == "user" else target.kind
    return Report.objects.filter(**{field: target.obj})


def target_of(found: Report) -> Target:
    if found.post_id:
        return Target("post", found.post, found.post.author, found.community_id)
    if found.comment_id:
        return Target("comment", found.comment, found.comment.author, found.community_id)
    return Target("user", found.reported_user, found.reported_user, None)


@transaction.atomic
def dismiss(actor, report_id: int, note: str = "", request=None) -> Report:
    """Nothing to do: closes the report and the other open reports on the same target (the
    decision is about the content, not about one report of it)."""
    note = _clean_note(note)
    found = _report_in_scope(actor, report_id)
    if found.status != Report.Status.OPEN:
        raise Conflict(_("This report is already closed."), code="report_closed")
    target = target_of(found)
    closed = _close_reports(_reports_on(target), actor, Report.Status.DISMISSED, note)
    audit.record(
        "moderation.report_dismissed",
        actor=actor,
        target=target.author,
        request=request,
        report=found.pk,
        reports=closed,
        kind=target.kind,
        object=target.obj.pk,
        community=target.community_id,
        note=note,
    )
    found.refresh_from_db()
    return found


# --- Hiding and restoring content -----------------------------------------------------------


def _moderated_target(actor, *, post_id: int | None = None, comment_id: int | None = None):
    """The post or comment (hidden or not, but not deleted) if `actor` moderates where it
    lives. Someone who may not see it gets NotFound; someone who sees it but doesn't
    moderate it gets Forbidden."""
    from agora.conversations.visibility import visible_comments, visible_posts

    _require_login(actor)
    if comment_id is not None:
        obj = (
            Comment.objects.select_related("author", "post__community")
            .filter(pk=comment_id, deleted_at__isnull=True, post__deleted_at__isnull=True)
            .first()
        )
        community = obj.post.community if obj is not None else None
        visible = obj is not None and visible_comments(actor).filter(pk=obj.pk).exists()
        kind = "comment"
    else:
        obj = (
            Post.objects.select_related("author", "community")
            .filter(pk=post_id, deleted_at__isnull=True)
            .first()
        )
        community = obj.community if obj is not None else None
        visible = obj is not None and visible_posts(actor).filter(pk=obj.pk).exists()
        kind = "post"
    if obj is None:
        raise NotFound(_("No such comment.") if kind == "comment" else _("No such post."))
    allowed = actor.is_administrator or (community is not None and can_moderate(actor, community))
    if not allowed:
        if not visible:
            raise NotFound(_("No such comment.") if kind == "comment" else _("No such post."))
        raise Forbidden(_("Only this community's moderators and administrators can do that."))
    return Target(kind, obj, obj.author, community.pk if community else None)


@dataclass
class Outcome:
    target: Target
    hidden: bool
    resolved_reports: list[int]


def set_hidden(
    actor,
    hidden: bool,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    note: str = "",
    request=None,
) -> Outcome:
    note = _clean_note(note)
    target = _moderated_target(actor, post_id=post_id, comment_id=comment_id)
    obj = target.obj
    model = Comment if target.kind == "comment" else Post
    with transaction.atomic():
        # A conditional update decides, so two moderators clicking at once change it once.
        rows = model.objects.filter(pk=obj.pk)
        if hidden:
            obj.hidden_at = timezone.now()
            changed = rows.filter(hidden_at__isnull=True).update(hidden_at=obj.hidden_at)
        else:
            obj.hidden_at = None
            changed = rows.filter(hidden_at__isnull=False).update(hidden_at=None)
        if changed and target.kind == "comment":
            # The count on the post is of the comments people can read.
            counted = Post.objects.filter(pk=obj.post_id)
            if hidden:
                counted.filter(comment_count__gt=0).update(comment_count=F("comment_count") - 1)
            else:
                counted.update(comment_count=F("comment_count") + 1)
        resolved = _close_reports(_reports_on(target), actor, Report.Status.RESOLVED, note)
        audit.record(
            f"moderation.{target.kind}_{'hidden' if hidden else 'restored'}",
            actor=actor,
            target=target.author,
            request=request,
            kind=target.kind,
            object=obj.pk,
            post=obj.pk if target.kind == "post" else obj.post_id,
            community=target.community_id,
            reports=resolved,
            changed=bool(changed),
            note=note,
        )
    return Outcome(target, hidden, resolved)


def hide(actor, *, post_id=None, comment_id=None, note="", request=None) -> Outcome:
    return set_hidden(
        actor, True, post_id=post_id, comment_id=comment_id, note=note, request=request
    )


def restore(actor, *, post_id=None, comment_id=None, note="", request=None) -> Outcome:
    return set_hidden(
        actor, False, post_id=post_id, comment_id=comment_id, note=note, request=request
    )


# --- Suspending people ----------------------------------------------------------------------


def set_suspended(actor, username: str, suspended: bool, note: str = "", request=None):
    """Administrators only. A suspended account can't sign in, its sessions stop working and
    its API tokens are refused (all of Agora checks `is_active`)."""
    from agora.accounts.services import set_active

    _require_login(actor)
    if not actor.is_administrator:
        raise Forbidden(_("Only administrators can suspend or reinstate people."))
    note = _clean_note(note)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No such person."))
    with transaction.atomic():
        changed = user.is_active == suspended
        set_active(actor, user, not suspended, request=request)
        resolved = []
        if suspended:
            resolved = _close_reports(
                Report.objects.filter(reported_user=user), actor, Report.Status.RESOLVED, note
            )
        audit.record(
            "moderation.user_suspended" if suspended else "moderation.user_reinstated",
            actor=actor,
            target=user,
            request=request,
            reports=resolved,
            changed=changed,
            note=note,
        )
    return user


def suspend(actor, username: str, note: str = "", request=None):
    return set_suspended(actor, username, True, note=note, request=request)


def reinstate(actor, username: str, note: str = "", request=None):
    return set_suspended(actor, username, False, note=note, request=request)
