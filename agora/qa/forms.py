import re

from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agora.conversations.forms import PROFILE, body_widget, postable_communities

from .models import MAX_CLAIM_NOTE
from .services import MAX_ANSWER, MAX_COMMENT, MAX_TAGS, MAX_TITLE

# Formatted when shown, in the reader's language (`_(...) % ...` at import would format it
# once, in English).
_tags_help = lazy(
    lambda: (
        gettext("Up to %(n)d, separated by spaces or commas: python, payroll, onboarding")
        % {"n": MAX_TAGS}
    ),
    str,
)


def title_widget() -> forms.TextInput:
    """The title, with similar questions looked up as it is typed (htmx, debounced); without
    JavaScript the list shows after a failed submit and on the question page."""
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "hx-get": reverse_lazy("qa:similar"),
            "hx-trigger": "input changed delay:400ms, search",
            "hx-target": "#similar-questions",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "aria-controls": "similar-questions",
        }
    )


class QuestionForm(forms.Form):
    title = forms.CharField(
        label=_("Your question"),
        max_length=MAX_TITLE,
        widget=title_widget(),
        help_text=_("Ask it as you would ask a colleague: “How do I…?”, “Why does…?”"),
    )
    body = forms.CharField(
        label=_("Details"),
        strip=False,
        widget=body_widget(8),
        help_text=_("What you tried, what you expected, what happened. Markdown is supported."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_tags_help(),
    )
    community = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args, user, editing=False, post_id: int | None = None, **kwargs):
        """`post_id`: the question being edited (its readers are the ones suggested)."""
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["community"]
            self.fields["body"].widget.scope(post=post_id)
            return
        self.fields["body"].widget.scope(community_field=self["community"].auto_id)
        communities = list(postable_communities(user))
        choices = [(PROFILE, _("Everyone in the company"))] if user.is_employee else []
        choices += [(c.slug, c.name) for c in communities]
        self.fields["community"].choices = choices
        self.fields["community"].required = not user.is_employee
        self.can_ask = bool(choices)

    def community_slug(self) -> str:
        return self.cleaned_data.get("community") or PROFILE


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_ANSWER,
        strip=False,
        # @name suggestions in their own box, and its own ids: the question's comment form
        # on the same page has "id_body" and its own box.
        widget=body_widget(
            8, field="id_answer_body", box="answer-mention-suggestions", maxlength=MAX_ANSWER
        ),
        help_text=_("Markdown is supported. The previous version stays in the history."),
    )

    def __init__(self, *args, question_id: int | None = None, **kwargs):
        """`question_id`: the question answered, whose readers are the ones suggested."""
        # "id_answer_body", "id_answer_body_helptext": the help text's id follows the field's.
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)
        if question_id is not None:
            self.fields["body"].widget.scope(post=question_id)


class AnswerCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment on this answer"),
        max_length=MAX_COMMENT,
        strip=False,
        # The question page writes one text area per answer by hand (mention_textarea); this
        # widget serves the page editing one comment, with its own suggestions box.
        widget=body_widget(
            3, box="comment-mention-suggestions", maxlength=MAX_COMMENT, help_text=False
        ),
    )

    def __init__(self, *args, question_id: int | None = None, **kwargs):
        """`question_id`: the question the answer belongs to, whose readers are suggested."""
        super().__init__(*args, **kwargs)
        if question_id is not None:
            self.fields["body"].widget.scope(post=question_id)


class DuplicateForm(forms.Form):
    duplicate_of = forms.CharField(
        label=_("Duplicate of"),
        help_text=_("The original question's address or number."),
    )

    def clean_duplicate_of(self) -> int:
        value = self.cleaned_data["duplicate_of"].strip()
        match = re.search(r"(?:/questions/|/posts/)?(\d+)/?(?:[#?].*)?$", value)
        if not match:
            raise forms.ValidationError(_("Give the address or the number of a question."))
        return int(match.group(1))


class ClaimForm(forms.Form):
    """Claiming an imported account: the site (one of those this instance imported) and the
    person's id there, or the address of their profile (claims.parse_source_user)."""

    site = forms.ChoiceField(label=_("Site"))
    user = forms.CharField(
        label=_("Your user id or profile address on that site"),
        max_length=300,
        help_text=_("For example 3899, or https://ai.stackexchange.com/users/3899/your-name"),
    )
    note = forms.CharField(
        label=_("Note for the administrators (optional)"),
        max_length=MAX_CLAIM_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Anything that helps them check it is you."),
    )

    def __init__(self, *args, sites: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s, s) for s in sites]
