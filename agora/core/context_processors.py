from django.conf import settings
from django.utils.functional import SimpleLazyObject


def agora(request):
    """Values every page's shell needs. Lazy, so a page that doesn't show them pays nothing."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    def moderator() -> bool:
        from agora.moderation.services import is_moderator

        return signed_in and is_moderator(user)

    def unread() -> int:
        from agora.notifications.services import unread_count

        return unread_count(user) if signed_in else 0

    return {
        "AGORA_LANGUAGES": settings.LANGUAGES,
        "is_moderator": SimpleLazyObject(moderator),
        "unread_notifications": SimpleLazyObject(unread),
    }
