"""Keep a profile beside every account, and audit account events allauth performs itself."""

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from agora.core import audit


@receiver(post_save, sender=get_user_model())
def ensure_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from agora.people.models import Profile

        name = instance.get_full_name() or instance.username or instance.email.split("@")[0]
        Profile.objects.get_or_create(user=instance, defaults={"display_name": name})


@receiver(user_signed_up)
def on_signed_up(request, user, **kwargs):
    audit.record("account.signed_up", actor=user, target=user, request=request)


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    # The request began anonymous (browser language); answer the rest of it, including the
    # "signed in" message, in the language the person chose.
    if user.language:
        translation.activate(user.language)
        if request is not None:
            request.LANGUAGE_CODE = user.language


@receiver(email_confirmed)
def on_email_confirmed(request, email_address, **kwargs):
    audit.record(
        "account.email_confirmed",
        actor=email_address.user,
        target=email_address.user,
        request=request,
        email=email_address.email,
    )


@receiver(email_changed)
def on_email_changed(request, user, from_email_address, to_email_address, **kwargs):
    audit.record(
        "account.email_changed",
        actor=user,
        target=user,
        request=request,
        old=getattr(from_email_address, "email", None),
        new=to_email_address.email,
    )


@receiver(password_changed)
def on_password_changed(request, user, **kwargs):
    audit.record("account.password_changed", actor=user, target=user, request=request)


@receiver(password_reset)
def on_password_reset(request, user, **kwargs):
    audit.record("account.password_reset", actor=user, target=user, request=request)


@receiver(authenticator_added)
def on_mfa_added(request, user, authenticator, **kwargs):
    audit.record(
        "account.mfa_added", actor=user, target=user, request=request, type=authenticator.type
    )


@receiver(authenticator_removed)
def on_mfa_removed(request, user, authenticator, **kwargs):
    audit.record(
        "account.mfa_removed", actor=user, target=user, request=request, type=authenticator.type
    )
