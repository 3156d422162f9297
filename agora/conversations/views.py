"""Web pages for posts, articles, comments, reactions and feeds. Thin: parse the request, call
the services, render. NotFound is a 404 (never say whether something exists), Forbidden a 403
page or a message next to the action, Invalid errors next to the form fields. A NotFound or
Forbidden a view lets through becomes the 404 or 403 page in agora.core.middleware."""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agora.communities.models import Membership
from agora.communities.visibility import active_community_ids, can_moderate, membership_of
from agora.core.errors import AgoraError, Forbidden, Invalid, NotFound
from agora.core.links import object_url, text_url
from agora.core.pagination import Page
from agora.people import services as people

from . import feeds, hashtags, services
from .forms import (
    CommentForm,
    EditPostForm,
    MentionTarget,
    MentionTextarea,
    PostForm,
    postable_communities,
)
from .models import Category, Comment, Post, Reaction

REACTION_EMOJI = {
    Reaction.Kind.LIKE: "👍",
    Reaction.Kind.CELEBRATE: "🎉",
    Reaction.Kind.SUPPORT: "🤝",
    Reaction.Kind.INSIGHTFUL: "💡",
    Reaction.Kind.CURIOUS: "🤔",
}


# --- Helpers ------------------------------------------------------------------------------------


def is_htmx(request) -> bool:
    # A history restore (back button after hx-push-url) needs the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def or_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFound:
        raise Http404 from None


def first_page_if_bad_cursor(fn, *args, cursor=None, **kwargs):
    """A forged or stale cursor serves the first page rather than an error page."""
    try:
        return fn(*args, cursor=cursor or None, **kwargs)
    except Invalid:
        return fn(*args, cursor=None, **kwargs)


def add_form_errors(form, error: AgoraError, renamed: dict[str, str] | None = None) -> None:
    """A service's error next to the form's fields; `renamed`: service field -> form field,
    where the form names one differently."""
    if not error.fields:
        form.add_error(None, error.message)
    for field, problems in error.fields.items():
        field = (renamed or {}).get(field, field)
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@dataclass
class ReactionBar:
    """What _reactions.html shows for a post or comment, computed here rather than in the
    template: a page of 20 cards rendered its URLs, labels and plural counts 20 times over
    through the template engine, two thirds of the feed's rendering time."""

    target_type: str  # "post" or "comment"
    buttons: list[dict]  # the five toggles: kind, label, emoji, count (0: none), their attributes
    action: str  # where the toggles are posted
    reactors_url: str  # who reacted
    total: str  # "3 reactions"
    total_label: str  # "3 reactions: see who reacted"


def reaction_bar(target, summary: dict | None = None) -> ReactionBar:
    """The five reaction toggles of a post or comment: pressed or not, with counts when the
    per-kind summary is known (post page, after a toggle)."""
    mine = services.own_reaction_kinds(target)
    is_comment = isinstance(target, Comment)
    n = target.reaction_count
    if is_comment:
        action = object_url("conversations:react_comment", target.pk)
        reactors_url = object_url("conversations:reactors", target.post_id)
        reactors_url += f"?comment={target.pk}"
    else:
        action = object_url("conversations:react", target.pk)
        reactors_url = object_url("conversations:reactors", target.pk)
    target_type = "comment" if is_comment else "post"
    buttons = []
    for kind, label in Reaction.Kind.choices:
        pressed = kind in mine
        count = 0 if summary is None else summary.get(kind, 0)
        buttons.append(
            {
                "kind": kind,
                "label": str(label),
                "emoji": REACTION_EMOJI[kind],
                "count": count,
                # Each variable the template resolves costs several microseconds, and a
                # page has 20 bars of five buttons: their attributes come ready-made.
                "dom_id": f"react-{target_type}-{target.pk}-{kind}",
                "css": "reaction-button is-pressed" if pressed else "reaction-button",
                "aria_pressed": "true" if pressed else "false",
                "count_html": format_html(
                    '<span class="reaction-count" data-kind="{}">'
                    '<span class="visually-hidden">: </span>{}</span>',
                    kind,
                    count,
                )
                if count
                else "",
            }
        )
    return ReactionBar(
        target_type=target_type,
        buttons=buttons,
        action=action,
        reactors_url=reactors_url,
        total=ngettext("%(n)s reaction", "%(n)s reactions", n) % {"n": n},
        total_label=ngettext(
            "%(n)s reaction: see who reacted", "%(n)s reactions: see who reacted", n
        )
        % {"n": n},
    )


def prepare_cards(viewer, posts: list[Post], comments: list | None = None) -> list[Post]:
    """The reaction toggles with per-kind counts for a page of posts (and the comments of a
    post page), from their counters, and each post's address: no query."""
    for target in [*posts, *(comments or [])]:
        target.reactions_bar = reaction_bar(target, target.reactions_by_kind())
    for post in posts:
        post.permalink = object_url("conversations:post", post.pk)
        post.author_url = text_url("people:profile", post.author.username)
        if post.community_id:
            post.community_url = text_url("communities:detail", post.community.slug)
    return posts


def card_context(viewer) -> dict:
    """Per page, not per post: where the viewer may comment and react."""
    return {
        "member_of": set(active_community_ids(viewer).values_list("community_id", flat=True)),
    }


def _feed_response(request, template: str, context: dict, page, more_url: str):
    prepare_cards(request.user, page.items)
    context.update(card_context(request.user))
    context.update(page=page, more_url=more_url)
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "conversations/_feed_items.html", context)
    return render(request, template, context)


# --- Feeds --------------------------------------------------------------------------------------


@login_required
def home(request):
    page = first_page_if_bad_cursor(feeds.home, request.user, cursor=request.GET.get("cursor"))
    newest = page.items[0].created_at if page.items and not request.GET.get("cursor") else None
    context = {
        "since": (newest or timezone.now()).isoformat(),
        "is_first_page": not request.GET.get("cursor"),
    }
    if not (is_htmx(request) and request.GET.get("cursor")):
        communities = list(postable_communities(request.user))
        context.update(
            form=PostForm(user=request.user, communities=communities),
            my_communities=communities[:8],
            suggestions=people.suggestions(request.user, limit=4),
            followed_tags=hashtags.followed(request.user, limit=12),
        )
    return _feed_response(request, "conversations/home.html", context, page, reverse("home"))


@login_required
def new_posts(request):
    """How many posts arrived in the home feed since the page was loaded (polled by htmx)."""
    since = parse_datetime(request.GET.get("since") or "")
    count = 0
    if since is not None:
        if timezone.is_naive(since):
            since = timezone.make_aware(since, timezone.get_current_timezone())
        count = feeds.new_in_home(request.user, since)
    return render(
        request,
        "conversations/_new_posts.html",
        {"count": count, "capped": count > feeds.NEW_POSTS_CAP},
    )


@login_required
def hashtag(request, name):
    try:
        clean = hashtags.check_name(name)
    except Invalid:
        raise Http404 from None
    tag = hashtags.find(clean)
    if tag is not None:
        page = first_page_if_bad_cursor(
            feeds.hashtag, request.user, tag, cursor=request.GET.get("cursor")
        )
    else:
        page = Page(items=[], next_cursor=None)
    context = {
        "name": tag.name if tag else clean,
        "following": hashtags.is_following(request.user, tag),
    }
    url = reverse("conversations:hashtag", args=[clean])
    return _feed_response(request, "conversations/hashtag.html", context, page, url)


@login_required
@require_POST
def follow_hashtag(request, name):
    try:
        if request.POST.get("action") == "unfollow":
            hashtags.unfollow_hashtag(request.user, name)
            following = False
        else:
            tag = hashtags.follow_hashtag(request.user, name)
            name, following = tag.name, True
    except Invalid:
        raise Http404 from None
    if is_htmx(request):
        return render(
            request, "conversations/_hashtag_follow.html", {"name": name, "following": following}
        )
    return redirect("conversations:hashtag", name)


@login_required
def profile_posts(request, username):
    person = or_404(people.access_profile, request.user, username)
    page = first_page_if_bad_cursor(
        feeds.profile, request.user, person.profile.user, cursor=request.GET.get("cursor")
    )
    url = reverse("conversations:profile_posts", args=[username])
    return _feed_response(
        request, "conversations/profile_posts.html", {"person": person}, page, url
    )


@login_required
def articles(request):
    """Long-form articles (blogs), newest first, optionally in one category."""
    category = request.GET.get("category") or ""
    page = first_page_if_bad_cursor(
        feeds.articles, request.user, category, cursor=request.GET.get("cursor"), limit=None
    )
    url = reverse("conversations:articles")
    if category:
        url += "?" + urlencode({"category": category})
    context = {"categories": Category.objects.order_by("name"), "category": category}
    return _feed_response(request, "conversations/articles.html", context, page, url)


# --- Writing posts ------------------------------------------------------------------------------


@login_required
def compose(request):
    """The full composer (also where the short one on the home and community pages posts to,
    and where it comes back with errors)."""
    communities = list(postable_communities(request.user))
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, user=request.user, communities=communities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                post = services.create_post(
                    request.user,
                    body=data["body"],
                    community=form.community_obj(),
                    kind=data["kind"],
                    title=data.get("title") or "",
                    category=data.get("category") or "",
                    quoted_id=data.get("quoted"),
                    uploads=form.uploads(),
                )
            except (Invalid, Forbidden, NotFound) as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your post is published."))
                return redirect(safe_next(request, reverse("conversations:post", args=[post.pk])))
    else:
        initial = {"kind": request.GET.get("kind") or Post.Kind.POST}
        if request.GET.get("community"):
            initial["community"] = request.GET["community"]
        if request.GET.get("quote", "").isdigit():
            initial["quoted"] = int(request.GET["quote"])
        form = PostForm(initial=initial, user=request.user, communities=communities)
    quoted = None
    quoted_id = form["quoted"].value()
    if quoted_id and str(quoted_id).isdigit():
        try:
            quoted = services.access_post(request.user, int(quoted_id))
        except NotFound:
            quoted = None
    return render(
        request,
        "conversations/compose.html",
        {"form": form, "quoted": quoted, "next": safe_next(request, "")},
    )


def _rights(user, post: Post) -> dict:
    """What the page offers the viewer (the services decide again when they act)."""
    membership = membership_of(user, post.community) if post.community_id else None
    is_member = membership is not None and membership.state == Membership.State.ACTIVE
    moderator = bool(post.community_id) and can_moderate(user, post.community, membership)
    return {
        "can_interact": is_member if post.community_id else user.is_employee,
        "can_edit": post.author_id == user.pk,
        "can_delete": post.author_id == user.pk or user.is_administrator or moderator,
        "can_pin": moderator,
        "is_moderator": moderator or user.is_administrator,
    }


def _comments_context(request, post: Post, rights: dict, comment_form=None) -> dict:
    page = first_page_if_bad_cursor(
        services.comment_page, request.user, post, cursor=request.GET.get("cursor"), limit=50
    )
    everything = [c for top in page.items for c in [top, *top.visible_replies]]
    prepare_cards(request.user, [post], everything)
    return {
        "post": post,
        "comments": page.items,
        "comments_page": page,
        "comment_form": comment_form or CommentForm(post_id=post.pk),
        **rights,
    }


@login_required
def post_detail(request, post_id):
    post = or_404(services.access_post, request.user, post_id)
    if post.kind == Post.Kind.QUESTION:
        return redirect("qa:detail", post.pk)  # questions have their own page (agora.qa)
    rights = _rights(request.user, post)
    context = _comments_context(request, post, rights)
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "conversations/_comment_items.html", context)
    context.update(
        revisions=list(services.revisions_of(request.user, post)),
        referenced_by=list(services.referenced_by(request.user, post)),
        detail=True,
    )
    return render(request, "conversations/post.html", context)


@login_required
def edit_post(request, post_id):
    post = or_404(services.access_post, request.user, post_id)
    if post.kind == Post.Kind.QUESTION:
        return redirect("qa:edit", post.pk)  # keeps the question's tags (agora.qa)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = EditPostForm(request.POST, post=post)
        if form.is_valid():
            try:
                services.edit_post(
                    request.user,
                    post.pk,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                )
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("conversations:post", post.pk)
    else:
        form = EditPostForm(initial={"title": post.title, "body": post.body}, post=post)
    return render(request, "conversations/edit_post.html", {"form": form, "post": post})


@login_required
@require_POST
def delete_post(request, post_id):
    post = or_404(services.access_post, request.user, post_id)
    services.delete_post(request.user, post.pk)
    messages.success(request, _("The post was deleted."))
    default = (
        reverse("communities:detail", args=[post.community.slug])
        if post.community_id
        else reverse("home")
    )
    target = safe_next(request, default)
    if target.rstrip("/").endswith(f"/posts/{post.pk}"):
        target = default  # the post page is gone
    return redirect(target)


@login_required
@require_POST
def pin_post(request, post_id):
    pinned = request.POST.get("action") != "unpin"
    try:
        post = services.set_pinned(request.user, post_id, pinned)
    except Forbidden as error:
        messages.error(request, error.message)
        return redirect("conversations:post", post_id)
    messages.success(request, _("The post is pinned.") if pinned else _("The post is unpinned."))
    return redirect(safe_next(request, reverse("conversations:post", args=[post.pk])))


@login_required
def attachment(request, post_id, attachment_id):
    """Files go through the post's permission check: a file in a secret community is not
    reachable by URL for outsiders. Images show inline; everything else downloads."""
    found = or_404(services.access_attachment, request.user, post_id, attachment_id)
    if not found.file:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=found.content_type,
        as_attachment=not found.is_image,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Reactions ----------------------------------------------------------------------------------


def _react(request, *, post_id=None, comment_id=None):
    kind = request.POST.get("kind", "")
    try:
        services.react(request.user, kind, post_id=post_id, comment_id=comment_id)
    except (Forbidden, Invalid) as error:
        if not is_htmx(request):
            messages.error(request, error.message)
            return None
        return HttpResponse(
            f'<p class="field-error" role="alert">{_escape(error.message)}</p>', status=200
        )
    return True


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


@login_required
@require_POST
def react_post(request, post_id):
    outcome = _react(request, post_id=post_id)
    if isinstance(outcome, HttpResponse):
        return outcome
    if is_htmx(request):
        post = or_404(services.access_post, request.user, post_id)
        prepare_cards(request.user, [post])
        return render(
            request,
            "conversations/_reactions.html",
            {"target": post, "can_react": True, "updated": True},
        )
    return redirect(safe_next(request, reverse("conversations:post", args=[post_id])))


@login_required
@require_POST
def react_comment(request, comment_id):
    outcome = _react(request, comment_id=comment_id)
    if isinstance(outcome, HttpResponse):
        return outcome
    comment = or_404(services.access_comment, request.user, comment_id)
    if is_htmx(request):
        comment.viewer_reactions = list(comment.reactions.filter(user=request.user))
        prepare_cards(request.user, [], [comment])
        return render(
            request,
            "conversations/_reactions.html",
            {"target": comment, "can_react": True, "updated": True},
        )
    url = reverse("conversations:post", args=[comment.post_id]) + f"#comment-{comment.pk}"
    return redirect(url)


@login_required
def reactors(request, post_id):
    """Who reacted, optionally to one kind; a fragment for htmx, a page otherwise."""
    kind = request.GET.get("kind") or None
    if kind not in (None, *Reaction.Kind.values):
        kind = None
    comment_id = request.GET.get("comment")
    comment_id = int(comment_id) if comment_id and comment_id.isdigit() else None
    post = or_404(services.access_post, request.user, post_id)
    if comment_id is not None:
        comment = or_404(services.access_comment, request.user, comment_id)
        if comment.post_id != post.pk:
            raise Http404
    rows = list(
        or_404(
            services.reactors,
            request.user,
            post_id=None if comment_id else post.pk,
            comment_id=comment_id,
            kind=kind,
        )
    )
    context = {
        "post": post,
        "rows": rows,
        "kind": kind,
        "emoji": REACTION_EMOJI,
        "kinds": Reaction.Kind.choices,
        "comment_id": comment_id,
    }
    if is_htmx(request):
        return render(request, "conversations/_reactors.html", context)
    return render(request, "conversations/reactors.html", context)


# --- Comments -----------------------------------------------------------------------------------


@login_required
@require_POST
def add_comment(request, post_id):
    post = or_404(services.access_post, request.user, post_id)
    form = CommentForm(request.POST, post_id=post.pk)
    comment = None
    if form.is_valid():
        try:
            comment = services.add_comment(
                request.user, post.pk, form.cleaned_data["body"], form.cleaned_data.get("parent")
            )
        except (Invalid, Forbidden) as error:
            add_form_errors(form, error)
    if is_htmx(request):
        post = or_404(services.access_post, request.user, post_id)  # the new comment count
        rights = _rights(request.user, post)
        context = _comments_context(request, post, rights, comment_form=None if comment else form)
        context["reply_form_error"] = form if (form.errors and request.POST.get("parent")) else None
        context["updated"] = comment is not None
        return render(request, "conversations/_comments.html", context)
    if comment is None:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(reverse("conversations:post", args=[post.pk]) + "#comment-form")
    return redirect(reverse("conversations:post", args=[post.pk]) + f"#comment-{comment.pk}")


@login_required
def edit_comment(request, comment_id):
    comment = or_404(services.access_comment, request.user, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    back_url = reverse("conversations:post", args=[comment.post_id]) + f"#comment-{comment.pk}"
    if request.method == "POST":
        form = CommentForm(request.POST, post_id=comment.post_id)
        if form.is_valid():
            try:
                services.edit_comment(request.user, comment.pk, form.cleaned_data["body"])
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your comment is saved."))
                return redirect(back_url)
    else:
        form = CommentForm(initial={"body": comment.body}, post_id=comment.post_id)
    context = {"form": form, "comment": comment, "back_url": back_url}
    return render(request, "conversations/edit_comment.html", context)


@login_required
@require_POST
def delete_comment(request, comment_id):
    comment = or_404(services.access_comment, request.user, comment_id)
    services.delete_comment(request.user, comment.pk)
    messages.success(request, _("The comment was deleted."))
    return redirect(reverse("conversations:post", args=[comment.post_id]) + "#comments")


# --- @mention suggestions -----------------------------------------------------------------------

TRAILING_MENTION = re.compile(r"(?:^|[\s(\[])@([\w.+-]{1,60})$")


def _trailing_mention(body: str) -> str | None:
    match = TRAILING_MENTION.search(body or "")
    return match.group(1) if match else None


@login_required
def mention_suggestions(request):
    """People matching the @name being typed at the end of the text, among those who will be
    able to read it: an HTML fragment for the text area the request names (MentionTarget)."""
    target = MentionTarget.from_data(request.GET)
    partial = _trailing_mention(request.GET.get("body", ""))
    people_found = services.mention_candidates(
        request.user,
        partial or "",
        community_slug=request.GET.get("community", "") if target.community_field else None,
        post_id=target.post,
    )
    for person in people_found:
        person.mention_vals = json.dumps({**target.vals(), "username": person.username})
    return render(
        request,
        "conversations/_mention_suggestions.html",
        {"people": people_found, "partial": partial, "target": target},
    )


@login_required
@require_POST
def mention_complete(request):
    """Replace the @name being typed with the chosen username and send the text area back,
    as the page rendered it (MentionTarget), with its suggestions box emptied."""
    target = MentionTarget.from_data(request.POST)
    body = request.POST.get("body", "")[: target.maxlength]
    username = request.POST.get("username", "")
    partial = _trailing_mention(body)
    if partial and re.fullmatch(r"[\w.@+-]{1,150}", username):
        body = body[: len(body) - len(partial)] + username + " "
    widget = MentionTextarea(target)
    attrs = {
        "required": True,
        "maxlength": target.maxlength,
        "autofocus": True,
        "hx-on::load": "this.selectionStart = this.selectionEnd = this.value.length",
    }
    if target.help_text:
        attrs["aria-describedby"] = f"{target.field}_helptext"
    html = widget.render("body", body, attrs=attrs)
    return render(
        request, "conversations/_mention_complete.html", {"textarea": html, "target": target}
    )
