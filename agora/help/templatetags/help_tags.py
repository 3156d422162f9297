"""{% thanks_received person_user %}: "Thanked N times" and the latest thanks on a profile."""

from django import template

from agora.help import thanks

register = template.Library()


@register.inclusion_tag("help/_profile_thanks.html", takes_context=True)
def thanks_received(context, user):
    viewer = context["request"].user
    return {"summary": thanks.thanks_received(viewer, user, limit=3), "helper": user}
