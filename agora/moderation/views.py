"""Web pages for moderation. Thin: parse the request, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.core.errors import AgoraError, Forbidden, Invalid, NotFound

from . import services
from .forms import NoteForm, QueueForm, ReportForm
from .models import Report


def _safe_next(request, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def post_url(post_id: int) -> str | None:
    """The post's page, when the conversations app serves one."""
    try:
        return reverse("conversations:post", args=[post_id])
    except NoReverseMatch:
        return None


def _profile_url(username: str) -> str | None:
    try:
        return reverse("people:profile", args=[username])
    except NoReverseMatch:
        return None


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


@login_required
def report(request):
    """/moderation/report?post=<id> | ?comment=<id> | ?user=<username>"""
    try:
        target = services.reportable_target(
            request.user,
            post_id=_int_or_none(request.GET.get("post")),
            comment_id=_int_or_none(request.GET.get("comment")),
            username=request.GET.get("user", ""),
        )
    except Invalid:
        raise Http404 from None
    if target.kind == "user":
        default_next = _profile_url(target.obj.username) or reverse("home")
    elif target.kind == "post":
        default_next = post_url(target.obj.pk) or reverse("home")
    else:
        default_next = post_url(target.obj.post_id) or reverse("home")
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report(
                    request.user,
                    post_id=target.obj.pk if target.kind == "post" else None,
                    comment_id=target.obj.pk if target.kind == "comment" else None,
                    username=target.obj.username if target.kind == "user" else "",
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    request=request,
                )
            except (Invalid, AgoraError) as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Thank you. The moderators will look at your report."))
                return redirect(_safe_next(request, form.cleaned_data["next"], default_next))
    else:
        form = ReportForm(initial={"next": request.GET.get("next", "")})
    return render(
        request,
        "moderation/report.html",
        {"form": form, "target": target, "cancel_url": default_next},
    )


def _form_errors(form, error: AgoraError) -> None:
    if not error.fields:
        form.add_error(None, error.message)
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _decorate(item: Report) -> Report:
    """What the page needs beyond the row: links that exist only when the content does."""
    item.target_kind_label = {
        "post": _("Post"),
        "comment": _("Comment"),
        "user": _("Profile"),
    }[item.target_kind]
    item.author = item.target_author
    item.open_url = None
    item.is_hidden = False
    item.is_deleted = False
    if item.post_id:
        item.is_hidden = item.post.hidden_at is not None
        item.is_deleted = item.post.deleted_at is not None
        if not item.is_hidden and not item.is_deleted:
            item.open_url = post_url(item.post_id)
    elif item.comment_id:
        post = item.comment.post
        item.is_hidden = item.comment.hidden_at is not None
        item.is_deleted = item.comment.deleted_at is not None or post.deleted_at is not None
        if not item.is_deleted and post.hidden_at is None:
            item.open_url = post_url(post.pk)
    else:
        item.open_url = _profile_url(item.reported_user.username)
    return item


@login_required
def queue(request):
    if not services.is_moderator(request.user):
        raise PermissionDenied
    communities = list(services.moderated_communities(request.user).only("slug", "name"))
    data = request.GET.copy()
    data.setdefault("status", Report.Status.OPEN)
    form = QueueForm(data, communities=communities, everything=request.user.is_administrator)
    filters = services.QueueFilters()
    if form.is_valid():
        filters = services.QueueFilters(**form.cleaned_data)
    try:
        page = services.queue(request.user, filters, request.GET.get("cursor"))
    except Invalid:
        page = services.queue(request.user, filters, None)
    page.items = [_decorate(item) for item in page.items]
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "moderation/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _act(request, action, success: str):
    form = NoteForm(request.POST)
    form.is_valid()
    back = _safe_next(request, form.cleaned_data.get("next"), reverse("moderation:queue"))
    if "note" in form.errors:
        messages.error(request, form.errors["note"][0])
        return redirect(back)
    try:
        action(form.cleaned_data.get("note", ""))
    except (NotFound, Forbidden):
        raise  # the 404 and 403 pages (agora.core.middleware), not a message
    except AgoraError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(back)


@require_POST
@login_required
def dismiss(request, report_id: int):
    return _act(
        request,
        lambda note: services.dismiss(request.user, report_id, note, request=request),
        _("The report was dismissed."),
    )


@require_POST
@login_required
def hide_post(request, post_id: int):
    return _act(
        request,
        lambda note: services.hide(request.user, post_id=post_id, note=note, request=request),
        _("The post is hidden."),
    )


@require_POST
@login_required
def restore_post(request, post_id: int):
    return _act(
        request,
        lambda note: services.restore(request.user, post_id=post_id, note=note, request=request),
        _("The post is visible again."),
    )


@require_POST
@login_required
def hide_comment(request, comment_id: int):
    return _act(
        request,
        lambda note: services.hide(request.user, comment_id=comment_id, note=note, request=request),
        _("The comment is hidden."),
    )


@require_POST
@login_required
def restore_comment(request, comment_id: int):
    return _act(
        request,
        lambda note: services.restore(
            request.user, comment_id=comment_id, note=note, request=request
        ),
        _("The comment is visible again."),
    )


@require_POST
@login_required
def suspend(request, username: str):
    return _act(
        request,
        lambda note: services.suspend(request.user, username, note, request=request),
        _("The account is suspended."),
    )


@require_POST
@login_required
def reinstate(request, username: str):
    return _act(
        request,
        lambda note: services.reinstate(request.user, username, note, request=request),
        _("The account is reinstated."),
    )
