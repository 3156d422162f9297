"""Web pages for posts, comments, reactions, files and feeds (issue 3, items 1-4).

The permission matrix crosses community kinds (open, on request, secret) with kinds of viewer
(member, non-member employee, invited guest, uninvited guest, anonymous): what is secret is a
404 — exactly like something that does not exist — never a 403 that would confirm it exists.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.communities.models import Community
from agora.conversations.models import (
    Comment,
    HashtagFollow,
    Post,
    PostRevision,
    Reaction,
    TimelineEntry,
)
from agora.people.models import Follow
from tests.conversation_factories import (
    PNG,
    CommentFactory,
    CommunityFactory,
    PostFactory,
    add_member,
    attach,
    into_timeline,
    publish,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KINDS = ["open", "request", "secret"]
VIEWERS = ["member", "employee", "guest_member", "guest_outsider", "anonymous"]

# Who reads a community post, by community kind.
READS = {
    "open": {"member", "employee", "guest_member"},
    "request": {"member", "guest_member"},
    "secret": {"member", "guest_member"},
}
# Who may comment and react: active members only (employees read open communities).
INTERACTS = {"member", "guest_member"}


class World:
    """One community of a kind, a post in it with a file and a comment, and one viewer of
    each kind."""

    def __init__(self, kind):
        self.kind = kind
        self.owner = UserFactory(display_name="Owner Person")
        self.community = CommunityFactory(kind=kind, name=f"Club {kind}", slug=f"club-{kind}")
        add_member(self.community, self.owner, role="owner")
        self.users = {
            "member": UserFactory(display_name="Member Person"),
            "employee": UserFactory(display_name="Outsider Employee"),
            "guest_member": UserFactory(kind="guest", display_name="Guest Member"),
            "guest_outsider": UserFactory(kind="guest", display_name="Guest Outsider"),
            "anonymous": None,
        }
        add_member(self.community, self.users["member"])
        add_member(self.community, self.users["guest_member"])
        self.marker = f"MARKER-{kind}-BODY"
        self.post = PostFactory(
            author=self.owner, community=self.community, body=f"{self.marker} #matrix{kind}"
        )
        from agora.conversations.models import Hashtag, PostHashtag

        tag, _ = Hashtag.objects.get_or_create(
            key=f"matrix{kind}", defaults={"name": f"matrix{kind}"}
        )
        PostHashtag.objects.create(post=self.post, hashtag=tag, created_at=self.post.created_at)
        self.file = attach(self.post, name=f"plan-{kind}.pdf")
        self.comment = CommentFactory(post=self.post, author=self.owner, body=f"COMMENT-{kind}")
        # Stale timeline rows for everyone: reading must re-check visibility anyway.
        for user in self.users.values():
            if user is not None:
                into_timeline(user, self.post)


@pytest.fixture(params=KINDS)
def world(request):
    return World(request.param)


def _client(client_for, world, viewer):
    return client_for(world.users[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_post_page_file_and_comments(world, viewer, client_for):
    c = _client(client_for, world, viewer)
    post_url = f"/posts/{world.post.pk}/"
    file_url = f"/posts/{world.post.pk}/files/{world.file.pk}"
    page, download = c.get(post_url), c.get(file_url)
    if viewer == "anonymous":
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert download.status_code == 302
        return
    if viewer in READS[world.kind]:
        assert page.status_code == 200
        html = page.content.decode()
        assert world.marker in html and f"COMMENT-{world.kind}" in html
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    else:
        assert page.status_code == 404
        assert world.marker.encode() not in page.content
        assert download.status_code == 404
        reactions = c.get(f"/posts/{world.post.pk}/reactions")
        assert reactions.status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_commenting_and_reacting(world, viewer, client_for):
    c = _client(client_for, world, viewer)
    before = Comment.objects.count()
    comment = c.post(f"/posts/{world.post.pk}/comments", {"body": "Hello there"})
    react = c.post(f"/posts/{world.post.pk}/react", {"kind": "like"})
    reply_react = c.post(f"/comments/{world.comment.pk}/react", {"kind": "curious"})
    if viewer == "anonymous":
        assert comment.status_code == react.status_code == 302
        assert "/accounts/login/" in comment["Location"]
    elif viewer in INTERACTS:
        assert comment.status_code == 302
        assert Comment.objects.count() == before + 1
        assert Reaction.objects.filter(post=world.post, user=world.users[viewer]).exists()
        assert Reaction.objects.filter(comment=world.comment, user=world.users[viewer]).exists()
    elif viewer in READS[world.kind]:
        # An employee reading an open community: told to join, nothing written.
        assert comment.status_code == 302
        assert Comment.objects.count() == before
        assert not Reaction.objects.filter(user=world.users[viewer]).exists()
        page = c.get(f"/posts/{world.post.pk}/")
        assert b"Join Club open to comment and react" in page.content
    else:
        assert comment.status_code == react.status_code == reply_react.status_code == 404
        assert Comment.objects.count() == before
        assert not Reaction.objects.filter(user=world.users[viewer]).exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feeds(world, viewer, client_for):
    c = _client(client_for, world, viewer)
    pages = {
        "home": c.get("/"),
        "community": c.get(f"/communities/{world.community.slug}/"),
        "hashtag": c.get(f"/tags/matrix{world.kind}/"),
        "profile": c.get(f"/people/{world.owner.username}/posts/"),
    }
    if viewer == "anonymous":
        assert all(r.status_code == 302 for r in pages.values())
        return
    reads = viewer in READS[world.kind]
    for name, response in pages.items():
        if reads:
            assert response.status_code == 200, name
            assert world.marker.encode() in response.content, name
        else:
            assert world.marker.encode() not in response.content, name
            assert f"plan-{world.kind}.pdf".encode() not in response.content, name
    if not reads:
        assert pages["home"].status_code == pages["hashtag"].status_code == 200
        community_visible = world.kind == "request" and viewer == "employee"
        assert pages["community"].status_code == (200 if community_visible else 404)
        # The author is an employee the uninvited guest may not see at all.
        if viewer == "guest_outsider":
            assert pages["profile"].status_code == 404


@pytest.mark.parametrize("viewer", ["employee", "guest_outsider"])
def test_secret_community_is_never_named(viewer, client_for):
    world = World("secret")
    c = _client(client_for, world, viewer)
    for url in [
        "/",
        "/communities/",
        "/communities/?tab=all",
        "/tags/matrixsecret/",
        f"/people/{world.owner.username}/posts/" if viewer == "employee" else "/articles/",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert b"Club secret" not in response.content, url
        assert b"club-secret" not in response.content, url
    for url in [
        "/communities/club-secret/",
        "/communities/club-secret/members/",
        "/communities/club-secret/moderation/",
        "/communities/club-secret/edit",
        "/communities/club-secret/cover",
    ]:
        assert c.get(url).status_code == 404, url
    assert c.post("/communities/club-secret/join").status_code == 404


def test_guest_sees_only_their_communities_posts(client_for):
    guest = UserFactory(kind="guest")
    colleague = UserFactory()
    open_community = CommunityFactory(kind="open")
    mine = CommunityFactory(kind="request")
    add_member(mine, guest)
    add_member(mine, colleague)
    outside = [
        PostFactory(author=colleague, body="PROFILE-POST"),
        PostFactory(author=colleague, community=open_community, body="OPEN-POST"),
    ]
    inside = PostFactory(author=colleague, community=mine, body="EXTRANET-POST")
    into_timeline(guest, *outside, inside)
    c = client_for(guest)
    html = c.get("/").content.decode()
    assert "EXTRANET-POST" in html
    assert "PROFILE-POST" not in html and "OPEN-POST" not in html
    assert c.get(f"/posts/{outside[0].pk}/").status_code == 404
    assert c.get(f"/posts/{outside[1].pk}/").status_code == 404
    assert c.get(f"/communities/{open_community.slug}/").status_code == 404
    profile_feed = c.get(f"/people/{colleague.username}/posts/").content.decode()
    assert "EXTRANET-POST" in profile_feed and "PROFILE-POST" not in profile_feed
    # Guests have no profile to post on: the composer only offers their communities.
    composer = c.get("/posts/new").content.decode()
    assert ">My profile</option>" not in composer and mine.name in composer
    response = c.post("/posts/new", {"kind": "post", "body": "on my profile?", "community": ""})
    assert response.status_code == 200
    assert not Post.objects.filter(body="on my profile?").exists()


def test_deleted_and_hidden_posts_are_gone(client_for, employee):
    post = PostFactory(author=employee)
    attachment = attach(post)
    c = client_for(employee)
    assert c.get(f"/posts/{post.pk}/").status_code == 200
    Post.objects.filter(pk=post.pk).update(hidden_at=post.created_at)
    assert c.get(f"/posts/{post.pk}/").status_code == 404
    assert c.get(f"/posts/{post.pk}/files/{attachment.pk}").status_code == 404


# --- Files --------------------------------------------------------------------------------------


def test_files_are_served_safely(client_for, employee):
    post = PostFactory(author=employee)
    pdf = attach(post, name="report.pdf")
    png = attach(post, name="photo.png", content=PNG)
    c = client_for(employee)
    response = c.get(f"/posts/{post.pk}/files/{pdf.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    image = c.get(f"/posts/{post.pk}/files/{png.pk}")
    assert image["Content-Disposition"].startswith("inline")
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    # A file id under another post's address does not work.
    other = PostFactory(author=employee)
    assert c.get(f"/posts/{other.pk}/files/{pdf.pk}").status_code == 404
    page = c.get(f"/posts/{post.pk}/").content.decode()
    assert f'<img src="/posts/{post.pk}/files/{png.pk}"' in page
    assert f'href="/posts/{post.pk}/files/{pdf.pk}" download' in page


def test_composer_uploads_files(client_for, employee, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/posts/new",
            {
                "kind": "post",
                "body": "With files",
                "community": "",
                "attachments": [
                    SimpleUploadedFile("pic.png", PNG, content_type="image/png"),
                    SimpleUploadedFile("notes.txt", b"plain notes", content_type="text/plain"),
                ],
            },
        )
    post = Post.objects.get(body="With files")
    assert response.status_code == 302 and response["Location"] == f"/posts/{post.pk}/"
    assert sorted(a.name for a in post.attachments.all()) == ["notes.txt", "pic.png"]
    # Markup disguised as text is refused, and the error sits next to the field.
    response = c.post(
        "/posts/new",
        {
            "kind": "post",
            "body": "Bad file",
            "community": "",
            "attachments": [SimpleUploadedFile("x.txt", b"<script>alert(1)</script>")],
        },
    )
    assert response.status_code == 200
    assert b"this type of file is not accepted" in response.content
    assert b'id="id_attachments_error"' in response.content
    assert not Post.objects.filter(body="Bad file").exists()


# --- Markdown, XSS ------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=\"alert('xss-2')\">",
    "[click](javascript:alert('xss-3'))",
    "<a href=\"javascript:alert('xss-4')\">x</a>",
    "<svg onload=alert('xss-5')>",
    '"><script>alert("xss-6")</script>',
]


def _dangerous(html: str) -> list:
    """Elements that could run script: inline scripts, on* handlers, javascript: URLs."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name.startswith("on"):
                    found.append((tag, name, value))
                if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"
                ):
                    found.append((tag, name, value))
            if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
                found.append((tag, attrs))

    Finder().feed(html)
    return found


def test_script_in_posts_and_comments_is_escaped(client_for, employee, other_employee):
    Follow.objects.create(follower=other_employee, followee=employee)
    c = client_for(employee)
    for payload in PAYLOADS:
        c.post("/posts/new", {"kind": "post", "body": payload, "community": ""})
    c.post(
        "/posts/new",
        {"kind": "article", "title": "<script>alert('xss-title')</script>", "body": "t"},
    )
    post = Post.objects.filter(author=employee).first()
    for payload in PAYLOADS:
        c.post(f"/posts/{post.pk}/comments", {"body": payload})
    assert Post.objects.filter(author=employee).count() == len(PAYLOADS) + 1
    pages = [
        client_for(other_employee).get("/"),
        c.get(f"/posts/{post.pk}/"),
        c.get(f"/people/{employee.username}/posts/"),
        c.get("/articles/"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html
        assert _dangerous(html) == []
    assert "&lt;script&gt;alert(&#x27;xss-title&#x27;)&lt;/script&gt;" in pages[3].content.decode()


def test_author_name_is_escaped(client_for, employee):
    evil = UserFactory(display_name="<script>alert('name')</script>")
    PostFactory(author=evil, body="hello")
    html = client_for(employee).get(f"/people/{evil.username}/posts/").content.decode()
    assert "<script>alert('name')" not in html
    assert "&lt;script&gt;" in html


# --- Writing, editing, deleting, pinning --------------------------------------------------------


def test_article_needs_a_title_and_errors_show_next_to_fields(client_for, employee):
    c = client_for(employee)
    response = c.post("/posts/new", {"kind": "article", "title": "", "body": "Long text"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_title_error"' in html and "An article needs a title." in html
    response = c.post("/posts/new", {"kind": "post", "body": "   "})
    assert b'id="id_body_error"' in response.content


def test_community_chooser_lists_only_my_communities(client_for, employee):
    mine = CommunityFactory(name="Mine club")
    add_member(mine, employee)
    CommunityFactory(name="Not mine club")
    c = client_for(employee)
    html = c.get("/posts/new").content.decode()
    assert "Mine club" in html and "Not mine club" not in html
    c.post("/posts/new", {"kind": "post", "body": "in mine", "community": mine.slug})
    assert Post.objects.get(body="in mine").community == mine


def test_posting_in_a_community_from_its_page(
    client_for, employee, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    add_member(community, employee)
    c = client_for(employee)
    page = c.get(f"/communities/{community.slug}/").content.decode()
    assert f'name="community" value="{community.slug}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/posts/new",
            {
                "kind": "post",
                "body": "Hello club",
                "community": community.slug,
                "next": f"/communities/{community.slug}/",
            },
        )
    assert response["Location"] == f"/communities/{community.slug}/"
    assert "Hello club" in c.get(response["Location"]).content.decode()
    # An open redirect through `next` is refused.
    response = c.post(
        "/posts/new",
        {"kind": "post", "body": "elsewhere", "community": "", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith("/posts/")


def test_edit_keeps_and_shows_history(client_for, employee, other_employee):
    post = PostFactory(author=employee, body="First version")
    c = client_for(employee)
    assert c.get(f"/posts/{post.pk}/edit").status_code == 200
    response = c.post(f"/posts/{post.pk}/edit", {"body": "Second version"})
    assert response.status_code == 302
    assert PostRevision.objects.filter(post=post, body="First version").exists()
    html = c.get(f"/posts/{post.pk}/").content.decode()
    assert "Second version" in html and "First version" in html and "edited" in html
    other = client_for(other_employee)
    assert other.get(f"/posts/{post.pk}/edit").status_code == 403
    assert other.post(f"/posts/{post.pk}/edit", {"body": "hijack"}).status_code == 403
    post.refresh_from_db()
    assert post.body == "Second version"


def test_delete_by_author_moderator_but_not_others(client_for):
    owner, moderator, member, author = (UserFactory() for _ in range(4))
    community = CommunityFactory()
    add_member(community, owner, role="owner")
    add_member(community, moderator, role="moderator")
    add_member(community, member)
    add_member(community, author)
    posts = [PostFactory(author=author, community=community) for _ in range(3)]
    member_client = client_for(member)
    page = member_client.get(f"/posts/{posts[0].pk}/").content.decode()
    assert "Delete…" not in page and "Pin in the community" not in page
    assert member_client.post(f"/posts/{posts[0].pk}/delete").status_code == 403
    mod_page = client_for(moderator).get(f"/posts/{posts[0].pk}/").content.decode()
    assert "Delete…" in mod_page and "Pin in the community" in mod_page and ">Edit<" not in mod_page
    response = client_for(moderator).post(f"/posts/{posts[0].pk}/delete")
    assert response["Location"] == f"/communities/{community.slug}/"
    response = client_for(author).post(
        f"/posts/{posts[1].pk}/delete", {"next": f"/posts/{posts[1].pk}/"}
    )
    assert response["Location"] == f"/communities/{community.slug}/"
    assert Post.objects.filter(deleted_at__isnull=False).count() == 2
    assert client_for(author).get(f"/posts/{posts[1].pk}/").status_code == 404


def test_moderator_pins_a_post(client_for):
    moderator, member = UserFactory(), UserFactory()
    community = CommunityFactory()
    add_member(community, moderator, role="moderator")
    add_member(community, member)
    post = PostFactory(author=member, community=community, body="Read this first")
    assert client_for(member).post(f"/posts/{post.pk}/pin").status_code == 302
    post.refresh_from_db()
    assert post.pinned_at is None
    client_for(moderator).post(f"/posts/{post.pk}/pin", {"action": "pin"})
    post.refresh_from_db()
    assert post.pinned_at is not None
    html = client_for(member).get(f"/communities/{community.slug}/").content.decode()
    assert 'id="pinned-title"' in html and "is-pinned" in html
    client_for(moderator).post(f"/posts/{post.pk}/pin", {"action": "unpin"})
    post.refresh_from_db()
    assert post.pinned_at is None


def test_quote_shows_only_to_readers_of_the_quoted_post(client_for):
    insider, outsider = UserFactory(), UserFactory()
    secret = CommunityFactory(kind="secret")
    add_member(secret, insider)
    hidden = PostFactory(author=insider, community=secret, body="SECRET-QUOTED-TEXT")
    quoting = PostFactory(author=insider, body="Look at this", quoted=hidden)
    into_timeline(outsider, quoting)
    assert "SECRET-QUOTED-TEXT" in client_for(insider).get(f"/posts/{quoting.pk}/").content.decode()
    for url in [f"/posts/{quoting.pk}/", "/"]:
        html = client_for(outsider).get(url).content.decode()
        assert "Look at this" in html
        assert "SECRET-QUOTED-TEXT" not in html
        assert "The quoted post is not available." in html


def test_quote_from_the_composer(client_for, employee, other_employee):
    original = PostFactory(author=other_employee, body="Original thought")
    c = client_for(employee)
    html = c.get(f"/posts/new?quote={original.pk}").content.decode()
    assert "Original thought" in html and f'value="{original.pk}"' in html
    c.post(
        "/posts/new", {"kind": "post", "body": "I agree", "community": "", "quoted": original.pk}
    )
    assert Post.objects.get(body="I agree").quoted == original


def test_referenced_by_backlinks(client_for, employee, django_capture_on_commit_callbacks):
    target = PostFactory(author=employee, body="Target post")
    c = client_for(employee)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/posts/new",
            {"kind": "post", "body": f"See /posts/{target.pk}/ please", "community": ""},
        )
    html = c.get(f"/posts/{target.pk}/").content.decode()
    assert "Referenced by" in html and "See /posts/" in html


# --- Mentions, hashtags -------------------------------------------------------------------------


def test_mention_becomes_a_link_and_notifies(
    client_for, employee, django_capture_on_commit_callbacks
):
    ana = UserFactory(username="ana", display_name="Ana Lima")
    c = client_for(employee)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/posts/new", {"kind": "post", "body": "Thanks @ana for #python tips", "community": ""}
        )
    post = Post.objects.get()
    html = c.get(f"/posts/{post.pk}/").content.decode()
    assert '<a href="/people/ana/"' in html
    assert '<a href="/tags/python/"' in html
    assert "mentioned you" in client_for(ana).get("/notifications/").content.decode()


def test_mention_suggestions_and_completion(client_for, employee):
    UserFactory(username="ana.lima", display_name="Ana Lima")
    c = client_for(employee)
    html = c.get("/mentions/suggest", {"body": "Hello @ana"}).content.decode()
    assert "Ana Lima" in html and "@ana.lima" in html and "hx-post" in html
    assert c.get("/mentions/suggest", {"body": "no mention here"}).content.strip() == b""
    completed = c.post(
        "/mentions/complete", {"body": "Hello @an", "username": "ana.lima", "rows": "5"}
    ).content.decode()
    assert 'id="id_body"' in completed and "Hello @ana.lima </textarea>" in completed
    # Guests don't get the directory through the suggestions.
    guest = UserFactory(kind="guest")
    assert b"Ana Lima" not in client_for(guest).get("/mentions/suggest", {"body": "@ana"}).content


def test_hashtag_follow_fills_the_home_feed(
    client_for, employee, other_employee, django_capture_on_commit_callbacks
):
    c = client_for(other_employee)
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/posts/new", {"kind": "post", "body": "All about #Kubernetes", "community": ""})
    me = client_for(employee)
    assert "All about" not in me.get("/").content.decode()
    page = me.get("/tags/kubernetes/").content.decode()
    assert "All about" in page and "Follow #Kubernetes" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post("/tags/kubernetes/follow", {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.content.decode()
    assert HashtagFollow.objects.filter(user=employee).count() == 1
    home = me.get("/").content.decode()
    assert "All about" in home and "#Kubernetes" in home
    me.post("/tags/kubernetes/follow", {"action": "unfollow"})
    assert not HashtagFollow.objects.filter(user=employee).exists()
    # An unknown or malformed tag: the page works (nothing leaks), a malformed one is a 404.
    assert me.get("/tags/nobodyusesthis/").status_code == 200
    assert me.get("/tags/12345/").status_code == 404


# --- Reactions, comments ------------------------------------------------------------------------


def test_reaction_toggle_with_htmx(client_for, employee, other_employee):
    post = PostFactory(author=other_employee)
    c = client_for(employee)
    html = c.post(
        f"/posts/{post.pk}/react", {"kind": "like"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="react-post-{post.pk}-like"' in html
    assert 'aria-pressed="true"' in html and "1 reaction" in html
    html = c.post(
        f"/posts/{post.pk}/react", {"kind": "celebrate"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert Reaction.objects.get(user=employee).kind == "celebrate"
    assert html.count('aria-pressed="true"') == 1
    html = c.post(
        f"/posts/{post.pk}/react", {"kind": "celebrate"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-pressed="true"' not in html and "0 reactions" in html
    # Without htmx: back to where the person was.
    response = c.post(f"/posts/{post.pk}/react", {"kind": "like", "next": "/"})
    assert response["Location"] == "/"
    who = c.get(f"/posts/{post.pk}/reactions").content.decode()
    assert employee.profile.display_name in who or employee.username in who
    fragment = c.get(f"/posts/{post.pk}/reactions?kind=curious", HTTP_HX_REQUEST="true")
    assert b"No reactions yet." in fragment.content


def test_comments_and_replies(client_for, employee, other_employee):
    post = PostFactory(author=other_employee)
    c = client_for(employee)
    html = c.post(
        f"/posts/{post.pk}/comments", {"body": "First!"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="comments"' in html and "First!" in html and "1 comment" in html
    top = Comment.objects.get()
    html = c.post(
        f"/posts/{post.pk}/comments", {"body": "A reply", "parent": top.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'class="replies"' in html and "A reply" in html
    reply = Comment.objects.get(body="A reply")
    assert reply.parent == top
    # A reply to a reply lands in the same thread (one level).
    c.post(f"/posts/{post.pk}/comments", {"body": "Deeper", "parent": reply.pk})
    assert Comment.objects.get(body="Deeper").parent == top
    # Edit and delete: the author only.
    other = client_for(other_employee)
    assert other.get(f"/comments/{top.pk}/edit").status_code == 403
    c.post(f"/comments/{top.pk}/edit", {"body": "First, edited"})
    top.refresh_from_db()
    assert top.body == "First, edited"
    assert other.post(f"/comments/{top.pk}/delete").status_code == 403
    c.post(f"/comments/{reply.pk}/delete")
    assert "A reply" not in c.get(f"/posts/{post.pk}/").content.decode()
    # An empty comment is an error next to the field.
    html = c.post(
        f"/posts/{post.pk}/comments", {"body": ""}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "field-error" in html


# --- Feeds: cursor, new posts -------------------------------------------------------------------


def test_home_feed_cursor_and_new_posts_indicator(client_for, employee, other_employee, settings):
    settings.AGORA_PAGE_SIZE = 5
    Follow.objects.create(follower=employee, followee=other_employee)
    posts = [PostFactory(author=other_employee, body=f"Feed post {i:02d}") for i in range(12)]
    into_timeline(employee, *posts)
    c = client_for(employee)
    html = c.get("/").content.decode()
    assert "Feed post 11" in html and "Feed post 06" not in html
    assert 'id="feed-more"' in html and 'hx-get="/?cursor=' in html
    assert 'aria-live="polite"' in html and 'hx-trigger="every 30s"' in html
    cursor = html.split('hx-get="/?cursor=')[1].split('"')[0]
    from urllib.parse import unquote

    more = c.get("/?cursor=" + unquote(cursor), HTTP_HX_REQUEST="true").content.decode()
    assert "Feed post 06" in more and "Feed post 11" not in more and "<html" not in more
    # A forged cursor serves the first page instead of an error.
    assert "Feed post 11" in c.get("/?cursor=forged!!").content.decode()
    since = posts[-1].created_at.isoformat()
    assert c.get("/feed/new", {"since": since}).content.strip() == b""
    newer = PostFactory(author=other_employee, body="Brand new")
    into_timeline(employee, newer)
    assert "1 new post" in c.get("/feed/new", {"since": since}).content.decode()
    assert c.get("/feed/new", {"since": "garbage"}).status_code == 200


def test_articles_page(client_for, employee):
    from agora.conversations.models import Category

    news = Category.objects.create(name="News", slug="news")
    PostFactory(author=employee, kind="article", title="Big news", category=news, body="Body")
    PostFactory(author=employee, body="Just a post")
    html = client_for(employee).get("/articles/").content.decode()
    assert "Big news" in html and "Just a post" not in html
    assert "Big news" in client_for(employee).get("/articles/?category=news").content.decode()
    assert "Big news" not in client_for(employee).get("/articles/?category=other").content.decode()


# --- Query counts: fixed whatever the length ----------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _rich_posts(viewer, n, community=None, start=0):
    """Posts by distinct followed authors, with a file, a quote, a reaction and a comment each,
    so every prefetch of a card is exercised."""
    posts = []
    for i in range(start, start + n):
        author = UserFactory()
        Follow.objects.get_or_create(follower=viewer, followee=author)
        if community is not None:
            add_member(community, author)
        post = PostFactory(author=author, community=community, body=f"rich {i} #tag{i % 3}")
        attach(post, name=f"f{i}.png", content=PNG)
        if posts:
            Post.objects.filter(pk=post.pk).update(quoted=posts[-1])
        Reaction.objects.create(user=viewer, post=post, kind="like")
        CommentFactory(post=post)
        posts.append(post)
    into_timeline(viewer, *posts)
    return posts


def test_home_feed_query_count_is_fixed(client_for, employee):
    c = client_for(employee)
    _rich_posts(employee, 3)
    small = _queries(c, "/")
    _rich_posts(employee, 12, start=3)
    assert TimelineEntry.objects.filter(user=employee).count() == 15
    assert small == _queries(c, "/")


def test_home_feed_cards_show_files_quotes_and_the_viewers_reaction(client_for, employee):
    # The web feeds read only what a card shows (services.shape_cards): the parts that come
    # from other rows still show, and a card without files has no file list.
    rich = _rich_posts(employee, 2)
    plain = PostFactory(author=rich[0].author, body="nothing attached")
    into_timeline(employee, plain)
    html = client_for(employee).get("/").content.decode()
    newest = rich[1]
    assert f'id="react-post-{newest.pk}-like" class="reaction-button is-pressed"' in html
    assert f'id="react-post-{plain.pk}-like" class="reaction-button" aria-pressed="false"' in html
    file = newest.attachments.get()
    assert f'href="/posts/{newest.pk}/files/{file.pk}"' in html and "f1.png" in html
    assert f'cite="/posts/{rich[0].pk}/"' in html  # the quoted post
    card = html.split(f'id="post-{plain.pk}"', 1)[1].split("</article>", 1)[0]
    assert 'class="attachments"' not in card and "nothing attached" in card


def test_community_feed_query_count_is_fixed(client_for, employee):
    community = CommunityFactory()
    add_member(community, employee)
    c = client_for(employee)
    _rich_posts(employee, 3, community=community)
    small = _queries(c, f"/communities/{community.slug}/")
    _rich_posts(employee, 12, community=community, start=3)
    assert small == _queries(c, f"/communities/{community.slug}/")


def test_profile_and_hashtag_feed_query_counts_are_fixed(client_for, employee):
    author = UserFactory()
    c = client_for(employee)
    for i in range(3):
        publish_like(author, f"#same post {i}")
    small = (_queries(c, f"/people/{author.username}/posts/"), _queries(c, "/tags/same/"))
    for i in range(12):
        publish_like(author, f"#same post {i + 3}")
    assert small == (_queries(c, f"/people/{author.username}/posts/"), _queries(c, "/tags/same/"))


def publish_like(author, body):
    from agora.conversations.models import Hashtag, PostHashtag

    post = PostFactory(author=author, body=body)
    tag, _ = Hashtag.objects.get_or_create(key="same", defaults={"name": "same"})
    PostHashtag.objects.create(post=post, hashtag=tag, created_at=post.created_at)
    return post


def test_post_page_query_count_is_fixed(client_for, employee):
    community = CommunityFactory()
    add_member(community, employee)
    post = PostFactory(author=employee, community=community)
    attach(post)
    c = client_for(employee)

    def comments(n):
        for _ in range(n):
            author = UserFactory()
            top = CommentFactory(post=post, author=author)
            CommentFactory(post=post, author=UserFactory(), parent=top)
            Reaction.objects.create(user=employee, comment=top, kind="insightful")

    comments(3)
    small = _queries(c, f"/posts/{post.pk}/")
    comments(12)
    assert Comment.objects.filter(post=post, parent__isnull=True).count() == 15
    assert small == _queries(c, f"/posts/{post.pk}/")


def test_publish_through_the_service_fans_out(
    employee, other_employee, django_capture_on_commit_callbacks
):
    Follow.objects.create(follower=other_employee, followee=employee)
    with django_capture_on_commit_callbacks(execute=True):
        post = publish(employee, "fan out")
    assert TimelineEntry.objects.filter(post=post, user=other_employee).exists()
    assert Community.objects.count() == 0


def test_question_and_article_cards_cost_no_query_each(client_for, employee):
    # A question's card shows its answer count and whether one is accepted (qa.Question, read
    # in the cards' statement), an article its title and category: none of it per card.
    from agora.qa import services as qa_services

    c = client_for(employee)

    def questions(n, start):
        for i in range(start, start + n):
            author = UserFactory()
            Follow.objects.get_or_create(follower=employee, followee=author)
            question = qa_services.ask_question(
                author, title=f"Question {i} about VPN?", body="Body", tags=["vpn"]
            )
            article = PostFactory(author=author, kind="article", title=f"Article {i}")
            into_timeline(employee, question.post, article)

    questions(1, 0)
    small = _queries(c, "/")
    questions(6, 1)
    html = c.get("/").content.decode()
    assert "Question 6 about VPN?" in html and "Article 6" in html
    assert "0 answers: see the question" in html
    assert small == _queries(c, "/")
