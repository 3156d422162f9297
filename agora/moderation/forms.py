from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_NOTE, MAX_REPORT_TEXT, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=MAX_REPORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_REPORT_TEXT}),
        help_text=_("Optional, except for “Something else”. Only moderators read it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class QueueForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Report.Status.choices],
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", _("Any reason")), *Report.Reason.choices]
    )
    kind = forms.ChoiceField(
        label=_("Reported"),
        required=False,
        choices=[
            ("", _("Anything")),
            ("post", _("Posts")),
            ("comment", _("Comments")),
            ("user", _("Profiles")),
        ],
    )

    def __init__(self, *args, communities=(), everything=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [
            ("", _("Everywhere") if everything else _("All my communities")),
            *[(c.slug, c.name) for c in communities],
        ]


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE)
    next = forms.CharField(required=False)
