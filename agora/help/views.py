"""Web pages for requests and offers of help. Thin: parse, call the services, render.
NotFound is a 404, Forbidden a 403 or a message next to the action, Invalid errors next to the
form fields. htmx swaps fragments where it is present; everything works without it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.conversations.views import add_form_errors, first_page_if_bad_cursor, is_htmx, or_404
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.pagination import Page

from . import matching, services, thanks
from .forms import HelpItemForm, ResponseForm, ThanksForm
from .models import HelpItem

TABS = (
    (HelpItem.Kind.REQUEST, HelpItem.Kind.REQUEST.label),
    (HelpItem.Kind.OFFER, HelpItem.Kind.OFFER.label),
)
STATUS_FILTERS = ("active", *HelpItem.Status.values, "all")


def _filters(request) -> services.Filters:
    kind = request.GET.get("kind") or HelpItem.Kind.REQUEST
    if kind not in HelpItem.Kind.values:
        kind = HelpItem.Kind.REQUEST
    status = request.GET.get("status") or "active"
    if status not in STATUS_FILTERS:
        status = "active"
    return services.Filters(
        kind=kind,
        status="" if status == "all" else status,
        tag=(request.GET.get("tag") or "").strip().lstrip("#")[:64],
        community=(request.GET.get("community") or "")[:100],
        mine=request.GET.get("mine") == "1",
        q=(request.GET.get("q") or "")[:200],
    )


@login_required
def item_list(request):
    filters = _filters(request)
    error = None
    try:
        page = first_page_if_bad_cursor(
            services.list_items, request.user, filters, cursor=request.GET.get("cursor")
        )
    except Invalid as exc:
        # An unknown tag or community in the address: say so, show nothing rather than all.
        error = next(iter(exc.fields.values()), [exc.message])[0]
        page = Page(items=[], next_cursor=None)
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    context = {
        "page": page,
        "filters": filters,
        "status": request.GET.get("status") or "active",
        "tabs": TABS,
        "statuses": [
            ("active", _("Open and in progress")),
            *HelpItem.Status.choices,
            ("all", _("All")),
        ],
        "error": error,
        "more_url": reverse("help:list") + "?" + urlencode({**query, "cursor": page.next_cursor})
        if page.next_cursor
        else None,
        "query": urlencode(query),
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "help/_items.html", context)
    if is_htmx(request) and request.headers.get("HX-Target") == "help-results":
        return render(request, "help/_results.html", context)
    return render(request, "help/list.html", context)


@login_required
def new_item(request):
    if request.method == "POST":
        form = HelpItemForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.create_item(
                    request.user,
                    kind=data["kind"],
                    title=data["title"],
                    body=data.get("body") or "",
                    tags=form.tag_names(),
                    community=form.community_obj(),
                    deadline=data.get("deadline"),
                    availability=data.get("availability") or "",
                )
            except (Invalid, Forbidden, NotFound) as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is published.")
                    if item.kind == HelpItem.Kind.REQUEST
                    else _("Your offer is published."),
                )
                return redirect("help:detail", item.pk)
    else:
        kind = request.GET.get("kind")
        initial = {"kind": kind if kind in HelpItem.Kind.values else HelpItem.Kind.REQUEST}
        if request.GET.get("community"):
            initial["community"] = request.GET["community"]
        form = HelpItemForm(initial=initial, user=request.user)
    return render(request, "help/form.html", {"form": form})


def _detail_context(request, item: HelpItem, **extra) -> dict:
    rights = services.rights(request.user, item)
    responses = thanks.responses_of(request.user, item)
    given = thanks.thanks_of(request.user, item)
    thanked = {t.helper_id for t in given}
    context = {
        "item": item,
        "rights": rights,
        "responses": responses,
        "thanks": given,
        "my_response": thanks.viewer_response(request.user, item),
        "response_form": ResponseForm(),
        "thanks_form": (
            ThanksForm(responders=[r for r in responses if r.user_id not in thanked])
            if rights.can_thank
            else None
        ),
        "next_statuses": _next_statuses(item) if rights.can_change_status else [],
    }
    context.update(extra)
    return context


def _next_statuses(item: HelpItem) -> list[tuple[str, str]]:
    labels = {
        HelpItem.Status.OPEN: _("Reopen") if item.status in services.CLOSED else _("Back to open"),
        HelpItem.Status.IN_PROGRESS: _("Mark in progress"),
        HelpItem.Status.DONE: _("Mark done"),
        HelpItem.Status.WITHDRAWN: _("Withdraw"),
    }
    return [
        (s, labels[s]) for s in HelpItem.Status.values if s in services.TRANSITIONS[item.status]
    ]


@login_required
def detail(request, item_id):
    item = or_404(services.access_item, request.user, item_id)
    return render(request, "help/detail.html", _detail_context(request, item))


@login_required
def matches(request, item_id):
    """Suggestions for the item: a fragment loaded by htmx, a page without it."""
    item = or_404(services.access_item, request.user, item_id)
    context = {"item": item}
    if item.kind == HelpItem.Kind.REQUEST:
        context["people"] = matching.people_for_request(request.user, item)
    else:
        context["requests"] = matching.requests_for_offer(request.user, item)
    if is_htmx(request):
        return render(request, "help/_matches.html", context)
    return render(request, "help/matches.html", context)


@login_required
def edit_item(request, item_id):
    item = or_404(services.access_item, request.user, item_id)
    if item.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = HelpItemForm(request.POST, user=request.user, item=item)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                "title": data["title"],
                "body": data.get("body") or "",
                "tags": form.tag_names(),
            }
            if "deadline" in form.fields:
                changes["deadline"] = data.get("deadline")
            if "availability" in form.fields:
                changes["availability"] = data.get("availability") or ""
            try:
                services.edit_item(request.user, item.pk, changes)
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("help:detail", item.pk)
    else:
        initial = {
            "title": item.title,
            "body": item.body,
            "tags": ", ".join(t.name for t in item.tags.all()),
            "deadline": item.deadline,
            "availability": item.availability,
        }
        form = HelpItemForm(initial=initial, user=request.user, item=item)
    return render(request, "help/form.html", {"form": form, "item": item})


def _act(request, item_id, action, success: str, *, form_name=None, form=None):
    """Run `action()`. Under htmx the item's body comes back (with the error next to the form
    that caused it); without htmx, a redirect on success, the page with the errors otherwise."""
    error = None
    try:
        action()
    except (Forbidden, Invalid, Conflict) as exc:
        error = exc
    if error is None and not is_htmx(request):
        messages.success(request, success)
        return redirect("help:detail", item_id)
    item = or_404(services.access_item, request.user, item_id)
    extra = {"updated": success if error is None else None}
    if error is not None:
        if form is not None and error.fields:
            add_form_errors(form, error)
            extra[form_name] = form
        else:
            extra["action_error"] = error.message
    context = _detail_context(request, item, **extra)
    if is_htmx(request):
        return render(request, "help/_detail_body.html", context)
    return render(request, "help/detail.html", context)


@login_required
@require_POST
def change_status(request, item_id):
    status = request.POST.get("status", "")
    return _act(
        request,
        item_id,
        lambda: services.set_status(request.user, item_id, status),
        _("The status is updated."),
    )


@login_required
@require_POST
def respond(request, item_id):
    form = ResponseForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else request.POST.get("message", "")
    return _act(
        request,
        item_id,
        lambda: thanks.respond(request.user, item_id, message),
        _("The author is told you answered."),
        form_name="response_form",
        form=form,
    )


@login_required
@require_POST
def withdraw_response(request, item_id):
    return _act(
        request,
        item_id,
        lambda: thanks.withdraw_response(request.user, item_id),
        _("Your answer is withdrawn."),
    )


@login_required
@require_POST
def thank(request, item_id):
    item = or_404(services.access_item, request.user, item_id)
    responses = thanks.responses_of(request.user, item)
    form = ThanksForm(request.POST, responders=responses)
    valid = form.is_valid()
    names = form.usernames() if valid else []
    message = form.cleaned_data.get("message", "") if valid else ""
    return _act(
        request,
        item_id,
        lambda: thanks.thank(request.user, item_id, names, message),
        _("Thank you sent. The request is done."),
        form_name="thanks_form",
        form=form,
    )


@login_required
@require_POST
def hide(request, item_id):
    hidden = request.POST.get("action") != "restore"
    services.set_hidden(request.user, item_id, hidden)
    if hidden:
        messages.success(request, _("It is hidden from everyone."))
        return redirect("help:list")
    messages.success(request, _("It is visible again."))
    return redirect("help:detail", item_id)
