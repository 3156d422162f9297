"""Web pages: "who can help?" and the skill suggestions. Thin: parse, call the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.conversations.views import is_htmx
from agora.core.errors import AgoraError
from agora.people.models import Profile, ProfileSkill
from agora.people.presenters import present, shape_profiles

from . import services
from .presenters import expert_out


def _attach_people(viewer, rows) -> None:
    """Each result's person as the people pages show them (picture, headline, department),
    with the viewer's field visibility applied, in a fixed number of queries for any list."""
    ids = [row["user_id"] for row in rows]
    profiles = {
        p.user_id: p for p in shape_profiles(Profile.objects.filter(user_id__in=ids), viewer)
    }
    for row in rows:
        profile = profiles.get(row["user_id"])
        row["person"] = present(profile, viewer) if profile is not None else None


@login_required
def finder(request):
    q = request.GET.get("q", "")[: services.MAX_TEXT]
    tags = request.GET.get("tags", "")
    context = {"q": q, "tags": tags, "results": None, "errors": {}}
    if q.strip() or tags.strip():
        try:
            results = services.search(request.user, q, tags, services.DEFAULT_LIMIT)
        except AgoraError as exc:
            context["errors"] = exc.fields
        else:
            context["results"] = [expert_out(i, r) for i, r in enumerate(results, 1)]
            _attach_people(request.user, context["results"])
    template = "experts/_results.html" if is_htmx(request) else "experts/finder.html"
    return render(request, template, context)


@login_required
def skill_suggestions(request):
    return render(
        request,
        "experts/skill_suggestions.html",
        {
            "suggestions": list(services.pending_suggestions(request.user)),
            "levels": ProfileSkill.Level.choices,
        },
    )


@login_required
@require_POST
def decide_suggestion(request, suggestion_id: int, decision: str):
    try:
        if decision == "accept":
            level = int(request.POST.get("level") or ProfileSkill.Level.PRACTITIONER)
            suggestion = services.accept_suggestion(request.user, suggestion_id, level)
            messages.success(
                request, _("%(skill)s was added to your skills.") % {"skill": suggestion.name}
            )
        else:
            suggestion = services.dismiss_suggestion(request.user, suggestion_id)
            messages.info(
                request, _("We won't suggest %(skill)s again.") % {"skill": suggestion.name}
            )
    except (AgoraError, ValueError):
        messages.error(request, _("That suggestion is no longer available."))
    return redirect("experts:skill_suggestions")


@login_required
@require_POST
def endorse(request, username: str, skill_key: str):
    """Endorse (endorse=1) or withdraw an endorsement (endorse=0) of a colleague's skill."""
    from agora.people import services as people

    # NotFound and Forbidden become the 404 and 403 pages in core.middleware.
    if request.POST.get("endorse", "1") == "1":
        link = people.endorse(request.user, username, skill_key)
    else:
        link = people.unendorse(request.user, username, skill_key)
    if not is_htmx(request):
        return redirect("people:profile", username=username)
    person = people.access_profile(request.user, username)
    summary = people.endorsement_summary(link.profile, request.user)
    skill = next(s for s in person.skills or () if s.key == link.skill.key)
    return render(
        request,
        "people/_skill_item.html",
        {"person": person, "skill": skill, "endorsement": summary.get(skill.key)},
    )
