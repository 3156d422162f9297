"""Web pages for communities. Thin: parse the request, call the services, render (a NotFound
or Forbidden a view lets through is the 404 or 403 page, see agora.core.middleware).

A community the viewer may not know about (secret, not a member) is a 404 everywhere, exactly
like one that doesn't exist; a listed community whose content they may not read shows its
description and how to join, never its posts, members or files.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.conversations import feeds
from agora.conversations.forms import PostForm
from agora.conversations.views import (
    add_form_errors,
    card_context,
    first_page_if_bad_cursor,
    is_htmx,
    or_404,
    prepare_cards,
)
from agora.core.errors import AgoraError, Forbidden, Invalid, NotFound

from . import services
from .forms import CommunityForm, CoverForm, InviteForm, RoleForm
from .models import Community, Membership
from .visibility import can_moderate, can_read, membership_of

State = Membership.State
Role = Membership.Role


def _community_or_404(request, slug) -> Community:
    return or_404(services.access_community, request.user, slug)


def _state(request, community: Community) -> dict:
    """The viewer's standing in the community, for the buttons and tabs (one query)."""
    membership = membership_of(request.user, community)
    active = membership is not None and membership.state == State.ACTIVE
    return {
        "community": community,
        "membership": membership,
        "is_member": active,
        "is_pending": membership is not None and membership.state == State.PENDING,
        "is_invited": membership is not None and membership.state == State.INVITED,
        "is_owner": active and membership.role == Role.OWNER,
        "can_read": can_read(request.user, community, membership),
        "can_moderate": can_moderate(request.user, community, membership),
    }


def _message_for(request, error: AgoraError) -> None:
    messages.error(request, error.message)


# --- Lists and creation -------------------------------------------------------------------------


@login_required
def community_list(request):
    """My communities (and invitations), or all those I may know about."""
    show_all = bool(request.GET.get("all")) or request.GET.get("tab") == "all"
    try:
        page = services.list_communities(
            request.user, mine=not show_all, cursor=request.GET.get("cursor")
        )
    except Invalid:
        page = services.list_communities(request.user, mine=not show_all)
    memberships = services.viewer_memberships(request.user, page.items)
    for community in page.items:
        community.viewer_membership = memberships.get(community.pk)
    invitations = []
    if not show_all and not request.GET.get("cursor"):
        invitations = list(
            Membership.objects.filter(user=request.user, state=State.INVITED)
            .select_related("community", "invited_by__profile")
            .order_by("-created_at")[:20]
        )
    context = {
        "page": page,
        "show_all": show_all,
        "invitations": invitations,
        "query": "tab=all" if show_all else "",
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "communities/_community_rows.html", context)
    return render(request, "communities/list.html", context)


@login_required
def create(request):
    if not request.user.is_employee:
        raise PermissionDenied
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.create_community(request.user, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The community is created. Invite people to it."))
            return redirect("communities:detail", community.slug)
    return render(request, "communities/create.html", {"form": form})


# --- The community page -------------------------------------------------------------------------


@login_required
def detail(request, slug):
    community = _community_or_404(request, slug)
    context = _state(request, community)
    url = reverse("communities:detail", args=[community.slug])
    if not context["can_read"]:
        return render(request, "communities/detail.html", context)
    cursor = request.GET.get("cursor")
    page = first_page_if_bad_cursor(feeds.community, request.user, community, cursor=cursor)
    pinned = [] if cursor else feeds.pinned(request.user, community)
    prepare_cards(request.user, pinned + page.items)
    context.update(card_context(request.user))
    context.update(page=page, more_url=url, pinned=pinned, is_first_page=not cursor)
    if is_htmx(request) and cursor:
        return render(request, "conversations/_feed_items.html", context)
    if context["is_member"]:
        context["form"] = PostForm(user=request.user, communities=[community])
    return render(request, "communities/detail.html", context)


@login_required
def cover(request, slug):
    """The cover image, for those who may know the community exists."""
    community = _community_or_404(request, slug)
    if not community.cover:
        raise Http404
    try:
        handle = community.cover.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(community.cover.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def members(request, slug):
    community = _community_or_404(request, slug)
    context = _state(request, community)
    try:
        page = services.members(request.user, community, cursor=request.GET.get("cursor"))
    except Invalid:
        page = services.members(request.user, community)
    context["page"] = page
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "communities/_member_rows.html", context)
    return render(request, "communities/members.html", context)


# --- Joining and leaving ------------------------------------------------------------------------


@login_required
@require_POST
def join(request, slug):
    community = _community_or_404(request, slug)
    try:
        membership = services.join(request.user, community)
    except (Forbidden, Invalid) as error:
        _message_for(request, error)
    else:
        if membership.state == State.ACTIVE:
            messages.success(request, _("Welcome to %(name)s.") % {"name": community.name})
        else:
            messages.success(request, _("Your request is sent. A moderator will answer it."))
    return redirect("communities:detail", community.slug)


@login_required
@require_POST
def leave(request, slug):
    community = _community_or_404(request, slug)
    state = _state(request, community)
    try:
        services.leave(request.user, community)
    except AgoraError as error:
        _message_for(request, error)
        return redirect("communities:detail", community.slug)
    if state["is_pending"]:
        messages.success(request, _("Your request is withdrawn."))
    else:
        messages.success(request, _("You left %(name)s.") % {"name": community.name})
    if community.kind == Community.Kind.SECRET or request.user.is_guest:
        return redirect("communities:list")  # its page is no longer there for them
    return redirect("communities:detail", community.slug)


@login_required
@require_POST
def decline(request, slug):
    community = _community_or_404(request, slug)
    services.decline_invitation(request.user, community)
    messages.success(request, _("The invitation is declined."))
    return redirect("communities:list")


# --- Moderation ---------------------------------------------------------------------------------


def _moderated(request, slug) -> tuple[Community, dict]:
    community = _community_or_404(request, slug)
    state = _state(request, community)
    if not state["can_moderate"]:
        if not state["can_read"] and community.kind == Community.Kind.SECRET:
            raise Http404
        raise PermissionDenied
    return community, state


@login_required
def moderation(request, slug):
    community, context = _moderated(request, slug)
    context.update(
        pending=services.members(request.user, community, state=State.PENDING, limit=100),
        invited=services.members(request.user, community, state=State.INVITED, limit=100),
        page=services.members(request.user, community, limit=100),
        invite_form=InviteForm(),
        roles=Role.choices,
    )
    return render(request, "communities/moderation.html", context)


def _back_to_moderation(community):
    return redirect("communities:moderation", community.slug)


@login_required
@require_POST
def decide(request, slug, username):
    community, _state_ = _moderated(request, slug)
    approve = request.POST.get("action") == "approve"
    try:
        services.decide_request(request.user, community, username, approve)
    except NotFound:
        messages.error(request, _("This request no longer exists."))
    else:
        messages.success(
            request, _("The request is approved.") if approve else _("The request is refused.")
        )
    return _back_to_moderation(community)


@login_required
@require_POST
def invite(request, slug):
    community = _community_or_404(request, slug)
    state = _state(request, community)
    form = InviteForm(request.POST)
    back = (
        _back_to_moderation(community)
        if state["can_moderate"]
        else redirect("communities:members", community.slug)
    )
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return back
    username = form.cleaned_data["username"].strip().lstrip("@")
    try:
        membership = services.invite(request.user, community, username)
    except NotFound:
        messages.error(request, _("Nobody has the username “%(name)s”.") % {"name": username})
    except (Forbidden, Invalid) as error:
        _message_for(request, error)
    else:
        if membership.state == State.ACTIVE:
            messages.success(request, _("%(name)s is a member now.") % {"name": username})
        else:
            messages.success(request, _("%(name)s is invited.") % {"name": username})
    return back


@login_required
@require_POST
def remove(request, slug, username):
    community, _state_ = _moderated(request, slug)
    try:
        services.remove_member(request.user, community, username)
    except NotFound:
        messages.error(request, _("This person is not a member."))
    except (Forbidden, Invalid) as error:
        _message_for(request, error)
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": username})
    return _back_to_moderation(community)


@login_required
@require_POST
def set_role(request, slug, username):
    community, _state_ = _moderated(request, slug)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _back_to_moderation(community)
    try:
        services.set_role(request.user, community, username, form.cleaned_data["role"])
    except NotFound:
        messages.error(request, _("This person is not a member."))
    except AgoraError as error:
        msgs = [p for problems in error.fields.values() for p in problems] or [error.message]
        for problem in msgs:
            messages.error(request, problem)
    else:
        messages.success(request, _("The role of %(name)s is changed.") % {"name": username})
    return _back_to_moderation(community)


@login_required
def edit(request, slug):
    community, context = _moderated(request, slug)
    initial = {
        "name": community.name,
        "kind": community.kind,
        "description": community.description,
        "rules": community.rules,
    }
    form = CommunityForm(initial=initial)
    cover_form = CoverForm()
    if request.method == "POST" and request.POST.get("part") == "cover":
        cover_form = CoverForm(request.POST, request.FILES)
        if cover_form.is_valid():
            try:
                if cover_form.cleaned_data["clear"]:
                    services.clear_cover(request.user, community)
                    messages.success(request, _("The cover image is removed."))
                elif cover_form.cleaned_data["cover"]:
                    services.set_cover(request.user, community, cover_form.cleaned_data["cover"])
                    messages.success(request, _("The cover image is updated."))
                else:
                    cover_form.add_error("cover", _("Choose an image first."))
            except Invalid as error:
                add_form_errors(cover_form, error)
            if not cover_form.errors:
                return redirect("communities:edit", community.slug)
    elif request.method == "POST":
        form = CommunityForm(request.POST)
        if form.is_valid():
            try:
                services.update_community(request.user, community, form.cleaned_data)
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("The community is saved."))
                return redirect("communities:detail", community.slug)
    context.update(form=form, cover_form=cover_form)
    return render(request, "communities/edit.html", context)
