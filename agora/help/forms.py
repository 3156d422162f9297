from django import forms
from django.utils.translation import gettext_lazy as _

from agora.communities.models import Community
from agora.conversations.forms import postable_communities

from .models import HelpItem
from .services import MAX_BODY, MAX_MESSAGE, MAX_TITLE

COMPANY_WIDE = ""  # the community choice meaning "everyone in the company"


def split_tags(text: str) -> list[str]:
    """ "#python, pandas  data" -> ["python", "pandas", "data"]."""
    return [part for part in text.replace(",", " ").split() if part.strip("#")]


class HelpItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=HelpItem.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        help_text=_("For example “Someone who knows French labour law?” or “I can review SQL”."),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=MAX_BODY,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is supported."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=700,
        help_text=_("Separated by spaces or commas, e.g. python, contracts, lyon."),
    )
    community = forms.ChoiceField(label=_("Where"), required=False)
    deadline = forms.DateField(
        label=_("Needed by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Requests: when you need it by (optional)."),
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=200,
        required=False,
        help_text=_("Offers: when or how much, e.g. “Friday afternoons until June”."),
    )

    def __init__(self, *args, user, item: HelpItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item is not None:
            # Neither the kind nor the audience changes after publication: people who answered
            # saw it where it was.
            del self.fields["kind"]
            del self.fields["community"]
            if item.kind == HelpItem.Kind.REQUEST:
                del self.fields["availability"]
            else:
                del self.fields["deadline"]
            return
        choices = [(COMPANY_WIDE, _("The whole company"))] if user.is_employee else []
        choices += [(c.slug, c.name) for c in postable_communities(user)]
        self.fields["community"].choices = choices
        self.fields["community"].required = not user.is_employee
        self.can_post = bool(choices)

    def community_obj(self) -> Community | None:
        slug = self.cleaned_data.get("community") or COMPANY_WIDE
        if slug == COMPANY_WIDE:
            return None
        return Community.objects.filter(slug=slug).first()

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the author (optional)"),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ThanksForm(forms.Form):
    helpers = forms.MultipleChoiceField(
        label=_("Who helped you?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label=_("Someone else"),
        required=False,
        max_length=500,
        help_text=_("Usernames, separated by spaces or commas."),
    )
    message = forms.CharField(
        label=_("Your thank-you note"),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, responders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helpers"].choices = [
            (r.user.username, r.user.profile.display_name or r.user.username) for r in responders
        ]
        if not responders:
            del self.fields["helpers"]

    def usernames(self) -> list[str]:
        names = list(self.cleaned_data.get("helpers") or [])
        for part in (self.cleaned_data.get("others") or "").replace(",", " ").split():
            names.append(part.lstrip("@"))
        return names
