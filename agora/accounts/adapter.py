from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.utils.translation import gettext as _

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


class AgoraSocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO accounts are employees of the company; the admin's sign-up switch still applies."""

    def is_open_for_signup(self, request, sociallogin):
        return SiteSettings.current().signup_open
