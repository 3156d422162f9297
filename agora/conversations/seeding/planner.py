"""Plan the conversations: pure Python, deterministic for a given seed and company.

The plan names people by username and posts by their index in `ConversationPlan.posts`, so it
can be compared and tested without a database; `writer` turns it into rows.
"""

import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from . import content
from .communities import (
    CAMILLE_HASHTAGS,
    CAMILLE_INVITED,
    CAMILLE_MEMBER_OF,
    CAMILLE_PENDING,
    CATEGORIES,
    COMMUNITIES,
    OPEN,
    SECRET,
    CommunitySpec,
)

POSTS_PER_PERSON = 5
COMMENTS_PER_POST = 2.7
REACTIONS_PER_POST = 4.3
REACTIONS_PER_COMMENT = 0.45
DAYS = 60
# Times are counted in working minutes (weekdays, 9:00 to 19:00), so nobody posts at 3 am;
# `writer` turns them back into dates.
WORKING_MINUTES = DAYS * 5 // 7 * 10 * 60
REACTION_KINDS = (("like", 55), ("celebrate", 15), ("insightful", 12), ("support", 10))
REACTION_KINDS += (("curious", 8),)
POPULAR_TAGS = ("python", "ia", "data", "rgpd", "vélo", "onboarding", "greenit", "support")
POPULAR_TAGS += ("sales", "management", "recrutement", "release", "formation", "devops")


@dataclass(frozen=True)
class Person:
    username: str
    kind: str  # employee, admin or guest
    language: str
    trade: str  # of the person's department ("" when unknown)
    is_manager: bool


@dataclass
class MembershipPlan:
    username: str
    role: str = "member"
    state: str = "active"
    invited_by: str | None = None
    days_ago: int = 0


@dataclass
class CommunityPlan:
    spec: CommunitySpec
    slug: str
    owner: str
    created_days_ago: int
    memberships: list[MembershipPlan] = field(default_factory=list)

    def active(self) -> list[str]:
        return [m.username for m in self.memberships if m.state == "active"]


@dataclass
class PostPlan:
    author: str
    community: str | None  # the community's name
    body: str
    minutes_ago: int
    kind: str = "post"
    title: str = ""
    category: str = ""
    pinned: bool = False


@dataclass
class CommentPlan:
    post: int
    parent: int | None
    author: str
    body: str
    minutes_ago: int


@dataclass
class ReactionPlan:
    user: str
    post: int | None
    comment: int | None
    kind: str
    minutes_ago: int


@dataclass
class ConversationPlan:
    communities: list[CommunityPlan]
    posts: list[PostPlan]
    comments: list[CommentPlan]
    reactions: list[ReactionPlan]
    hashtag_follows: list[tuple[str, str]]
    categories: tuple[str, ...] = CATEGORIES


class _Planner:
    def __init__(self, rng: random.Random, people: list[Person], demo: dict[str, str]):
        self.rng = rng
        self.people = {p.username: p for p in people}
        self.employees = [p.username for p in people if p.kind != "guest"]
        self.guests = [p.username for p in people if p.kind == "guest"]
        self.camille = demo["employee"]
        self.sam = demo["community manager"]
        self.jordan = demo["external guest"]
        # A few people write a lot, most a little.
        self.weight = {p.username: min(rng.paretovariate(1.5), 10.0) for p in people}
        self.weight[self.camille] = 3.0
        self.weight[self.sam] = 6.0

    # --- communities ---------------------------------------------------------------------

    def communities(self) -> list[CommunityPlan]:
        return [self._community(spec) for spec in COMMUNITIES]

    def _community(self, spec: CommunitySpec) -> CommunityPlan:
        rng = self.rng
        others = [u for u in self.employees if u not in (self.camille, self.sam)]
        if spec.owner == "cm":
            owner = self.sam
        else:
            pool = [u for u in others if self.people[u].trade == spec.owner] or others
            managers = [u for u in pool if self.people[u].is_manager]
            owner = rng.choice(managers or pool)
        created = rng.randint(90, 500)
        members: dict[str, MembershipPlan] = {
            owner: MembershipPlan(owner, "owner", days_ago=created)
        }

        def add(username, role="member", state="active", invited_by=None):
            if username not in members:
                members[username] = MembershipPlan(
                    username, role, state, invited_by, rng.randint(0, created)
                )

        if spec.name == "Managers":
            for u in others:
                if self.people[u].is_manager and rng.random() < 0.7:
                    add(u)
        elif spec.kind == SECRET:
            pool = [u for u in others if self.people[u].trade in spec.trades] or others
            for u in rng.sample(pool, min(5, len(pool))):
                add(u)
        else:
            for u in others:
                share = (
                    spec.share
                    if (not spec.trades or self.people[u].trade in spec.trades)
                    else (spec.share / 10)
                )
                if rng.random() < share:
                    add(u)
        if spec.owner != "cm" and spec.kind == OPEN and rng.random() < 0.5:
            add(self.sam)
        if spec.extranet:
            for guest in [self.jordan] + [g for g in self.guests if g != self.jordan]:
                add(guest, role="guest", invited_by=self.sam)
        if spec.name in CAMILLE_MEMBER_OF:
            add(self.camille)
        # Moderators: one or two regulars help the owner in the larger communities.
        regulars = sorted(u for u, m in members.items() if m.role == "member")
        regulars = [u for u in regulars if self.people[u].kind != "guest" and u != self.camille]
        for u in rng.sample(regulars, min(len(regulars) // 15, 2)):
            members[u].role = "moderator"
        if spec.name == CAMILLE_PENDING:
            add(self.camille, state="pending")
            members[self.camille].days_ago = 1
            outsiders = [u for u in others if u not in members]
            for u in rng.sample(outsiders, min(2, len(outsiders))):
                add(u, state="pending")
                members[u].days_ago = rng.randint(0, 6)
        if spec.name == CAMILLE_INVITED:
            add(self.camille, state="invited", invited_by=owner)
            members[self.camille].days_ago = 0
        return CommunityPlan(spec, slugify(spec.name), owner, created, list(members.values()))

    # --- text ----------------------------------------------------------------------------

    def _fill(self, template: str, language: str, readers: list[str], author: str) -> str:
        rng = self.rng
        text = template.replace("{n}", str(rng.choice((3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 40))))
        text = text.replace("{day}", rng.choice(content.DAYS[language]))
        if "{m}" in text:
            who = None
            if self.camille != author and rng.random() < 0.06 and self.camille in readers:
                who = self.camille
            for _attempt in range(5):  # anyone who may read it but the author
                if who is None or who == author:
                    who = rng.choice(readers)
            if who == author:
                who = None
            text = text.replace("{m}", f"@{who}" if who else "")
        return text

    def _language(self, author: str) -> str:
        own = self.people[author].language if self.people[author].language in ("fr", "en") else "fr"
        return own if self.rng.random() < 0.8 else ("en" if own == "fr" else "fr")

    def _pick(self, pool: list[str]) -> str:
        return self.rng.choices(pool, weights=[self.weight[u] for u in pool])[0]

    def _when(self) -> int:
        """Working minutes ago, more of them recent."""
        return int(WORKING_MINUTES * self.rng.random() ** 1.4) + 5

    # --- posts, comments, reactions -------------------------------------------------------

    def posts(self, communities: list[CommunityPlan], count: int) -> list[PostPlan]:
        rng = self.rng
        by_name = {c.spec.name: c for c in communities}
        posts = []
        for _language, category, title, body in content.ARTICLES[: max(2, min(10, count // 100))]:
            where = None
            if "#vélo" in body:
                where = "Vélo au travail"
            elif "hackathon" in title.lower():
                where = "Data & IA"
            if where:
                pool = [u for u in by_name[where].active() if self.people[u].kind != "guest"]
            else:
                pool = self.employees
            posts.append(
                PostPlan(self._pick(pool), where, body, self._when(), "article", title, category)
            )
        weights = [c.spec.activity * (len(c.active()) ** 0.5) for c in communities]
        in_communities = int(count * 0.55)
        for _ in range(count - len(posts)):
            community = None
            if len(posts) < in_communities:
                community = rng.choices(communities, weights=weights)[0]
            if community is not None:
                readers = community.active()
                author = self._pick(readers)
                theme = community.spec.theme
            else:
                readers = self.employees
                author = self._pick(self.employees)
                theme = "profile"
            language = self._language(author)
            body = self._fill(rng.choice(content.POSTS[theme][language]), language, readers, author)
            if rng.random() < 0.3:
                body += "\n\n" + rng.choice(content.EXTRAS[language])
            posts.append(
                PostPlan(author, community.spec.name if community else None, body, self._when())
            )
        for name in ("Onboarding", "Vélo au travail"):
            mine = [p for p in posts if p.community == name and p.kind == "post"]
            if mine:
                rng.choice(mine).pinned = True
        return posts

    def readers(self, post: PostPlan, by_name: dict[str, CommunityPlan]) -> list[str]:
        """Who may comment on and react to the post."""
        if post.community is None:
            return self.employees
        return by_name[post.community].active()

    def comments(self, posts, by_name) -> list[CommentPlan]:
        rng = self.rng
        comments: list[CommentPlan] = []
        for index, post in enumerate(posts):
            readers = self.readers(post, by_name)
            n = int(rng.expovariate(1 / (COMMENTS_PER_POST + 0.5)))
            if post.author == self.camille:
                n = max(n, 3)
            top: list[int] = []
            for _ in range(min(n, 30)):
                author = self._pick(readers)
                language = self._language(author)
                if top and rng.random() < 0.3:
                    parent = rng.choice(top)
                    if rng.random() < 0.5:
                        author = post.author
                    pool = content.REPLIES[language]
                    after = comments[parent].minutes_ago
                else:
                    parent, pool, after = None, content.COMMENTS[language], post.minutes_ago
                body = self._fill(rng.choice(pool), language, readers, author)
                minutes = max(1, after - int(rng.expovariate(1 / 300)) - 1)
                comments.append(CommentPlan(index, parent, author, body, minutes))
                if parent is None:
                    top.append(len(comments) - 1)
        return comments

    def reactions(self, posts, comments, by_name) -> list[ReactionPlan]:
        rng = self.rng
        kinds, kind_weights = zip(*REACTION_KINDS, strict=True)
        reactions = []

        def react(readers, author, mean, minutes_ago, post=None, comment=None):
            n = int(rng.expovariate(1 / mean)) if mean else 0
            if author == self.camille and post is not None:
                n = max(n, 5)
            pool = [u for u in readers if u != author]
            for user in rng.sample(pool, min(n, len(pool))):
                reactions.append(
                    ReactionPlan(
                        user,
                        post,
                        comment,
                        rng.choices(kinds, weights=kind_weights)[0],
                        max(0, minutes_ago - int(rng.expovariate(1 / 600))),
                    )
                )

        for index, post in enumerate(posts):
            react(
                self.readers(post, by_name),
                post.author,
                REACTIONS_PER_POST + 0.5,
                post.minutes_ago,
                post=index,
            )
        for index, comment in enumerate(comments):
            post = posts[comment.post]
            react(
                self.readers(post, by_name),
                comment.author,
                REACTIONS_PER_COMMENT + 0.2,
                comment.minutes_ago,
                comment=index,
            )
        return reactions

    def hashtag_follows(self) -> list[tuple[str, str]]:
        follows = [(self.camille, tag) for tag in CAMILLE_HASHTAGS]
        for u in self.employees:
            if u != self.camille and self.rng.random() < 0.15:
                for tag in self.rng.sample(POPULAR_TAGS, self.rng.randint(1, 3)):
                    follows.append((u, tag))
        return follows


def plan_conversations(
    people: list[Person], demo: dict[str, str], random_seed: int = 42, posts: int | None = None
) -> ConversationPlan:
    """`people` in a stable order (by username); `demo` maps the roles of DEMO_ACCOUNTS to
    usernames."""
    rng = random.Random(f"conversations-{random_seed}")
    planner = _Planner(rng, people, demo)
    communities = planner.communities()
    by_name = {c.spec.name: c for c in communities}
    employees = sum(1 for p in people if p.kind != "guest")
    post_plans = planner.posts(communities, posts or POSTS_PER_PERSON * employees)
    comments = planner.comments(post_plans, by_name)
    reactions = planner.reactions(post_plans, comments, by_name)
    return ConversationPlan(communities, post_plans, comments, reactions, planner.hashtag_follows())
