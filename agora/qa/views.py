"""Web pages for questions and answers. Thin: parse, call the services, render. A question the
viewer may not read is a 404, like a post; htmx swaps votes, acceptance and the similar
questions in place, and every action also works as a plain form post."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.communities.models import Community
from agora.conversations import services as post_services
from agora.conversations import views as post_views
from agora.conversations.views import (
    add_form_errors,
    first_page_if_bad_cursor,
    is_htmx,
    or_404,
    safe_next,
)
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound

from . import claims, queries, services, votes
from .claim_views import claim_url
from .forms import AnswerCommentForm, AnswerForm, DuplicateForm, QuestionForm


def _sorts():
    return [
        ("newest", _("Newest")),
        ("active", _("Active")),
        ("votes", _("Most voted")),
        ("unanswered", _("Unanswered")),
    ]


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- Lists --------------------------------------------------------------------------------------


@login_required
def question_list(request):
    sort = request.GET.get("sort") or "newest"
    if sort not in dict(_sorts()):
        sort = "newest"
    if sort == "unanswered":
        return redirect(reverse("qa:unanswered") + _query(request, ("tag",)))
    tag = (request.GET.get("tag") or "").strip().lstrip("#")
    try:
        page = first_page_if_bad_cursor(
            queries.question_page,
            request.user,
            sort=sort,
            tag=tag,
            cursor=request.GET.get("cursor"),
        )
    except Invalid:
        messages.error(request, _("This is not a valid tag."))
        return redirect("qa:list")
    params = {k: v for k, v in (("sort", sort), ("tag", tag)) if v}
    tabs = [
        {
            "label": label,
            "url": reverse("qa:list") + "?" + urlencode({**params, "sort": key}),
            "current": key == sort,
        }
        for key, label in _sorts()
    ]
    context = {
        "page": page,
        "questions": page.items,
        "tabs": tabs,
        "tag": tag,
        "sort": sort,
        "more_url": reverse("qa:list") + "?" + urlencode(params),
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "qa/_question_items.html", context)
    return render(request, "qa/list.html", context)


def _query(request, keys) -> str:
    params = {k: request.GET[k] for k in keys if request.GET.get(k)}
    return "?" + urlencode(params) if params else ""


@login_required
def unanswered(request):
    mode = request.GET.get("mode") or "no_answer"
    filters = {
        "mode": mode if mode in queries.UNANSWERED_MODES else "no_answer",
        "tag": (request.GET.get("tag") or "").strip().lstrip("#"),
        "community": (request.GET.get("community") or "").strip(),
        "older_than_days": _int_or_none(request.GET.get("older_than")),
        "newer_than_days": _int_or_none(request.GET.get("newer_than")),
    }
    error = None
    try:
        page = first_page_if_bad_cursor(
            queries.unanswered_page, request.user, **filters, cursor=request.GET.get("cursor")
        )
    except Invalid as e:
        error = " ".join(p for problems in e.fields.values() for p in problems) or e.message
        page = queries.Page(items=[], next_cursor=None)
    params = {
        "mode": filters["mode"],
        "tag": filters["tag"],
        "community": filters["community"],
        "older_than": request.GET.get("older_than") or "",
        "newer_than": request.GET.get("newer_than") or "",
    }
    params = {k: v for k, v in params.items() if v}
    from agora.communities.visibility import readable_q

    context = {
        "page": page,
        "questions": page.items,
        "filters": filters,
        "params": params,
        "error": error,
        "communities": Community.objects.filter(readable_q(request.user)).order_by("name")[:100],
        "more_url": reverse("qa:unanswered") + "?" + urlencode(params),
    }
    if is_htmx(request) and request.GET.get("cursor"):
        return render(request, "qa/_question_items.html", context)
    return render(request, "qa/unanswered.html", context)


@login_required
def similar(request):
    """The similar-questions box of the ask form (htmx), also usable as a plain page."""
    title = request.GET.get("title") or ""
    hits = queries.similar_questions(
        request.user, title, exclude_id=_int_or_none(request.GET.get("exclude"))
    )
    return render(request, "qa/_similar.html", {"hits": hits, "title": title})


# --- Asking and editing -------------------------------------------------------------------------


@login_required
def ask(request):
    if request.method == "POST":
        form = QuestionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                community = None
                slug = form.community_slug()
                if slug:
                    community = Community.objects.filter(slug=slug).first()
                question = services.ask_question(
                    request.user,
                    title=data["title"],
                    body=data["body"],
                    tags=data.get("tags") or "",
                    community=community,
                )
            except (Invalid, Forbidden, NotFound) as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your question is published."))
                return redirect("qa:detail", question.pk)
    else:
        initial = {}
        for key in ("community", "title", "tags"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        form = QuestionForm(initial=initial, user=request.user)
    title = form["title"].value() or ""
    hits = queries.similar_questions(request.user, title) if title else []
    return render(request, "qa/ask.html", {"form": form, "hits": hits, "title": title})


@login_required
def edit_question(request, question_id):
    question = or_404(services.access_question, request.user, question_id)
    post = question.post
    if post.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = QuestionForm(request.POST, user=request.user, editing=True, post_id=post.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_question(
                    request.user,
                    question.pk,
                    title=data["title"],
                    body=data["body"],
                    tags=data.get("tags") or "",
                )
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("qa:detail", question.pk)
    else:
        form = QuestionForm(
            initial={
                "title": post.title,
                "body": post.body,
                "tags": " ".join(t.name for t in post.hashtags.all()),
            },
            user=request.user,
            editing=True,
            post_id=post.pk,
        )
    return render(request, "qa/edit_question.html", {"form": form, "question": question})


# --- The question page --------------------------------------------------------------------------


def _page_context(request, question, *, answer_form=None) -> dict:
    post = question.post
    user = request.user
    rights = post_views._rights(user, post)
    context = post_views._comments_context(request, post, rights)
    answers = queries.answer_page(user, question, limit=100)
    own = votes.own_votes(user, question_ids=[question.pk])
    context.update(
        question=question,
        answers=answers.items,
        answers_page=answers,
        question_vote=own.get(("question", question.pk)),
        can_take_part=rights["can_interact"],
        can_accept=votes.can_accept(user, question),
        can_close=services.can_close(user, question),
        is_asker=post.author_id == user.pk,
        answer_form=answer_form or AnswerForm(question_id=question.pk),
        comment_form_answer=AnswerCommentForm(),
        duplicate_form=DuplicateForm(),
        asked=queries.who_was_asked(user, question),
        original=queries.linked_original(user, question),
        duplicates=queries.duplicates_of(user, question),
        revisions=list(post_services.revisions_of(user, post)),
    )
    _link_claimable(user, question, answers.items)
    return context


def _link_claimable(user, question, answers) -> None:
    """Content still held by an imported (unclaimed) account gets an "Is this you?" link to
    the claim form, filled in. Only inactive authors can be such accounts, so a page written
    by active people costs no query."""
    written = [(question, question.post.author)] + [(a, a.author) for a in answers]
    inactive = {author.pk for _target, author in written if not author.is_active}
    claimable = claims.claimable_authors(user, inactive)
    for target, author in written:
        found = claimable.get(author.pk)
        target.claim_url = claim_url(*found) if found else ""


@login_required
def detail(request, question_id):
    question = or_404(services.access_question, request.user, question_id)
    if is_htmx(request) and request.GET.get("cursor"):
        # "More comments" under the question: the conversations partial
        rights = post_views._rights(request.user, question.post)
        context = post_views._comments_context(request, question.post, rights)
        return render(request, "conversations/_comment_items.html", context)
    return render(request, "qa/detail.html", _page_context(request, question))


@login_required
def history(request, question_id):
    question = or_404(services.access_question, request.user, question_id)
    revisions = list(post_services.revisions_of(request.user, question.post))
    return render(request, "qa/history.html", {"question": question, "revisions": revisions})


@login_required
@require_POST
def vote(request, question_id=None, answer_id=None):
    direction = request.POST.get("value") or ""
    try:
        now, score = votes.vote(
            request.user, direction, question_id=question_id, answer_id=answer_id
        )
    except (Forbidden, Invalid) as error:
        if is_htmx(request):
            return render(
                request,
                "qa/_vote.html",
                _vote_context(request, question_id, answer_id, message=error.message),
            )
        messages.error(request, error.message)
        return redirect(_target_url(request, question_id, answer_id))
    if is_htmx(request):
        return render(request, "qa/_vote.html", _vote_context(request, question_id, answer_id))
    return redirect(_target_url(request, question_id, answer_id))


def _vote_context(request, question_id, answer_id, message=None) -> dict:
    if answer_id is not None:
        target = queries.shaped_answer(request.user, answer_id)
        kind, mine = "answer", target.viewer_vote
        own = target.author_id == request.user.pk
    else:
        target = services.access_question(request.user, question_id)
        kind = "question"
        mine = votes.own_votes(request.user, question_ids=[target.pk]).get(("question", target.pk))
        own = target.post.author_id == request.user.pk
    return {
        "target": target,
        "kind": kind,
        "mine": mine,
        "own": own,
        "can_vote": not own,
        "message": message,
    }


def _target_url(request, question_id, answer_id) -> str:
    if answer_id is not None:
        answer = services.access_answer(request.user, answer_id)
        return reverse("qa:detail", args=[answer.question_id]) + f"#answer-{answer_id}"
    return reverse("qa:detail", args=[question_id])


@login_required
@require_POST
def accept(request, answer_id):
    try:
        if request.POST.get("action") == "unaccept":
            answer = votes.unaccept(request.user, answer_id)
        else:
            answer = votes.accept(request.user, answer_id)
    except Forbidden as error:
        messages.error(request, error.message)
        return redirect(_target_url(request, None, answer_id))
    if is_htmx(request):
        question = services.access_question(request.user, answer.question_id)
        return render(request, "qa/_answers.html", _page_context(request, question))
    return redirect(reverse("qa:detail", args=[answer.question_id]) + f"#answer-{answer.pk}")


# --- Answers and their comments -----------------------------------------------------------------


@login_required
@require_POST
def add_answer(request, question_id):
    question = or_404(services.access_question, request.user, question_id)
    form = AnswerForm(request.POST, question_id=question.pk)
    if form.is_valid():
        try:
            answer = services.answer_question(request.user, question.pk, form.cleaned_data["body"])
        except (Forbidden, Invalid, Conflict) as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Your answer is published."))
            return redirect(reverse("qa:detail", args=[question.pk]) + f"#answer-{answer.pk}")
    question = or_404(services.access_question, request.user, question_id)
    return render(request, "qa/detail.html", _page_context(request, question, answer_form=form))


@login_required
def edit_answer(request, answer_id):
    answer = or_404(services.access_answer, request.user, answer_id)
    if answer.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = AnswerForm(request.POST, question_id=answer.question_id)
        if form.is_valid():
            try:
                services.edit_answer(request.user, answer.pk, form.cleaned_data["body"])
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                url = reverse("qa:detail", args=[answer.question_id])
                return redirect(f"{url}#answer-{answer.pk}")
    else:
        form = AnswerForm(initial={"body": answer.body}, question_id=answer.question_id)
    return render(request, "qa/edit_answer.html", {"form": form, "answer": answer})


@login_required
def answer_history(request, answer_id):
    answer, revisions = or_404(services.answer_revisions, request.user, answer_id)
    return render(request, "qa/answer_history.html", {"answer": answer, "revisions": revisions})


@login_required
@require_POST
def delete_answer(request, answer_id):
    answer = or_404(services.access_answer, request.user, answer_id)
    services.delete_answer(request.user, answer.pk)
    messages.success(request, _("The answer was deleted."))
    return redirect("qa:detail", answer.question_id)


@login_required
@require_POST
def comment_answer(request, answer_id):
    answer = or_404(services.access_answer, request.user, answer_id)
    form = AnswerCommentForm(request.POST)
    url = reverse("qa:detail", args=[answer.question_id]) + f"#answer-{answer.pk}"
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(url)
    try:
        services.comment_on_answer(request.user, answer.pk, form.cleaned_data["body"])
    except (Forbidden, Invalid) as error:
        messages.error(request, error.message)
    return redirect(url)


@login_required
def edit_answer_comment(request, comment_id):
    comment = or_404(services.access_answer_comment, request.user, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    question_id = comment.answer.question_id
    back_url = reverse("qa:detail", args=[question_id]) + f"#answer-comment-{comment.pk}"
    if request.method == "POST":
        form = AnswerCommentForm(request.POST, question_id=question_id)
        if form.is_valid():
            try:
                services.edit_answer_comment(request.user, comment.pk, form.cleaned_data["body"])
            except (Forbidden, Invalid) as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Your comment is saved."))
                return redirect(back_url)
    else:
        form = AnswerCommentForm(initial={"body": comment.body}, question_id=question_id)
    context = {"form": form, "comment": comment, "back_url": back_url}
    return render(request, "qa/edit_answer_comment.html", context)


@login_required
@require_POST
def delete_answer_comment(request, comment_id):
    comment = or_404(services.access_answer_comment, request.user, comment_id)
    services.delete_answer_comment(request.user, comment.pk)
    messages.success(request, _("The comment was deleted."))
    url = reverse("qa:detail", args=[comment.answer.question_id])
    return redirect(f"{url}#answer-{comment.answer_id}")


# --- Duplicates ---------------------------------------------------------------------------------


@login_required
@require_POST
def close_duplicate(request, question_id):
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("qa:detail", question_id)
    try:
        services.close_as_duplicate(request.user, question_id, form.cleaned_data["duplicate_of"])
    except (Forbidden, Invalid) as error:
        problems = [p for ps in error.fields.values() for p in ps] or [error.message]
        for problem in problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("The question is closed as a duplicate."))
    return redirect("qa:detail", question_id)


@login_required
@require_POST
def reopen(request, question_id):
    try:
        services.reopen(request.user, question_id)
    except Forbidden as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question is open again."))
    return redirect(safe_next(request, reverse("qa:detail", args=[question_id])))
