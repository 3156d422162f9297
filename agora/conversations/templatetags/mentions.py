"""{% mention_textarea "reply-to" comment.pk rows=2 maxlength=10000 post=comment.post_id %}: a
text area written by hand in a template (one per comment, per answer...) with the @name
suggestions of `forms.body_widget` among the readers of the post `post`, and the box they go
in. Its id is the parts joined with "-" ("reply-to-12"), the box's that id + "-mentions"; the
template writes the label."""

from django import template
from django.utils.html import format_html

from agora.conversations.forms import body_widget
from agora.conversations.services import MAX_COMMENT

register = template.Library()


@register.simple_tag
def mention_textarea(*parts, rows=2, maxlength=MAX_COMMENT, post=None):
    field = "-".join(str(p) for p in parts)
    box = f"{field}-mentions"
    widget = body_widget(
        rows, field=field, box=box, maxlength=maxlength, help_text=False, post=post
    )
    textarea = widget.render("body", "", attrs={"required": True, "maxlength": maxlength})
    return format_html(
        '{}\n<div id="{}" class="mention-box" aria-live="polite"></div>', textarea, box
    )
