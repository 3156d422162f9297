"""allauth's account forms in Agora's words (ACCOUNT_FORMS, SOCIALACCOUNT_FORMS, MFA_FORMS).

allauth's own labels are title case ("Remember Me", "Current Password") and its French calls
the e-mail field "Courriel"; these subclasses give the same fields the labels the rest of Agora
uses, from Agora's catalog: the entrance (sign-in, sign-up, password reset) and the account
pages behind Settings (e-mail addresses, password, two-factor authentication). They live apart
from `forms.py` because allauth's forms module imports `forms.SignupExtraForm`
(ACCOUNT_SIGNUP_FORM_CLASS) while it loads: subclassing allauth's forms there would be a
circular import.
"""

from allauth.account import forms as allauth_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.socialaccount import forms as socialaccount_forms
from django import forms
from django.utils.translation import gettext_lazy as _


def _use_agora_email_label(field: forms.Field) -> None:
    field.label = _("E-mail address")
    field.widget.attrs["placeholder"] = _("E-mail address")


def _label(field: forms.Field, label) -> None:
    """A password field's label and its placeholder (allauth repeats the label there)."""
    field.label = label
    if "placeholder" in field.widget.attrs:
        field.widget.attrs["placeholder"] = label


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_agora_email_label(self.fields["login"])
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            _use_agora_email_label(self.fields["email"])


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_agora_email_label(self.fields["email"])


class SocialSignupForm(socialaccount_forms.SignupForm):
    """The form a single sign-on newcomer fills when their address needs a look (SSO)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            _use_agora_email_label(self.fields["email"])


# --- The account pages behind Settings ------------------------------------------------------


class AddEmailForm(allauth_forms.AddEmailForm):
    """Settings → E-mail addresses: another address for the account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_agora_email_label(self.fields["email"])


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self.fields["oldpassword"], _("Current password"))
        _label(self.fields["password1"], _("New password"))
        _label(self.fields["password2"], _("New password (again)"))


class SetPasswordForm(allauth_forms.SetPasswordForm):
    """A first password, for an account that has none (single sign-on newcomers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self.fields["password1"], _("Password"))
        _label(self.fields["password2"], _("Password (again)"))


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """The new password, chosen from the link of the password-reset e-mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self.fields["password1"], _("New password"))
        _label(self.fields["password2"], _("New password (again)"))


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    """The password again, before a sensitive change (two-factor authentication...)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self.fields["password"], _("Password"))


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """The first code from the authenticator app, which turns two-factor authentication on.

    (allauth's French calls it "Code de l'authentificateur".)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code shown by the app")
