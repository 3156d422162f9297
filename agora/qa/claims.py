"""Claiming imported Stack Exchange accounts.

The importer (importer/people.py) gives every source user an inactive account `se-<site>-<id>`
that holds what they wrote there. A person who recognises themselves asks for it
(`request_claim`), an administrator decides (`decide_claim`), and approving merges the
imported account into theirs (`merge_imported_account`): what it wrote becomes theirs, and the
import mapping names them from then on, so a re-import maps that source user to them instead
of recreating the account.

Who may do what:
- active employees (administrators included) ask; guests may not — an imported account is an
  employee account and what it holds is the company's knowledge;
- administrators alone see the queue and decide: nothing proves who someone was on Stack
  Exchange, so a person checks (the note may link the old profile).

What is claimable: an imported person's account — the object of an `ImportedRecord` of kind
"user" — that is inactive and has not received a merge itself. A site or id that names no such
account answers NotFound, whatever the reason; one already merged into its owner answers
Conflict (the owner's name is not revealed).

Web views (claim_views.py) and the API (claims_api.py) call these functions; nothing else
writes claims.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.conversations.models import Comment, Mention, Post, PostRevision, TimelineEntry
from agora.core import audit
from agora.core.errors import Conflict, Forbidden, Invalid, NotFound
from agora.core.pagination import Page, paginate

from .models import (
    MAX_CLAIM_NOTE,
    Answer,
    AnswerComment,
    AnswerRevision,
    ExpertRequest,
    ImportClaim,
    ImportedRecord,
    Question,
)

USER = ImportedRecord.Kind.USER
State = ImportClaim.State
# Pending first (what an administrator has to do), then newest first. `rank` is annotated by
# _shaped(); the cursor carries it like any other ordering value.
QUEUE_ORDER = ["rank", "-created_at", "-id"]
MY_ORDER = ["-created_at", "-id"]
# "https://ai.stackexchange.com/users/3899/name", with or without the name, the scheme or "www."
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?P<host>[a-z0-9.-]+\.[a-z]{2,})/users/(?P<id>\d{1,18})(?:[/?#].*)?$",
    re.IGNORECASE,
)


# --- Who may ---------------------------------------------------------------------------------


def can_claim(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_employee)


def check_can_claim(user) -> None:
    if user is None or not user.is_authenticated:
        raise Forbidden(_("Sign in first."))
    if not can_claim(user):
        raise Forbidden(_("Only employees can claim imported contributions."))


def is_reviewer(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.is_administrator
    )


def check_reviewer(user) -> None:
    if user is None or not user.is_authenticated:
        raise Forbidden(_("Sign in first."))
    if not is_reviewer(user):
        raise Forbidden(_("Only administrators review claims of imported accounts."))


# --- What can be claimed ---------------------------------------------------------------------


def imported_sites() -> list[str]:
    """The sites whose people this instance imported (what the claim form offers)."""
    return list(
        ImportedRecord.objects.filter(kind=USER)
        .order_by("site")
        .values_list("site", flat=True)
        .distinct()
    )


def parse_source_user(value) -> tuple[str | None, int | None]:
    """ "3899" or a profile address -> (the address's host or None, 3899); (None, None) when it
    is neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None, value if value > 0 else None
    text = str(value or "").strip()
    if text.isdigit() and len(text) <= 18:
        return None, int(text) or None
    match = _PROFILE_URL.match(text)
    if match is None:
        return None, None
    host = match["host"].lower().removeprefix("www.")
    return host, int(match["id"]) or None


def _merged_owners() -> QuerySet:
    """The accounts that received a merge: the import record of their source user names them
    now, and they must never look claimable (an owner who leaves the company is inactive too)."""
    return ImportClaim.objects.filter(state=State.APPROVED).values("claimant_id")


def claimable_authors(viewer, author_ids) -> dict[int, tuple[str, int]]:
    """Among `author_ids`, the still unclaimed imported accounts: id -> (site, source id), for
    the "Is this you?" links on their content. One query, and none when no author is inactive
    (the caller passes the inactive ones only) or the viewer may not claim."""
    author_ids = {a for a in author_ids if a}
    if not author_ids or not can_claim(viewer):
        return {}
    rows = (
        ImportedRecord.objects.filter(kind=USER, object_id__in=author_ids)
        .exclude(object_id__in=_merged_owners())
        .values_list("object_id", "site", "source_id")
    )
    return {object_id: (site, source_id) for object_id, site, source_id in rows}


def _claimable_account(site: str, source_id: int):
    record = (
        ImportedRecord.objects.filter(site=site, kind=USER, source_id=source_id)
        .only("object_id")
        .first()
    )
    if record is None:
        raise NotFound(
            _("No imported account has this id on this site."), fields=_no_such_account()
        )
    account = get_user_model().objects.filter(pk=record.object_id).first()
    if account is None:
        raise NotFound(
            _("No imported account has this id on this site."), fields=_no_such_account()
        )
    if account.is_active or _merged_owners().filter(claimant_id=account.pk).exists():
        raise Conflict(
            _("This account was already claimed: its contributions belong to someone now."),
            code="already_claimed",
        )
    return account


def _no_such_account() -> dict[str, list[str]]:
    return {"source_user_id": [_("No imported account has this id on this site.")]}


# --- Asking ----------------------------------------------------------------------------------


def request_claim(claimant, site: str, source_user_id, note: str = "", request=None) -> ImportClaim:
    """`claimant` says the account of Stack Exchange user `source_user_id` (an id, or the
    address of the profile) on `site` is theirs. The administrators are notified."""
    check_can_claim(claimant)
    site = (site or "").strip()
    note = (note or "").strip()
    host, source_id = parse_source_user(source_user_id)
    errors: dict[str, list[str]] = {}
    if source_id is None:
        errors["source_user_id"] = [
            _("Give your user id on the site (a number) or the address of your profile there.")
        ]
    elif host and site and host != site.lower():
        errors["source_user_id"] = [
            _("This profile is on %(host)s, not on %(site)s.") % {"host": host, "site": site}
        ]
    site = site or host or ""
    if not site:
        errors["site"] = [_("Choose the site.")]
    if len(note) > MAX_CLAIM_NOTE:
        errors["note"] = [_("At most %(n)d characters.") % {"n": MAX_CLAIM_NOTE}]
    if errors:
        raise Invalid(fields=errors)
    with transaction.atomic():
        imported = _claimable_account(site, source_id)
        try:
            with transaction.atomic():
                claim = ImportClaim.objects.create(
                    imported=imported, claimant=claimant, site=site, source_id=source_id, note=note
                )
        except IntegrityError:
            # The partial unique constraint: this person already waits for this account.
            raise Conflict(
                _("You already asked for this account; an administrator will decide."),
                code="claim_pending",
            ) from None
        audit.record(
            "qa.import_claim_requested",
            actor=claimant,
            target=claimant,
            request=request,
            claim=claim.pk,
            site=site,
            source_id=source_id,
            imported=imported.pk,
        )
    _notify_reviewers(claim)
    return claim


def _reviewers() -> QuerySet:
    User = get_user_model()
    return User.objects.filter(Q(kind=User.Kind.ADMIN) | Q(is_superuser=True), is_active=True)


def _other_reviewers(user) -> QuerySet:
    return _reviewers().exclude(pk=user.pk)


def decides_own_claims(reviewer) -> bool:
    """Whether `reviewer` may decide a claim they made: only when no one else can."""
    return not _other_reviewers(reviewer).exists()


def _notify_reviewers(claim: ImportClaim) -> None:
    from agora.notifications.models import Kind
    from agora.notifications.services import notify

    for reviewer in _reviewers():
        notify(Kind.IMPORT_CLAIM, recipient=reviewer, actor=claim.claimant)


def _notify_claimants(reviewer, claim_ids: list[int]) -> None:
    """The people whose claims were just decided (the one decided, and the others on the same
    account an approval rejected): their settings page says how."""
    from agora.notifications.models import Kind
    from agora.notifications.services import notify

    for claim in ImportClaim.objects.filter(pk__in=claim_ids).select_related("claimant"):
        notify(Kind.CLAIM_DECIDED, recipient=claim.claimant, actor=reviewer)


# --- Lists -----------------------------------------------------------------------------------


def _shaped(qs: QuerySet[ImportClaim]) -> QuerySet[ImportClaim]:
    """Everything a claim shows, queue counts included, in one query whatever the page size:
    counts as correlated subqueries (joins would multiply one another)."""

    def count(model, kind=None):
        rows = model.objects.filter(author_id=OuterRef("imported_id"))
        if kind is not None:
            rows = rows.filter(kind=kind)
        counted = rows.order_by().values("author_id").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return qs.select_related(
        "claimant__profile", "imported__profile", "decided_by__profile"
    ).annotate(
        rank=Case(When(state=State.PENDING, then=Value(0)), default=Value(1)),
        question_count=count(Post, Post.Kind.QUESTION),
        answer_count=count(Answer),
        comment_count=count(Comment),
        answer_comment_count=count(AnswerComment),
    )


def my_claims(user, cursor=None, limit=None) -> Page:
    """The claims `user` made, newest first, with what became of them."""
    check_can_claim(user)
    return paginate(_shaped(ImportClaim.objects.filter(claimant=user)), MY_ORDER, cursor, limit)


def queue(reviewer, state: str = State.PENDING, cursor=None, limit=None) -> Page:
    """Claims for administrators: of one state (default pending), or all ("") pending first."""
    check_reviewer(reviewer)
    qs = ImportClaim.objects.all()
    if state:
        if state not in State.values:
            raise Invalid(fields={"state": [_("Unknown state.")]})
        qs = qs.filter(state=state)
    return paginate(_shaped(qs), QUEUE_ORDER, cursor, limit)


def claim_for(viewer, claim_id: int) -> ImportClaim:
    """One claim shaped like the lists': the viewer's own, or any for an administrator."""
    if not is_reviewer(viewer):
        check_can_claim(viewer)
    qs = ImportClaim.objects.filter(pk=claim_id)
    if not is_reviewer(viewer):
        qs = qs.filter(claimant=viewer)
    found = _shaped(qs).first()
    if found is None:
        raise NotFound(_("No such claim."))
    return found


# --- Deciding --------------------------------------------------------------------------------


def decide_claim(reviewer, claim_id: int, approve: bool, request=None) -> ImportClaim:
    """Approve (merge the account into the claimant's, reject the other pending claims on it)
    or reject a pending claim. A claim is decided once: again → Conflict."""
    check_reviewer(reviewer)
    found = ImportClaim.objects.filter(pk=claim_id).only("imported_id").first()
    if found is None:
        raise NotFound(_("No such claim."))
    User = get_user_model()
    with transaction.atomic():
        # The imported account's row first: two administrators approving two claims on it at
        # once take turns, and the second finds it merged (not half of it each).
        User.objects.select_for_update().filter(pk=found.imported_id).first()
        claim = (
            ImportClaim.objects.select_for_update()
            .select_related("imported", "claimant")
            .get(pk=claim_id)
        )
        if claim.state != State.PENDING:
            raise Conflict(_("This claim was already decided."), code="claim_decided")
        if claim.claimant_id == reviewer.pk and not decides_own_claims(reviewer):
            # Nothing proves who someone was on Stack Exchange but another person's check;
            # an instance's only administrator still gets their own contributions.
            raise Forbidden(_("Another administrator decides your own claim."), code="own_claim")
        now = timezone.now()
        rejected: list[int] = []
        if approve:
            if not can_claim(claim.claimant):
                raise Conflict(
                    _("The person who asked can no longer receive contributions."),
                    code="claimant_inactive",
                )
            merge_imported_account(claim.imported, claim.claimant)
            others = ImportClaim.objects.filter(
                imported_id=claim.imported_id, state=State.PENDING
            ).exclude(pk=claim.pk)
            rejected = list(others.values_list("pk", flat=True))
            others.update(state=State.REJECTED, decided_by=reviewer, decided_at=now)
        claim.state = State.APPROVED if approve else State.REJECTED
        claim.decided_by, claim.decided_at = reviewer, now
        claim.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(
            f"qa.import_claim_{claim.state}",
            actor=reviewer,
            target=claim.claimant,
            request=request,
            claim=claim.pk,
            site=claim.site,
            source_id=claim.source_id,
            imported=claim.imported_id,
            also_rejected=rejected,
        )
        _notify_claimants(reviewer, [claim.pk, *rejected])
    return claim_for(reviewer, claim.pk)


# --- Merging ---------------------------------------------------------------------------------


@dataclass
class Merged:
    posts: list[int]
    answers: list[int]
    comments: list[int]
    answer_comments: list[int]


def _ids(qs) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def merge_imported_account(imported, owner) -> Merged:
    """Give everything the imported account wrote to `owner`, in one transaction.

    Moves the author of its posts (questions), answers, comments on posts and on answers; the
    editor of revisions; who closed a question; mentions of it; the expert requests it
    received (one per question: a request the owner already has wins). Drops what only made
    sense for the account itself: its notifications, preferences, home feed and skill
    suggestions (rebuilt for the owner from the evidence). The import record of its source
    user now names the owner (re-imports map that person to the owner). Then the moved
    objects' search documents and both people's expert-finder rows are rebuilt, inside the
    transaction so a failure leaves nothing moved. The attribution (source_url,
    source_author) is not touched: the content still says where it came from.

    The imported account stays, inactive and empty, with its profile: a tombstone that a
    link or an audit entry may still name."""
    from agora.experts.index import refresh_people
    from agora.experts.models import SkillSuggestion
    from agora.notifications.models import Notification, Preference

    from .importer.indexing import imported_objects, index_imported

    if imported.pk == owner.pk or imported.is_active:
        raise Conflict(_("This is not an unclaimed imported account."), code="not_imported")
    with transaction.atomic():
        records = ImportedRecord.objects.filter(kind=USER, object_id=imported.pk)
        if not records.exists():
            raise Conflict(_("This is not an unclaimed imported account."), code="not_imported")
        merged = Merged(
            posts=_ids(Post.objects.filter(author=imported)),
            answers=_ids(Answer.objects.filter(author=imported)),
            comments=_ids(Comment.objects.filter(author=imported)),
            answer_comments=_ids(AnswerComment.objects.filter(author=imported)),
        )
        # Bulk updates: no signals fire (the search and expert refreshes below replace them).
        Post.objects.filter(author=imported).update(author=owner)
        PostRevision.objects.filter(edited_by=imported).update(edited_by=owner)
        Comment.objects.filter(author=imported).update(author=owner)
        Mention.objects.filter(user=imported).update(user=owner)
        Question.objects.filter(closed_by=imported).update(closed_by=owner)
        Answer.objects.filter(author=imported).update(author=owner)
        AnswerRevision.objects.filter(edited_by=imported).update(edited_by=owner)
        AnswerComment.objects.filter(author=imported).update(author=owner)
        Notification.objects.filter(actor=imported).update(actor=owner)
        asked_owner = ExpertRequest.objects.filter(expert=owner).values("question_id")
        ExpertRequest.objects.filter(expert=imported, question_id__in=asked_owner).delete()
        ExpertRequest.objects.filter(expert=imported).update(expert=owner)
        Notification.objects.filter(recipient=imported).delete()
        Preference.objects.filter(user=imported).delete()
        TimelineEntry.objects.filter(user=imported).delete()
        SkillSuggestion.objects.filter(user=imported).delete()
        records.update(object_id=owner.pk)

        index_imported(
            imported_objects(
                posts=merged.posts,
                comments=merged.comments,
                answers=merged.answers,
                answer_comments=merged.answer_comments,
                hashtags=[],
            )
        )
        refresh_people([imported.pk, owner.pk])
    return merged
