"""Store a conversation plan: `bulk_create` in one transaction, counters computed from the plan,
home timelines filled exactly as `feed.audience_ids` would, and a few notifications for the
demo logins through `notifications.services.notify` so their bell is not empty."""

import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from agora.communities.models import Community, Membership
from agora.core.markdown import render_markdown
from agora.people.demo import DEMO_ACCOUNTS
from agora.people.models import Follow, Profile
from agora.people.seeding.departments import spec_of

from .. import parsing
from ..hashtags import key_of
from ..models import (
    KIND_COLUMNS,
    Category,
    Comment,
    Hashtag,
    HashtagFollow,
    Mention,
    Post,
    PostHashtag,
    Reaction,
    TimelineEntry,
)
from .communities import CAMILLE_INVITED, CAMILLE_PENDING, OPEN, RULES
from .planner import WORKING_MINUTES, ConversationPlan, Person, plan_conversations

BATCH_SIZE = 1000


@dataclass
class ConversationSummary:
    communities: int
    memberships: int
    posts: int
    articles: int
    comments: int
    reactions: int
    timeline_entries: int
    notifications: int
    seconds: float

    def line(self) -> str:
        return (
            f"Seeded {self.communities} communities ({self.memberships:,} memberships), "
            f"{self.posts:,} posts ({self.articles} articles), {self.comments:,} comments, "
            f"{self.reactions:,} reactions, {self.timeline_entries:,} timeline entries and "
            f"{self.notifications} notifications in {self.seconds:.1f} s."
        )


def working_clock(now, start_hour: int = 9, end_hour: int = 19):
    """minutes -> the date that many working minutes (weekdays, office hours in the site's
    time zone) before `now`."""
    local = timezone.localtime(now)
    ends, lengths = [], []  # newest working window first
    day, covered = local.date(), 0
    while covered < WORKING_MINUTES + 24 * 60:
        if day.weekday() < 5:
            start = datetime.combine(day, dt_time(start_hour), tzinfo=local.tzinfo)
            end = min(datetime.combine(day, dt_time(end_hour), tzinfo=local.tzinfo), local)
            if end > start:
                ends.append(end)
                lengths.append(int((end - start).total_seconds() // 60))
                covered += lengths[-1]
        day -= timedelta(days=1)
    cumulative = list(accumulate(lengths))

    def at(minutes: int):
        i = bisect_right(cumulative, minutes)
        if i >= len(ends):
            return ends[-1] - timedelta(minutes=lengths[-1])
        before = cumulative[i - 1] if i else 0
        return ends[i] - timedelta(minutes=minutes - before)

    return at


def conversations_exist() -> bool:
    return Community.objects.exists() or Post.objects.exists()


def _trade(department: str | None) -> str:
    try:
        return spec_of(department).trade if department else ""
    except KeyError:
        return ""


def load_people() -> tuple[list[Person], dict[str, str], dict[str, int]]:
    """The company as the planner sees it, in a stable order; the demo roles' usernames;
    and everybody's id."""
    users = list(
        get_user_model()
        .objects.order_by("username")
        .values_list("pk", "username", "kind", "language", "email")
    )
    departments = dict(Profile.objects.values_list("user_id", "department__name"))
    managers = set(
        Profile.objects.filter(manager__isnull=False).values_list("manager_id", flat=True)
    )
    people = [
        Person(username, kind, language or "fr", _trade(departments.get(pk)), pk in managers)
        for pk, username, kind, language, _email in users
    ]
    by_email = {email: username for _pk, username, _kind, _language, email in users}
    demo = {role: by_email[email] for role, email, _kind in DEMO_ACCOUNTS}
    return people, demo, {username: pk for pk, username, *_rest in users}


def seed_conversations(
    random_seed: int = 42, posts: int | None = None, log: Callable[[str], object] = print
) -> ConversationSummary:
    started = time.perf_counter()
    people, demo, ids = load_people()
    plan = plan_conversations(people, demo, random_seed, posts)
    counts = write_conversations(plan, ids, demo)
    return ConversationSummary(
        communities=len(plan.communities),
        memberships=sum(len(c.memberships) for c in plan.communities),
        posts=len(plan.posts),
        articles=sum(1 for p in plan.posts if p.kind == "article"),
        comments=len(plan.comments),
        reactions=len(plan.reactions),
        timeline_entries=counts["timeline"],
        notifications=counts["notifications"],
        seconds=time.perf_counter() - started,
    )


def _created(model, objects: list) -> list[int]:
    """The ids of rows just bulk-created, on backends that don't return them too."""
    created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    if created and created[0].pk is None:  # pragma: no cover - SQLite and PostgreSQL return them
        pks = list(model.objects.order_by("-pk").values_list("pk", flat=True)[: len(created)])
        for obj, pk in zip(created, reversed(pks), strict=True):
            obj.pk = pk
    return [obj.pk for obj in created]


@transaction.atomic
def write_conversations(plan: ConversationPlan, ids: dict[str, int], demo) -> dict[str, int]:
    now = timezone.now()

    at = working_clock(now)

    # Categories may exist already (an administrator's): reuse them.
    Category.objects.bulk_create(
        [Category(name=n, slug=slugify(n)) for n in plan.categories], ignore_conflicts=True
    )
    category_ids = dict(Category.objects.filter(name__in=plan.categories).values_list("name", "pk"))

    # Communities and memberships.
    communities = [
        Community(
            name=c.spec.name,
            slug=c.slug,
            kind=c.spec.kind,
            description=c.spec.description,
            description_html=render_markdown(c.spec.description),
            rules=RULES,
            rules_html=render_markdown(RULES),
            created_by_id=ids[c.owner],
            created_at=now - timedelta(days=c.created_days_ago),
            member_count=len(c.active()),
        )
        for c in plan.communities
    ]
    community_ids = dict(
        zip([c.spec.name for c in plan.communities], _created(Community, communities), strict=True)
    )
    Membership.objects.bulk_create(
        (
            Membership(
                community_id=community_ids[c.spec.name],
                user_id=ids[m.username],
                role=m.role,
                state=m.state,
                invited_by_id=ids[m.invited_by] if m.invited_by else None,
                created_at=now - timedelta(days=m.days_ago, minutes=37),
            )
            for c in plan.communities
            for m in c.memberships
        ),
        batch_size=BATCH_SIZE,
    )

    # Posts: counters straight from the plan, HTML with the mentions of known people linked.
    known = set(ids)
    comment_count = defaultdict(int)
    for comment in plan.comments:
        comment_count[comment.post] += 1
    # The reaction counters (ReactionCounts) of each post and comment, in all and per kind.
    post_reactions: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    comment_reactions: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for reaction in plan.reactions:
        if reaction.post is not None:
            counters = post_reactions[reaction.post]
        else:
            counters = comment_reactions[reaction.comment]
        counters["reaction_count"] += 1
        counters[KIND_COLUMNS[reaction.kind]] += 1

    rendered: dict[str, tuple[str, list[str]]] = {}  # comments repeat: "Merci !", "+1"...

    def html(body: str) -> tuple[str, list[str]]:
        if body not in rendered:
            mentioned = [name for name in parsing.mentions(body) if name in known]
            rendered[body] = (
                render_markdown(parsing.link_entities(body, set(mentioned))),
                mentioned,
            )
        return rendered[body]

    # Hashtags, by key: the first spelling met names the tag.
    post_tags = [parsing.hashtags(p.body) for p in plan.posts]
    tag_names: dict[str, str] = {}
    for name in [n for tags in post_tags for n in tags] + [t for _u, t in plan.hashtag_follows]:
        tag_names.setdefault(key_of(name), name)

    def names_on_row(tags: list[str]) -> str:  # as hashtags.store_names writes them
        return " ".join(tag_names[key] for key in sorted({key_of(n) for n in tags}))

    post_objects, post_mentions = [], []
    for index, p in enumerate(plan.posts):
        body_html, mentioned = html(p.body)
        created_at = at(p.minutes_ago)
        post_objects.append(
            Post(
                kind=p.kind,
                author_id=ids[p.author],
                community_id=community_ids[p.community] if p.community else None,
                title=p.title,
                category_id=category_ids.get(p.category),
                body=p.body,
                body_html=body_html,
                created_at=created_at,
                pinned_at=min(created_at + timedelta(minutes=30), now) if p.pinned else None,
                comment_count=comment_count[index],
                hashtag_names=names_on_row(post_tags[index]),
                **post_reactions.get(index, {}),
            )
        )
        post_mentions.append(mentioned)
    post_ids = _created(Post, post_objects)

    Hashtag.objects.bulk_create(
        [Hashtag(name=name, key=key) for key, name in tag_names.items()], batch_size=BATCH_SIZE
    )
    tag_ids = dict(Hashtag.objects.filter(key__in=tag_names).values_list("key", "pk"))
    post_tag_ids = [sorted({tag_ids[key_of(n)] for n in tags}) for tags in post_tags]
    PostHashtag.objects.bulk_create(
        (
            PostHashtag(post_id=post_ids[i], hashtag_id=t, created_at=post_objects[i].created_at)
            for i, tags in enumerate(post_tag_ids)
            for t in tags
        ),
        batch_size=BATCH_SIZE,
    )
    Mention.objects.bulk_create(
        (
            Mention(post_id=post_ids[i], user_id=ids[name])
            for i, names in enumerate(post_mentions)
            for name in names
        ),
        batch_size=BATCH_SIZE,
    )

    # Comments: top-level ones first, then the replies that point at them.
    comment_ids: dict[int, int] = {}
    comment_mentions: dict[int, list[str]] = {}
    for replies in (False, True):
        indexes = [i for i, c in enumerate(plan.comments) if (c.parent is not None) == replies]
        objects = []
        for i in indexes:
            c = plan.comments[i]
            body_html, comment_mentions[i] = html(c.body)
            objects.append(
                Comment(
                    post_id=post_ids[c.post],
                    parent_id=comment_ids[c.parent] if replies else None,
                    author_id=ids[c.author],
                    body=c.body,
                    body_html=body_html,
                    created_at=at(c.minutes_ago),
                    **comment_reactions.get(i, {}),
                )
            )
        comment_ids |= dict(zip(indexes, _created(Comment, objects), strict=True))
    Mention.objects.bulk_create(
        (
            Mention(
                post_id=post_ids[plan.comments[i].post],
                comment_id=comment_ids[i],
                user_id=ids[name],
            )
            for i, names in comment_mentions.items()
            for name in names
        ),
        batch_size=BATCH_SIZE,
    )
    Reaction.objects.bulk_create(
        (
            Reaction(
                user_id=ids[r.user],
                post_id=post_ids[r.post] if r.post is not None else None,
                comment_id=comment_ids[r.comment] if r.comment is not None else None,
                kind=r.kind,
                created_at=at(r.minutes_ago),
            )
            for r in plan.reactions
        ),
        batch_size=BATCH_SIZE,
    )
    HashtagFollow.objects.bulk_create(
        (
            HashtagFollow(user_id=ids[u], hashtag_id=tag_ids[key_of(t)], created_at=at(600))
            for u, t in plan.hashtag_follows
        ),
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )

    timeline = _fill_timelines(plan, post_objects, post_ids, post_tag_ids, community_ids)
    notifications = _notify_demo_people(plan, ids, demo, post_ids, comment_ids, community_ids, at)
    return {"timeline": timeline, "notifications": notifications}


def _fill_timelines(plan, post_objects, post_ids, post_tag_ids, community_ids) -> int:
    """Every post in its audience's home feed: the same sets as `feed.audience_ids(post)`,
    computed from a handful of queries instead of several per post."""
    user_model = get_user_model()
    guests = set(user_model.objects.filter(kind=user_model.Kind.GUEST).values_list("pk", flat=True))
    followers = defaultdict(set)
    for follower, followee in Follow.objects.values_list("follower_id", "followee_id"):
        followers[followee].add(follower)
    tag_followers = defaultdict(set)
    for user_id, hashtag_id in HashtagFollow.objects.values_list("user_id", "hashtag_id"):
        tag_followers[hashtag_id].add(user_id)
    members = defaultdict(set)
    for community_id, user_id in Membership.objects.filter(
        state=Membership.State.ACTIVE
    ).values_list("community_id", "user_id"):
        members[community_id].add(user_id)
    kinds = dict(Community.objects.values_list("pk", "kind"))

    rows = []
    adapt = connection.ops.adapt_datetimefield_value
    for post, pk, tags in zip(post_objects, post_ids, post_tag_ids, strict=True):
        audience = {post.author_id}
        extra = set(followers[post.author_id])
        for t in tags:
            extra |= tag_followers[t]
        if post.community_id is None:
            audience = (audience | extra) - guests
        else:
            inside = members[post.community_id]
            audience |= inside
            if kinds[post.community_id] == OPEN:
                audience |= (extra - inside) - guests
        created_at = adapt(post.created_at)
        rows.extend((uid, pk, created_at) for uid in audience)
    # ~100,000 rows: plain executemany, as building that many model instances takes seconds.
    meta = TimelineEntry._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in ("user", "post", "created_at"))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608
    rows.sort()  # by reader: the timeline indexes fill in order, much faster on SQLite
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])
    return len(rows)


def _notify_demo_people(plan, ids, demo, post_ids, comment_ids, community_ids, at) -> int:
    """A few notifications, through the real service so grouping and visibility rules apply:
    for the demo employee mentions, reactions and comments on her posts and an invitation; for
    the community manager the requests to join her communities."""
    from agora.notifications.models import Notification
    from agora.notifications.services import notify

    users = get_user_model().objects.in_bulk(list(ids.values()))
    camille, sam = users[ids[demo["employee"]]], users[ids[demo["community manager"]]]
    posts = Post.objects.in_bulk(post_ids)
    comments_by_id = Comment.objects.in_bulk(list(comment_ids.values()))
    events = []  # (minutes ago, kind, recipient, actor, post, comment, community)

    mentioning = [
        i
        for i, p in enumerate(plan.posts)
        if f"@{demo['employee']}" in p.body and p.author != demo["employee"]
    ]
    for i in sorted(mentioning, key=lambda i: plan.posts[i].minutes_ago)[:3]:
        p = plan.posts[i]
        events.append((p.minutes_ago, "mention", camille, p.author, i, None, None))
    hers = sorted(
        (i for i, p in enumerate(plan.posts) if p.author == demo["employee"]),
        key=lambda i: plan.posts[i].minutes_ago,
    )[:2]
    for r in plan.reactions:
        if r.post in hers:
            events.append((r.minutes_ago, "reaction", camille, r.user, r.post, None, None))
    on_hers = [
        (i, c)
        for i, c in enumerate(plan.comments)
        if c.post in hers and c.author != camille.username
    ]
    for i, c in sorted(on_hers, key=lambda ic: ic[1].minutes_ago)[:4]:
        events.append((c.minutes_ago, "comment", camille, c.author, c.post, i, None))
    for c in plan.communities:
        for m in c.memberships:
            if m.username == demo["employee"] and c.spec.name == CAMILLE_INVITED:
                events.append((60 * 5, "invitation", camille, m.invited_by, None, None, c))
            if m.state == "pending" and c.spec.name == CAMILLE_PENDING and c.owner == sam.username:
                minutes = m.days_ago * 600 + 90
                events.append((minutes, "join_request", sam, m.username, None, None, c))

    created = set()
    for minutes, kind, recipient, actor, post, comment, community in sorted(
        events, key=lambda e: -e[0]
    ):
        notification = notify(
            kind,
            recipient=recipient,
            actor=users[ids[actor]],
            post=posts[post_ids[post]] if post is not None else None,
            comment=comments_by_id[comment_ids[comment]] if comment is not None else None,
            community=(
                Community.objects.get(pk=community_ids[community.spec.name]) if community else None
            ),
        )
        if notification is None:
            continue
        when = at(minutes)
        changes = {"updated_at": when}
        if notification.pk not in created:
            changes["created_at"] = when
            created.add(notification.pk)
        Notification.objects.filter(pk=notification.pk).update(**changes)
    return len(created)
