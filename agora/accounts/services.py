"""Account rules: API tokens, language, kinds of account. Role changes are audited."""

import time

from django.conf import settings
from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.core import audit
from agora.core.errors import Forbidden, Invalid, NotFound
from agora.people.follow_counts import recount_around

from .models import ApiToken, User

MAX_TOKENS_PER_USER = 20


def create_api_token(user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Returns the token row and its secret; the secret is never stored nor shown again."""
    name = (name or "").strip()
    if not name or len(name) > 80 or "\x00" in name:  # PostgreSQL refuses NUL in text
        raise Invalid(fields={"name": [_("Give the token a name (at most 80 characters).")]})
    if user.api_tokens.active().count() >= MAX_TOKENS_PER_USER:
        raise Invalid(fields={"name": [_("You have too many tokens; revoke one first.")]})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.digest_of(secret), hint=secret[:10]
    )
    audit.record("token.created", actor=user, target=user, request=request, token=token.hint)
    return token, secret


def revoke_api_token(user: User, token_id: int, request=None) -> None:
    token = user.api_tokens.active().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    forget_tokens()
    audit.record("token.revoked", actor=user, target=user, request=request, token=token.hint)


# Each API call used to look its token up (an ORM query: ~1.2-1.5 ms of CPU, more than the
# rest of a lean feed page). A small per-process cache keeps digest -> user for a few seconds.
# Revoking a token, deactivating someone or changing their kind empties this process's cache
# at once; other server processes notice within TOKEN_CACHE_SECONDS (bench/README.md).
TOKEN_CACHE_SECONDS = 5
TOKEN_CACHE_SIZE = 10_000
_tokens: dict[str, tuple[float, User]] = {}


def forget_tokens() -> None:
    _tokens.clear()


def _copy(user: User) -> User:
    """What copy.copy(user) gives (Model.__getstate__: the fields, a copy of the state and of
    its cache of related objects), without going through pickling's __reduce_ex__ and
    __setstate__ (~10 µs per API call)."""
    state = ModelState()
    state.db, state.adding = user._state.db, user._state.adding
    state.fields_cache = user._state.fields_cache.copy()
    clone = User.__new__(User)
    clone.__dict__.update(user.__dict__)
    clone._state = state
    return clone


def user_for_token(secret: str) -> User | None:
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    digest = ApiToken.digest_of(secret)
    now = time.monotonic()
    cached = _tokens.get(digest)
    if cached is not None and cached[0] > now:
        # A copy per request: views may change their request.user.
        return _copy(cached[1])
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=digest, user__is_active=True)
        .first()
    )
    if token is None:
        _tokens.pop(digest, None)
        return None
    moment = timezone.now()
    # Touch at most once a minute: a write per API call would serialise SQLite writers.
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    if len(_tokens) >= TOKEN_CACHE_SIZE:
        _tokens.clear()
    _tokens[digest] = (now + TOKEN_CACHE_SECONDS, _copy(token.user))
    return token.user


def set_language(user: User, code: str) -> None:
    if code not in dict(settings.LANGUAGES):
        raise Invalid(fields={"language": [_("Unknown language.")]})
    if user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])


@transaction.atomic
def change_kind(actor: User, user: User, kind: str, request=None) -> User:
    """Employee, guest or administrator. Only administrators may do it, never on themselves
    (so the last administrator can't lock everyone out by mistake)."""
    if not actor.is_administrator:
        raise Forbidden()
    if kind not in User.Kind.values:
        raise Invalid(fields={"kind": [_("Unknown kind of account.")]})
    if actor.pk == user.pk:
        raise Forbidden(_("You cannot change your own kind of account."))
    old = user.kind
    if old == kind:
        return user
    user.kind = kind
    user.is_staff = user.is_superuser = kind == User.Kind.ADMIN
    user.save(update_fields=["kind", "is_staff", "is_superuser"])
    forget_tokens()
    audit.record(
        "account.kind_changed", actor=actor, target=user, request=request, old=old, new=kind
    )
    return user


@transaction.atomic
def set_active(actor: User, user: User, active: bool, request=None) -> User:
    if not actor.is_administrator:
        raise Forbidden()
    if actor.pk == user.pk:
        raise Forbidden(_("You cannot deactivate yourself."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        # Follower counts are of active people: everyone linked to this person changes.
        recount_around(user.pk)
        forget_tokens()
        audit.record(
            "account.activated" if active else "account.deactivated",
            actor=actor,
            target=user,
            request=request,
        )
    return user
