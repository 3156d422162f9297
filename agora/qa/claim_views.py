"""Web pages for claiming imported Stack Exchange accounts: the employee's settings page
(their claims and the form) and the administrators' review page. Thin: claims.py decides;
its Forbidden and NotFound become the 403 and 404 pages (core.middleware), except on the form,
where an unknown account is an error next to the field."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.conversations.views import add_form_errors, first_page_if_bad_cursor
from agora.core.errors import Conflict, Invalid, NotFound

from . import claims
from .forms import ClaimForm

# the service's field names -> the form's
_FIELDS = {"source_user_id": "user"}
MY_CLAIMS_SHOWN = 50


def claim_url(site: str, source_id: int) -> str:
    """The settings page with its form filled for this imported person ("Is this you?")."""
    return reverse("claims:imported") + "?" + urlencode({"site": site, "user": source_id})


@login_required
def imported_contributions(request):
    claims.check_can_claim(request.user)
    sites = claims.imported_sites()
    if request.method == "POST":
        form = ClaimForm(request.POST, sites=sites)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claims.request_claim(
                    request.user, data["site"], data["user"], data["note"], request=request
                )
            except (Invalid, NotFound, Conflict) as error:
                add_form_errors(form, error, _FIELDS)
            else:
                messages.success(
                    request,
                    _("Your claim is sent: an administrator will check it and decide."),
                )
                return redirect("claims:imported")
    else:
        site = request.GET.get("site") or ""
        form = ClaimForm(
            sites=sites,
            initial={"site": site if site in sites else None, "user": request.GET.get("user", "")},
        )
    return render(
        request,
        "qa/claims/imported.html",
        {
            "form": form,
            "sites": sites,
            "my_claims": claims.my_claims(request.user, limit=MY_CLAIMS_SHOWN).items,
        },
    )


@login_required
def review(request):
    page = first_page_if_bad_cursor(
        claims.queue, request.user, claims.State.PENDING, cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "qa/claims/review.html",
        {"page": page, "decides_own": claims.decides_own_claims(request.user)},
    )


@login_required
@require_POST
def decide(request, claim_id: int, action: str):
    try:
        claim = claims.decide_claim(request.user, claim_id, action == "approve", request=request)
    except (Conflict, NotFound) as error:
        messages.error(request, error.message)
    else:
        who = claim.claimant.profile.display_name
        if action == "approve":
            text = _("Approved: the contributions of %(name)s (%(site)s) now belong to %(who)s.")
        else:
            text = _("Rejected the claim of %(who)s on %(name)s (%(site)s).")
        messages.success(
            request,
            text % {"name": claim.imported.profile.display_name, "site": claim.site, "who": who},
        )
    return redirect("claims:review")
