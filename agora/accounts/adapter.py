from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.core.models import SiteSettings


def email_domain_allowed(email: str) -> bool:
    domains = SiteSettings.current().allowed_domains
    if not domains:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in domains


def display_name(user) -> str:
    """How allauth names a person in its messages ("Signed in as …")."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.username


class AgoraAccountAdapter(DefaultAccountAdapter):
    # allauth's form errors on the sign-in and Settings pages say "email"; Agora writes
    # "e-mail", in its own catalog.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "duplicate_email": gettext_lazy("This e-mail address is already on your account."),
        "email_password_mismatch": gettext_lazy(
            "The e-mail address or the password is not correct."
        ),
        "email_taken": gettext_lazy("Another account already uses this e-mail address."),
        "enter_current_password": gettext_lazy("Enter your current password."),
        "cannot_remove_primary_email": gettext_lazy(
            "You cannot remove your primary e-mail address."
        ),
        "unknown_email": gettext_lazy("No account uses this e-mail address."),
        "unverified_primary_email": gettext_lazy("Your primary e-mail address must be verified."),
    }

    def is_open_for_signup(self, request):
        return SiteSettings.current().signup_open

    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(
                _("Sign-up is limited to addresses at: %(domains)s")
                % {"domains": ", ".join(SiteSettings.current().allowed_domains)}
            )
        return email

    # The buttons of the "Confirm it's you" page, in Agora's words (allauth's own: "Use
    # authenticator app or code").
    REAUTHENTICATION_DESCRIPTIONS = {
        "reauthenticate": gettext_lazy("Use your password"),
        "mfa_reauthenticate": gettext_lazy("Use a code from your authenticator app"),
        "mfa_reauthenticate:webauthn": gettext_lazy("Use a security key"),
    }

    def get_reauthentication_methods(self, user):
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            if method["id"] in self.REAUTHENTICATION_DESCRIPTIONS:
                method["description"] = str(self.REAUTHENTICATION_DESCRIPTIONS[method["id"]])
        return methods


class AgoraSocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO accounts are employees of the company; the admin's sign-up switch still applies."""

    def is_open_for_signup(self, request, sociallogin):
        return SiteSettings.current().signup_open
