"""Notifications: created by other services through `notify`, read and marked here.

Rules: nobody is notified of their own actions; a notification only exists while its
recipient may see what it points to (checked when created and again when listed);
per-kind preferences decide in-app and e-mail; e-mail goes out as a digest.
"""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from agora.core.pagination import Page, paginate

from .models import DEFAULT_EMAIL, Kind, Notification, Preference

MAX_ACTORS_KEPT = 10


def preferences(user) -> dict[str, dict[str, bool]]:
    stored = {p.kind: p for p in Preference.objects.filter(user=user)}
    out = {}
    for kind in Kind.values:
        pref = stored.get(kind)
        out[kind] = {
            "in_app": pref.in_app if pref else True,
            "email": pref.email if pref else kind in DEFAULT_EMAIL,
        }
    return out


def set_preference(user, kind: str, *, in_app: bool | None = None, email: bool | None = None):
    from django.utils.translation import gettext as _

    from agora.core.errors import Invalid

    if kind not in Kind.values:
        raise Invalid(fields={"kind": [_("Unknown kind of notification.")]})
    current = preferences(user)[kind]
    Preference.objects.update_or_create(
        user=user,
        kind=kind,
        defaults={
            "in_app": current["in_app"] if in_app is None else in_app,
            "email": current["email"] if email is None else email,
        },
    )


def _can_see(recipient, post, comment, community, answer=None, help_item=None) -> bool:
    if answer is not None and (answer.deleted_at or answer.hidden_at):
        return False
    if help_item is not None:
        from agora.help.visibility import can_see_help_item

        if not can_see_help_item(recipient, help_item):
            return False
    if post is not None:
        from agora.conversations.visibility import visible_posts

        if not visible_posts(recipient).filter(pk=post.pk).exists():
            return False
    if comment is not None and (comment.deleted_at or comment.hidden_at):
        return False
    if community is not None and post is None:
        from agora.communities.visibility import listed_communities

        if not listed_communities(recipient).filter(pk=community.pk).exists():
            return False
    return True


def _group_key(kind, actor, post, comment, community, answer=None, help_item=None) -> str:
    if kind == Kind.REACTION:
        return f"reaction:{'c' + str(comment.pk) if comment else 'p' + str(post.pk)}"
    if kind == Kind.COMMENT:
        return f"comment:p{post.pk}"
    if kind == Kind.FOLLOW:
        return "follow"
    if kind == Kind.JOIN_REQUEST:
        return f"join_request:{community.pk}"
    if kind == Kind.ANSWER:
        return f"answer:p{post.pk}"
    if kind == Kind.ANSWER_COMMENT:
        return f"answer_comment:a{answer.pk}"
    if help_item is not None:
        return f"{kind}:h{help_item.pk}"
    if answer is not None:
        return f"{kind}:{actor.pk if actor else 0}:a{answer.pk}"
    # Mentions, replies, invitations, approvals stand alone.
    target = comment.pk if comment else post.pk if post else community.pk if community else 0
    return f"{kind}:{actor.pk if actor else 0}:{target}"


def notify(
    kind: str,
    *,
    recipient,
    actor=None,
    post=None,
    comment=None,
    community=None,
    answer=None,
    help_item=None,
):
    """Record that `actor` did something `recipient` should hear about. Returns the
    notification, or None when nothing is due."""
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    prefs = preferences(recipient)[kind]
    if not prefs["in_app"] and not prefs["email"]:
        return None
    if not _can_see(recipient, post, comment, community, answer, help_item):
        return None
    key = _group_key(kind, actor, post, comment, community, answer, help_item)
    now = timezone.now()
    with transaction.atomic():
        # Serialise notifications to one recipient: two reactions arriving at once must merge
        # into one "Ana and 1 other" row, not race into two (SELECT FOR UPDATE alone can't
        # lock a row that doesn't exist yet).
        get_user_model().objects.select_for_update().filter(pk=recipient.pk).first()
        existing = (
            Notification.objects.select_for_update()
            .filter(recipient=recipient, group_key=key, read_at__isnull=True)
            .first()
        )
        if existing is not None:
            if actor is not None and actor.pk not in existing.actor_ids:
                existing.actor_ids = ([actor.pk] + existing.actor_ids)[:MAX_ACTORS_KEPT]
                existing.actor_count += 1
            existing.actor = actor
            existing.comment = comment or existing.comment
            existing.answer = answer or existing.answer
            existing.updated_at = now
            existing.save()
            return existing
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            actor=actor,
            actor_ids=[actor.pk] if actor else [],
            post=post,
            comment=comment,
            community=community,
            answer=answer,
            help_item=help_item,
            group_key=key,
            created_at=now,
            updated_at=now,
            wants_email=prefs["email"],
        )
    return notification


def still_visible_q(user) -> Q:
    """Still allowed to see the target: hidden, deleted and left-behind content drops out.
    (The in-app list and the e-mail digest both apply it.)"""
    from agora.communities.visibility import listed_q
    from agora.conversations.visibility import posts_visible_q

    post_ok = Q(post__isnull=True) | posts_visible_q(user, "post")
    comment_ok = Q(comment__isnull=True) | Q(
        comment__deleted_at__isnull=True, comment__hidden_at__isnull=True
    )
    community_ok = Q(community__isnull=True) | Q(community__in=_listed(user, listed_q))
    answer_ok = Q(answer__isnull=True) | Q(
        answer__deleted_at__isnull=True, answer__hidden_at__isnull=True
    )
    from agora.help.visibility import help_items_visible_q

    help_ok = Q(help_item__isnull=True) | help_items_visible_q(user, "help_item")
    return post_ok & comment_ok & community_ok & answer_ok & help_ok


def _visible_q(user) -> Q:
    """In the app: still visible, and of a kind the user wants in the app. (Preferences as a
    subquery, read with the notifications: building the rule reads nothing, so its SQL can be
    kept, see unread_count. A kind without a stored preference is wanted in the app.)"""
    in_app_off = Preference.objects.filter(user=user, in_app=False).values("kind")
    return still_visible_q(user) & ~Q(kind__in=in_app_off)


def _listed(user, listed_q):
    from agora.communities.models import Community

    return Community.objects.filter(listed_q(user)).values("pk")


def for_user(user, cursor=None, limit=None, unread_only=False) -> Page:
    qs = Notification.objects.filter(recipient=user).filter(_visible_q(user))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    qs = qs.select_related("actor__profile", "post", "comment", "community", "answer", "help_item")
    return paginate(qs, ["-updated_at", "-id"], cursor, limit)


def unread_count(user) -> int:
    """The badge on every page (capped at 100), in one statement.

    Every page's header shows it, and building `still_visible_q`'s joins with the ORM cost
    several times more than running them (bench/README.md, the profile page): the SQL is
    built once per viewer and reused for a while (`compiled.for_viewer`; only the text is
    reused, every run reads the notifications, memberships and preferences afresh)."""
    from agora.core.compiled import for_viewer

    sql, params = for_viewer(
        user, ("notifications.unread_count", _unread_sql), lambda: _unread_sql(user)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _unread_sql(user) -> tuple[str, list]:
    unread = (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .filter(_visible_q(user))
        .values("pk")[:100]
    )
    inner, params = unread.query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({inner}) unread", list(params)  # noqa: S608 (the ORM's SQL)


def mark_read(user, notification_id: int) -> bool:
    """Mark one of the user's notifications read (False if it already was). NotFound for
    anyone else's, and for one about something the user may no longer see."""
    mine = Notification.objects.filter(recipient=user, pk=notification_id).filter(_visible_q(user))
    if mine.filter(read_at__isnull=True).update(read_at=timezone.now()):
        return True
    if not mine.exists():
        from django.utils.translation import gettext as _

        from agora.core.errors import NotFound

        raise NotFound(_("No such notification."))
    return False


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
