"""The notification e-mail digest: one mail per person, never one per event.

A notification goes into a digest when it was created wanting e-mail (the recipient's
preference at the time), has not been handled by a digest yet (`emailed_at` is NULL), is
still unread, is of a kind the recipient still wants by e-mail, and is about something the
recipient may still see (the same rule as the in-app list: hidden, deleted and left-behind
content drops out). Each recipient's pending notifications are handled in one transaction:
the mail is sent through Django's mail backend, then every pending row is stamped with
`emailed_at` — the ones in the mail and the ones dropped — so nothing is sent twice and
nothing dropped comes back later. If sending fails the transaction rolls back and the next
run tries again.

Run by the `send_digests_task` background task (which re-enqueues itself every
AGORA_DIGEST_INTERVAL seconds) and by `agora send_digests` (for cron).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Kind, Notification
from .services import preferences, still_visible_q

log = logging.getLogger(__name__)

MAX_ITEMS = 50  # a digest is a nudge, not an archive: the rest is one click away


@dataclass
class DigestItem:
    text: str
    excerpt: str
    url: str | None
    when: object


def site_url() -> str:
    """Absolute links in mails: there is no request to build them from."""
    return getattr(settings, "AGORA_SITE_URL", "http://localhost:8000").rstrip("/")


def _absolute(name: str, *args) -> str | None:
    try:
        return site_url() + reverse(name, args=args)
    except NoReverseMatch:
        return None


def _name(user) -> str:
    if user is None:
        return _("Someone")
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.username


def describe(n: Notification) -> str:
    """One sentence, in the active language: "Ana and 4 others reacted to your post"."""
    who = _name(n.actor)
    others = max(n.actor_count - 1, 0)
    if others:
        who = ngettext("%(who)s and %(n)d other", "%(who)s and %(n)d others", others) % {
            "who": who,
            "n": others,
        }
    community = n.community.name if n.community_id else ""
    sentences = {
        Kind.MENTION: _("%(who)s mentioned you"),
        Kind.COMMENT: _("%(who)s commented on your post"),
        Kind.REPLY: _("%(who)s replied to your comment"),
        Kind.REACTION: (
            _("%(who)s reacted to your comment")
            if n.comment_id
            else _("%(who)s reacted to your post")
        ),
        Kind.FOLLOW: _("%(who)s started following you"),
        Kind.INVITATION: _("%(who)s invited you to %(community)s"),
        Kind.JOIN_REQUEST: _("%(who)s asked to join %(community)s"),
        Kind.JOIN_APPROVED: _("%(who)s approved your request to join %(community)s"),
        Kind.ANSWER: _("%(who)s answered your question"),
        Kind.ACCEPTED: _("%(who)s accepted your answer"),
        Kind.ANSWER_COMMENT: _("%(who)s commented on your answer"),
        Kind.EXPERT_ASKED: _("%(who)s asked a question you might know the answer to"),
        Kind.HELP_MATCH: _("%(who)s posted something that matches what you know or need"),
        Kind.HELP_RESPONSE: _("%(who)s answered your request or offer of help"),
        Kind.THANKS: _("%(who)s thanked you for your help"),
        Kind.SKILL_SUGGESTION: _("You could add a skill to your profile"),
        Kind.IMPORT_CLAIM: _("%(who)s asked to claim an imported account"),
        Kind.CLAIM_DECIDED: _("%(who)s decided on your claim of an imported account"),
    }
    sentence = sentences.get(n.kind, _("%(who)s did something"))
    return sentence % {"who": who, "community": community}


def _excerpt(n: Notification) -> str:
    text = ""
    if n.comment_id:
        text = n.comment.body
    elif n.post_id:
        text = n.post.title or n.post.body
    text = " ".join(text.split())
    return text[:200] + ("…" if len(text) > 200 else "")


# Kinds about no post, community or person: each leads to its own page (here and in the app).
PAGE_OF_KIND = {
    Kind.SKILL_SUGGESTION: "experts:skill_suggestions",
    Kind.IMPORT_CLAIM: "claims:review",
    Kind.CLAIM_DECIDED: "claims:imported",
}


def _url(n: Notification) -> str | None:
    if n.help_item_id:
        return _absolute("help:detail", n.help_item_id)
    if n.kind in PAGE_OF_KIND:
        return site_url() + reverse(PAGE_OF_KIND[n.kind])
    if n.answer_id and n.post_id:  # answers live on their question's page
        url = _absolute("qa:detail", n.post_id)
        return f"{url}#answer-{n.answer_id}" if url else None
    if n.post_id:
        return _absolute("conversations:post", n.post_id)
    if n.kind == Kind.FOLLOW and n.actor is not None:
        return _absolute("people:profile", n.actor.username)
    if n.community_id:
        return _absolute("communities:detail", n.community.slug)
    return None


def _deliverable(user, pending_ids: list[int]) -> list[Notification]:
    if not user.is_active or not user.email:
        return []
    wanted = [kind for kind, pref in preferences(user).items() if pref["email"]]
    return list(
        Notification.objects.filter(pk__in=pending_ids, kind__in=wanted, read_at__isnull=True)
        .filter(still_visible_q(user))
        .select_related("actor__profile", "post", "comment", "community")
        .order_by("-updated_at", "-id")
    )


def build_message(user, notifications: list[Notification]) -> mail.EmailMultiAlternatives:
    """The mail, rendered in the recipient's language."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        shown = notifications[:MAX_ITEMS]
        items = [DigestItem(describe(n), _excerpt(n), _url(n), n.updated_at) for n in shown]
        context = {
            "user": user,
            "name": _name(user),
            "items": items,
            "count": len(notifications),
            "more": len(notifications) - len(shown),
            "site_url": site_url(),
            "notifications_url": _absolute("notifications:list") or site_url() + "/",
            "preferences_url": _absolute("notifications:preferences")
            or _absolute("settings:home")
            or site_url() + "/",
            "language": translation.get_language(),
        }
        subject = render_to_string("notifications/email/digest_subject.txt", context)
        subject = " ".join(subject.split())
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = mail.EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_digest(user, connection=None) -> bool:
    """Send `user` their digest if anything is due. True if a mail went out."""
    with transaction.atomic():
        # The same lock `notify` takes: a notification can't slip in between the read and
        # the stamping, and two digest runs can't both send the same rows.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        pending = list(
            Notification.objects.filter(
                recipient=user, wants_email=True, emailed_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if not pending:
            return False
        notifications = _deliverable(user, pending)
        if notifications:
            message = build_message(user, notifications)
            message.connection = connection  # None: the default backend
            message.send()
        Notification.objects.filter(pk__in=pending).update(emailed_at=timezone.now())
    return bool(notifications)


def pending_recipients():
    ids = (
        Notification.objects.filter(wants_email=True, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return get_user_model().objects.filter(pk__in=ids).select_related("profile").order_by("pk")


def send_all() -> int:
    """Every due digest. Returns how many mails were sent. One person's failure (a bad
    address, a backend hiccup) is logged and retried next time; the others still go."""
    sent = 0
    connection = mail.get_connection()
    try:
        connection.open()
        for user in list(pending_recipients()):
            try:
                sent += send_digest(user, connection)
            except Exception:
                log.exception("Could not send the notification digest to user %s", user.pk)
    finally:
        connection.close()
    return sent
