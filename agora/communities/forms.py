from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Community, Membership


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Who can join"),
        choices=Community.Kind.choices,
        initial=Community.Kind.OPEN,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the community is about. Markdown is supported."),
    )
    rules = forms.CharField(
        label=_("Rules"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How members behave here. Markdown is supported."),
    )


class CoverForm(forms.Form):
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB. Shown as a wide banner."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    clear = forms.BooleanField(label=_("Remove the cover image"), required=False)


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("An employee or an external guest, by the username in their profile address."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
