"""allauth's sign-in, sign-up and password-reset forms in Agora's words (ACCOUNT_FORMS).

allauth's own labels are title case ("Remember Me") and its French calls the e-mail field
"Courriel"; these subclasses give the same fields the labels the rest of Agora uses, from
Agora's catalog. They live apart from `forms.py` because allauth's forms module imports
`forms.SignupExtraForm` (ACCOUNT_SIGNUP_FORM_CLASS) while it loads: subclassing allauth's
forms there would be a circular import.
"""

from allauth.account import forms as allauth_forms
from allauth.socialaccount import forms as socialaccount_forms
from django import forms
from django.utils.translation import gettext_lazy as _


def _use_agora_email_label(field: forms.Field) -> None:
    field.label = _("E-mail address")
    field.widget.attrs["placeholder"] = _("E-mail address")


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
