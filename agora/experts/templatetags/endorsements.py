from django import template

from agora.people.services import endorsement_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def skill_endorsements(context, person):
    """{skill key: {"count", "by_viewer"}} for a presented profile (one query)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return endorsement_summary(person.profile, viewer)


@register.filter
def endorsement_for(summary, key):
    return (summary or {}).get(key) or {"count": 0, "by_viewer": False}
