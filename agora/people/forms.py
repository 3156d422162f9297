from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PRIVATE_FIELDS, Department, ProfileInterest, ProfileSkill, Visibility
from .services import LANGUAGE_CHOICES

FIELD_LABELS = {
    "headline": _("Headline"),
    "bio": _("Bio"),
    "email": _("E-mail address"),
    "department": _("Department"),
    "team": _("Team"),
    "manager": _("Manager"),
    "location": _("Location"),
    "languages": _("Languages spoken"),
    "skills": _("Skills"),
    "interests": _("Interests"),
    "goals": _("Goals"),
    "help_with": _("I can help with"),
}


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    headline = forms.CharField(label=_("Headline"), max_length=160, required=False)
    bio = forms.CharField(
        label=_("Bio"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is supported."),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    team = forms.CharField(label=_("Team"), max_length=120, required=False)
    manager = forms.CharField(
        label=_("Manager"),
        required=False,
        max_length=150,
        help_text=_("Your manager's username, as in their profile address."),
    )
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=sorted(LANGUAGE_CHOICES.items(), key=lambda c: c[1]),
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One goal per line."),
    )
    help_with = forms.CharField(
        label=_("I can help with"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggestible = forms.BooleanField(
        label=_("Suggest me to colleagues in “people you may want to meet”"), required=False
    )

    expert_suggestible = forms.BooleanField(
        label=_("Suggest me as someone who can help (“who can help?” and questions)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—")] + [
            (d.slug, d.name) for d in Department.objects.order_by("name")
        ]
        for name in PRIVATE_FIELDS:
            self.fields[f"{name}_visibility"] = forms.TypedChoiceField(
                label=_("Who can see “%(field)s”") % {"field": FIELD_LABELS[name]},
                choices=Visibility.choices,
                coerce=int,
            )

    def visibility_field(self, name):
        return self[f"{name}_visibility"]

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {
            k: data[k]
            for k in (
                "display_name",
                "headline",
                "bio",
                "department",
                "team",
                "manager",
                "location",
                "languages",
                "goals",
                "help_with",
                "suggestible",
                "expert_suggestible",
            )
        }
        changes["visibility"] = {name: data[f"{name}_visibility"] for name in PRIVATE_FIELDS}
        return changes


class SkillRowForm(forms.Form):
    name = forms.CharField(label=_("Skill"), max_length=80, required=False)
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=ProfileSkill.Level.choices,
        coerce=int,
        initial=ProfileSkill.Level.PRACTITIONER,
    )


class InterestRowForm(forms.Form):
    name = forms.CharField(label=_("Interest"), max_length=80, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ProfileInterest.Kind.choices,
        initial=ProfileInterest.Kind.PROFESSIONAL,
    )


SkillFormSet = forms.formset_factory(SkillRowForm, extra=3, max_num=50, can_delete=True)
InterestFormSet = forms.formset_factory(InterestRowForm, extra=3, max_num=50, can_delete=True)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("New picture"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    clear = forms.BooleanField(label=_("Remove my picture"), required=False)


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=120)
    department = forms.ChoiceField(label=_("Department"), required=False)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=80)
    interest = forms.CharField(label=_("Interest"), required=False, max_length=80)
    location = forms.CharField(label=_("Location"), required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.slug, d.name) for d in Department.objects.order_by("name")
        ]
