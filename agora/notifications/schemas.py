"""API shapes for notifications and their preferences."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema

from agora.communities.schemas import CommunityRef, PersonRef, community_ref, compact, person_ref
from agora.core.api import StrictInput

from .models import Kind, Notification


class PostRef(Schema):
    id: int
    title: str
    excerpt: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(..., description='e.g. "Ana and 4 others reacted to your post"')
    actor: PersonRef | None = None
    actor_count: int = Field(..., description="How many people did it (grouped)")
    post: PostRef | None = None
    comment_id: int | None = None
    answer_id: int | None = None
    help_item_id: int | None = None
    community: CommunityRef | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    read: bool


_VERBS = {
    Kind.MENTION: lambda: _("mentioned you"),
    Kind.COMMENT: lambda: _("commented on your post"),
    Kind.REPLY: lambda: _("replied to your comment"),
    Kind.REACTION: lambda: _("reacted to what you wrote"),
    Kind.FOLLOW: lambda: _("started following you"),
    Kind.INVITATION: lambda: _("invited you to a community"),
    Kind.JOIN_REQUEST: lambda: _("asked to join your community"),
    Kind.JOIN_APPROVED: lambda: _("approved your request to join"),
    Kind.ANSWER: lambda: _("answered your question"),
    Kind.ACCEPTED: lambda: _("accepted your answer"),
    Kind.ANSWER_COMMENT: lambda: _("commented on your answer"),
    Kind.EXPERT_ASKED: lambda: _("asked a question you might know the answer to"),
    Kind.HELP_MATCH: lambda: _("posted something that matches what you know or need"),
    Kind.HELP_RESPONSE: lambda: _("answered your request or offer of help"),
    Kind.THANKS: lambda: _("thanked you for your help"),
    Kind.IMPORT_CLAIM: lambda: _("asked to claim an imported account"),
    Kind.CLAIM_DECIDED: lambda: _("decided on your claim of an imported account"),
}


def _text(n: Notification) -> str:
    if n.kind == Kind.SKILL_SUGGESTION:
        return _("You could add a skill to your profile")
    who = n.actor.profile.display_name if n.actor else _("Someone")
    others = n.actor_count - 1
    if others > 0:
        who = ngettext("%(who)s and %(n)d other", "%(who)s and %(n)d others", others) % {
            "who": who,
            "n": others,
        }
    verb = _VERBS.get(n.kind, lambda: n.kind)()
    return f"{who} {verb}"


def notification_out(n: Notification) -> dict:
    return compact(
        {
            "id": n.pk,
            "kind": n.kind,
            "text": _text(n),
            "actor": person_ref(n.actor) if n.actor else None,
            "actor_count": n.actor_count,
            "post": (
                {"id": n.post.pk, "title": n.post.title, "excerpt": n.post.body[:140]}
                if n.post_id
                else None
            ),
            "comment_id": n.comment_id,
            "answer_id": n.answer_id,
            "help_item_id": n.help_item_id,
            "community": community_ref(n.community) if n.community_id else None,
            "created_at": n.created_at,
            "updated_at": n.updated_at,
            "read": n.read_at is not None,
        }
    )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class UnreadCount(Schema):
    count: int = Field(..., description="Unread notifications (capped at 100)")


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    in_app: bool
    email: bool = Field(..., description="In the e-mail digest")


class PreferenceIn(StrictInput):
    in_app: bool | None = None
    email: bool | None = None


class PreferencesIn(StrictInput):
    mention: PreferenceIn | None = None
    comment: PreferenceIn | None = None
    reply: PreferenceIn | None = None
    reaction: PreferenceIn | None = None
    follow: PreferenceIn | None = None
    invitation: PreferenceIn | None = None
    join_request: PreferenceIn | None = None
    join_approved: PreferenceIn | None = None
    answer: PreferenceIn | None = None
    accepted: PreferenceIn | None = None
    answer_comment: PreferenceIn | None = None
    expert_asked: PreferenceIn | None = None
    help_match: PreferenceIn | None = None
    help_response: PreferenceIn | None = None
    thanks: PreferenceIn | None = None
    skill_suggest: PreferenceIn | None = None
    import_claim: PreferenceIn | None = None
    claim_decided: PreferenceIn | None = None


assert set(PreferencesIn.model_fields) == set(Kind.values), "one field per kind"
