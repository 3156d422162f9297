"""Web pages for people. Thin: parse the request, call services, render."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.core.errors import Forbidden, Invalid, NotFound

from . import services
from .forms import (
    FIELD_LABELS,
    AvatarForm,
    DirectoryForm,
    InterestFormSet,
    ProfileForm,
    SkillFormSet,
)
from .models import PRIVATE_FIELDS, Profile
from .visibility import visible_profiles


def _is_htmx(request) -> bool:
    # A history restore (back button after hx-push-url) needs the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _person_or_404(viewer, username):
    try:
        return services.access_profile(viewer, username)
    except NotFound:
        raise Http404 from None


@login_required
def directory(request):
    if not request.user.is_employee:
        raise PermissionDenied(_("The directory is for employees."))
    form = DirectoryForm(request.GET or None)
    filters = services.DirectoryFilters()
    if form.is_valid():
        filters = services.DirectoryFilters(**form.cleaned_data)
    try:
        page = services.directory(request.user, filters, request.GET.get("cursor"))
    except Invalid:
        page = services.directory(request.user, filters, None)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if _is_htmx(request):
        return render(request, "people/_directory_results.html", context)
    return render(request, "people/directory.html", context)


@login_required
def profile(request, username):
    person = _person_or_404(request.user, username)
    return render(
        request,
        "people/profile.html",
        {
            "person": person,
            "counts": services.follow_counts(request.user, person.profile.user, person.profile),
            "languages": [(c, services.LANGUAGE_CHOICES.get(c, c)) for c in person.languages or []],
        },
    )


@login_required
def avatar(request, username):
    """Avatars go through a permission check: a guest can't fetch pictures of people they
    can't see by guessing URLs."""
    profile = visible_profiles(request.user).filter(user__username=username).first()
    if profile is None or not profile.avatar:
        raise Http404
    content_type = mimetypes.guess_type(profile.avatar.name)[0] or "application/octet-stream"
    response = FileResponse(profile.avatar.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _skill_initial(profile):
    return [
        {"name": link.skill.name, "level": link.level}
        for link in profile.skill_links.select_related("skill")
    ]


def _interest_initial(profile):
    return [
        {"name": link.interest.name, "kind": link.kind}
        for link in profile.interest_links.select_related("interest")
    ]


def _rows(formset, keys):
    rows = []
    for row in formset.cleaned_data:
        if row and row.get("name") and not row.get("DELETE"):
            rows.append({k: row[k] for k in keys})
    return rows


@login_required
def edit_profile(request):
    profile = Profile.objects.select_related("department", "manager").get(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        skills = SkillFormSet(request.POST, prefix="skills")
        interests = InterestFormSet(request.POST, prefix="interests")
        if form.is_valid() and skills.is_valid() and interests.is_valid():
            changes = form.changes()
            changes["skills"] = _rows(skills, ("name", "level"))
            changes["interests"] = _rows(interests, ("name", "kind"))
            try:
                services.update_profile(request.user, profile, changes)
            except Invalid as error:
                for field, problems in error.fields.items():
                    target = field if field in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("people:profile", request.user.username)
    else:
        initial = {
            "display_name": profile.display_name,
            "headline": profile.headline,
            "bio": profile.bio,
            "team": profile.team,
            "location": profile.location,
            "department": profile.department.slug if profile.department else "",
            "manager": profile.manager.username if profile.manager else "",
            "languages": profile.languages,
            "goals": profile.goals,
            "help_with": profile.help_with,
            "suggestible": profile.suggestible,
            "expert_suggestible": profile.expert_suggestible,
        }
        for name in PRIVATE_FIELDS:
            initial[f"{name}_visibility"] = getattr(profile, f"{name}_visibility")
        form = ProfileForm(initial=initial)
        skills = SkillFormSet(initial=_skill_initial(profile), prefix="skills")
        interests = InterestFormSet(initial=_interest_initial(profile), prefix="interests")
    return render(
        request,
        "people/edit.html",
        {
            "form": form,
            "skills": skills,
            "interests": interests,
            "avatar_form": AvatarForm(),
            "profile": profile,
            "main_fields": [f for f in form if not f.name.endswith("_visibility")],
            "visibility_fields": [form[f"{name}_visibility"] for name in PRIVATE_FIELDS],
            "visibility_rows": [
                (FIELD_LABELS[name], form[f"{name}_visibility"]) for name in PRIVATE_FIELDS
            ],
        },
    )


@login_required
@require_POST
def edit_avatar(request):
    profile = Profile.objects.get(user=request.user)
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            if form.cleaned_data["clear"]:
                services.clear_avatar(request.user, profile)
                messages.success(request, _("Your picture was removed."))
            elif form.cleaned_data["avatar"]:
                services.set_avatar(request.user, profile, form.cleaned_data["avatar"])
                messages.success(request, _("Your picture was updated."))
            else:
                messages.error(request, _("Choose a picture first."))
        except Invalid as error:
            for problems in error.fields.values():
                for problem in problems:
                    messages.error(request, problem)
    return redirect("people:edit")


@login_required
@require_POST
def follow(request, username):
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow(request.user, username)
        else:
            services.follow(request.user, username)
    except (Invalid, Forbidden) as error:
        messages.error(request, error.message)
    if _is_htmx(request):
        person = _person_or_404(request.user, username)
        context = {"person": person}
        if request.POST.get("counts"):  # on the profile page: refresh the counts too
            context.update(
                counts=services.follow_counts(request.user, person.profile.user), oob=True
            )
        return render(request, "people/_follow_button.html", context)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return redirect(next_url)  # without JavaScript: back to the list the button was in
    return redirect("people:profile", username)


def _follow_list(request, username, which):
    person = _person_or_404(request.user, username)
    lister = services.followers if which == "followers" else services.following
    try:
        page = lister(request.user, username, request.GET.get("cursor"))
    except Invalid:
        page = lister(request.user, username, None)
    context = {"person": person, "page": page, "which": which}
    if _is_htmx(request) and request.GET.get("cursor"):
        return render(request, "people/_people_rows.html", context)
    return render(request, "people/follow_list.html", context)


@login_required
def followers(request, username):
    return _follow_list(request, username, "followers")


@login_required
def following(request, username):
    return _follow_list(request, username, "following")


@login_required
def org_chart(request, username=None):
    chart = services.org_chart(request.user, username)
    return render(request, "people/org_chart.html", {"chart": chart})
