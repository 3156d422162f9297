import json
import re
from dataclasses import dataclass, replace

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


MENTION_ID = re.compile(r"[A-Za-z][\w-]{0,63}")  # the ids a mention target may name


@dataclass(frozen=True)
class MentionTarget:
    """A text area offering @name suggestions, as the suggestion and completion requests
    describe it back (hx-vals): its id (`field`), the element the suggestions go in (`box`),
    and what the completed text area is rendered with (rows, maxlength, whether it has a
    help text "<field>_helptext"). A page with several such text areas gives each its own
    field and box.

    Where the text goes, so that only people who will be able to read it are suggested:
    `post`, the post it is written under (a comment, an answer, an edit), or
    `community_field`, the id of the form's community choice (sent along, hx-include); with
    neither, a post on the writer's profile."""

    field: str = "id_body"
    box: str = "mention-suggestions"
    rows: int = 5
    maxlength: int = MAX_BODY
    help_text: bool = True
    post: int | None = None
    community_field: str = ""

    def vals(self) -> dict:
        vals = {
            "field": self.field,
            "box": self.box,
            "rows": self.rows,
            "maxlength": self.maxlength,
            "help": int(self.help_text),
        }
        if self.post is not None:
            vals["post"] = self.post
        if self.community_field:
            vals["community_field"] = self.community_field
        return vals

    def widget_attrs(self) -> dict:
        attrs = {
            "id": self.field,
            "rows": self.rows,
            "hx-get": reverse_lazy("conversations:mention_suggestions"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{self.box}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-vals": json.dumps(self.vals()),
        }
        if self.community_field:
            attrs["hx-include"] = f"#{self.community_field}"
        return attrs

    @classmethod
    def from_data(cls, data) -> "MentionTarget":
        """The target a request names, each part checked (ids go into CSS selectors and
        attributes); anything unusable falls back to the default."""

        def ident(key, default):
            value = data.get(key, "")
            return value if MENTION_ID.fullmatch(value) else default

        def number(key, default, low, high):
            value = str(data.get(key, ""))
            return int(value) if value.isdigit() and low <= int(value) <= high else default

        return cls(
            field=ident("field", cls.field),
            box=ident("box", cls.box),
            rows=number("rows", cls.rows, 2, 20),
            maxlength=number("maxlength", cls.maxlength, 1, MAX_BODY),
            help_text=str(data.get("help", "1")) != "0",
            post=number("post", None, 1, 2**63 - 1),
            community_field=ident("community_field", ""),
        )


class MentionTextarea(forms.Textarea):
    """A text area with @name suggestions (see body_widget); `scope` says where the text
    goes once the form knows it."""

    def __init__(self, target: MentionTarget):
        self.target = target
        super().__init__(attrs=target.widget_attrs())

    def scope(self, *, post: int | None = None, community_field: str = "") -> None:
        self.target = replace(self.target, post=post, community_field=community_field)
        self.attrs.pop("hx-include", None)
        self.attrs.update(self.target.widget_attrs())


def body_widget(
    rows: int,
    *,
    field: str = MentionTarget.field,
    box: str = MentionTarget.box,
    maxlength: int = MentionTarget.maxlength,
    help_text: bool = MentionTarget.help_text,
    post: int | None = None,
    community_field: str = "",
) -> MentionTextarea:
    """The text, with suggestions for the @name being typed at its end (htmx; without it
    people type the username themselves). The text area's id is `field` and the suggestions
    go in the element with the id `box` (the page places it, class "mention-box"): the
    defaults serve one such field per page, others name their own pair. `post` and
    `community_field`: where the text goes (MentionTarget)."""
    return MentionTextarea(
        MentionTarget(field, box, rows, maxlength, help_text, post, community_field)
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
        # The composer's community choice (or, on a community page, its hidden input with
        # the same id) goes with each suggestion request.
        self.fields["body"].widget.scope(community_field=self["community"].auto_id)

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
        self.fields["body"].widget.scope(post=post.pk)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT,
        strip=False,
        # Its own suggestions box: the comment form shares the question page with the
        # answer form.
        widget=body_widget(
            3, box="comment-mention-suggestions", maxlength=MAX_COMMENT, help_text=False
        ),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, post_id: int | None = None, **kwargs):
        """`post_id`: the post commented on, so that only its readers are suggested."""
        super().__init__(*args, **kwargs)
        if post_id is not None:
            self.fields["body"].widget.scope(post=post_id)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
