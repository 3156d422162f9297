import json

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from agora.communities.models import Community
from agora.communities.visibility import active_community_ids

from .models import Category, Post, Reaction
from .services import MAX_BODY, MAX_COMMENT, Upload

PROFILE = ""  # the community choice meaning "on my profile"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        too_big = [f.name for f in files if f.size > settings.AGORA_MAX_ATTACHMENT_BYTES]
        if too_big:
            raise forms.ValidationError(
                _("%(name)s is too large (at most %(mb)d MB).")
                % {"name": too_big[0], "mb": settings.AGORA_MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            )
        return list(files)


def body_widget(rows: int) -> forms.Textarea:
    """The post text, with suggestions for the @name being typed at its end (htmx; without
    it people type the username themselves). One such field per page: id "id_body"."""
    return forms.Textarea(
        attrs={
            "rows": rows,
            "hx-get": reverse_lazy("conversations:mention_suggestions"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#mention-suggestions",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-vals": json.dumps({"rows": rows}),
        }
    )


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        # Questions are asked at /questions/ask/ (they need their qa.Question row).
        choices=[(k, label) for k, label in Post.Kind.choices if k != Post.Kind.QUESTION],
        initial=Post.Kind.POST,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Required for an article."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    community = forms.ChoiceField(label=_("Where"), required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        strip=False,
        widget=body_widget(5),
        help_text=_("Markdown is supported. Mention people with @username, tag with #topic."),
    )
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(
        label=_("Images and files"),
        required=False,
    )

    def __init__(self, *args, user, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not in the class body: there it would freeze in the language that
        # happened to be active at import time.
        self.fields["attachments"].help_text = _(
            "Up to %(n)d files: images, PDF, office documents, text, CSV or ZIP."
        ) % {"n": settings.AGORA_MAX_ATTACHMENTS}
        if communities is None:
            communities = postable_communities(user)
        choices = [(PROFILE, _("My profile"))] if user.is_employee else []
        choices += [(c.slug, c.name) for c in communities]
        self.fields["community"].choices = choices
        self.fields["community"].required = not user.is_employee
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, c.name) for c in Category.objects.order_by("name")
        ]
        if len(self.fields["category"].choices) == 1:
            del self.fields["category"]
        self.can_post = bool(choices)

    def community_obj(self) -> Community | None:
        slug = self.cleaned_data.get("community") or PROFILE
        if slug == PROFILE:
            return None
        return Community.objects.filter(slug=slug).first()

    def uploads(self) -> list[Upload]:
        return [
            Upload(name=f.name, content=f.read(), declared_type=f.content_type or "")
            for f in self.cleaned_data.get("attachments") or []
        ]


def postable_communities(user):
    """Communities where the person is an active member: the composer's choices."""
    return Community.objects.filter(pk__in=active_community_ids(user)).order_by("name")


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        strip=False,
        widget=body_widget(10),
        help_text=_("Markdown is supported. The previous version stays in the history."),
    )

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        if post.kind != Post.Kind.ARTICLE:
            del self.fields["title"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
