"""Web pages for notifications: the list (grouped: "Ana and 4 others reacted to your post"),
marking read, the unread badge, and per-kind preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.conversations.views import is_htmx, safe_next
from agora.core.errors import Invalid

from . import services
from .digest import PAGE_OF_KIND, describe
from .models import Kind, Notification

CHANGED = "notifications-changed"  # htmx event: the badge refreshes itself


def target_url(n: Notification) -> str:
    """Where a notification leads: the answer, the comment, the post, the community, the
    follower."""
    if n.help_item_id:
        return reverse("help:detail", args=[n.help_item_id])
    if n.kind in PAGE_OF_KIND:
        return reverse(PAGE_OF_KIND[n.kind])
    if n.answer_id and n.post_id:  # answers live on their question's page
        return reverse("qa:detail", args=[n.post_id]) + f"#answer-{n.answer_id}"
    if n.post_id:
        url = reverse("conversations:post", args=[n.post_id])
        return f"{url}#comment-{n.comment_id}" if n.comment_id else url
    if n.kind == Kind.FOLLOW:
        return reverse("people:followers", args=[n.recipient.username])
    if n.community_id:
        if n.kind == Kind.JOIN_REQUEST:
            return reverse("communities:moderation", args=[n.community.slug])
        return reverse("communities:detail", args=[n.community.slug])
    return reverse("notifications:list")


def nav_context(request) -> dict:
    """A context processor (optional): the unread count for the navigation, computed only if
    a template asks for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: services.unread_count(user)}


def _shape(request, items):
    for n in items:
        n.recipient = request.user  # every notification listed is the viewer's
        n.text = describe(n)
        n.url = target_url(n)
    return items


@login_required
def notification_list(request):
    unread_only = request.GET.get("filter") == "unread"
    try:
        page = services.for_user(
            request.user, cursor=request.GET.get("cursor"), unread_only=unread_only
        )
    except Invalid:
        page = services.for_user(request.user, unread_only=unread_only)
    _shape(request, page.items)
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": services.unread_count(request.user),
        "query": "filter=unread" if unread_only else "",
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "notifications/_rows.html", context)
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request, notification_id):
    services.mark_read(request.user, notification_id)
    if is_htmx(request):
        n = (
            Notification.objects.filter(recipient=request.user, pk=notification_id)
            .select_related("actor__profile", "post", "comment", "community")
            .first()
        )
        if n is None:
            raise Http404
        _shape(request, [n])
        response = render(request, "notifications/_row.html", {"n": n})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect(safe_next(request, reverse("notifications:list")))


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    response = redirect(safe_next(request, reverse("notifications:list")))
    response["HX-Trigger"] = CHANGED
    return response


@login_required
def badge(request):
    """The unread count in the navigation (htmx polls it and refreshes it on changes)."""
    return render(
        request, "notifications/_badge.html", {"count": services.unread_count(request.user)}
    )


@login_required
def preferences(request):
    current = services.preferences(request.user)
    if request.method == "POST":
        for kind in Kind.values:
            try:
                services.set_preference(
                    request.user,
                    kind,
                    in_app=request.POST.get(f"{kind}-in_app") == "on",
                    email=request.POST.get(f"{kind}-email") == "on",
                )
            except Invalid as error:  # pragma: no cover - the kinds come from the model
                messages.error(request, error.message)
                return redirect("notifications:preferences")
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": current[kind]["in_app"],
            "email": current[kind]["email"],
        }
        for kind, label in Kind.choices
        # only administrators decide claims, so only they are told about them
        if kind != Kind.IMPORT_CLAIM or request.user.is_administrator
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})
