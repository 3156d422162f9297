from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.core.errors import Invalid, NotFound

from . import services
from .forms import ApiTokenForm, LanguageForm


@login_required
def settings_home(request):
    return render(
        request,
        "accounts/settings.html",
        {
            "language_form": LanguageForm(initial={"language": translation.get_language()}),
        },
    )


@require_POST
def set_language(request):
    """Switch the interface language: remembered in the account and in a cookie (for the
    login page and anonymous visitors)."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        code = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_language(request.user, code)
        translation.activate(code)
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    return response


@login_required
def tokens(request):
    created_secret = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, created_secret = services.create_api_token(
                request.user, form.cleaned_data["name"], request=request
            )
        except Invalid as error:
            for problem in error.fields.get("name", [error.message]):
                form.add_error("name", problem)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.active(),
            "created_secret": created_secret,
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id):
    try:
        services.revoke_api_token(request.user, token_id, request=request)
        messages.success(request, _("The token was revoked."))
    except NotFound:
        messages.error(request, _("No such token."))
    return redirect("settings:tokens")
