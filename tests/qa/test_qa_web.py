"""Question pages in the web UI: asking (with similar questions), the question page (votes,
answers, accept, comments, who was asked), editing with history, closing as a duplicate, the
lists and the unanswered queue, htmx fragments, and the same visibility matrix as the API."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from agora.conversations.models import Post
from agora.qa import votes
from agora.qa.models import Answer, ExpertRequest, Question, Vote
from tests.api_factories import employee
from tests.qa.helpers import answer, ask
from tests.qa.test_qa_api import MATRIX, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_ask_a_question_through_the_form(client_for):
    ana = employee()
    ask(employee(), "How do I rotate the VPN certificates?", tags=["vpn"])
    c = client_for(ana)
    page = c.get("/questions/ask/")
    assert page.status_code == 200 and b"Your question" in page.content
    # similar questions as the title is typed (htmx fragment)
    frag = c.get("/questions/similar", {"title": "rotate vpn certificate"}, **HTMX)
    assert b"How do I rotate the VPN certificates?" in frag.content
    assert b"No similar" in c.get("/questions/similar", {"title": "cafeteria menu"}).content
    # a failed submit shows the errors and the similar questions (works without JavaScript)
    r = c.post("/questions/ask/", {"title": "Rotate vpn certificate?", "body": "", "tags": ""})
    assert r.status_code == 200 and b"How do I rotate the VPN certificates?" in r.content
    r = c.post(
        "/questions/ask/",
        {
            "title": "How do I rotate VPN certificates on a Mac?",
            "body": "Details **here**",
            "tags": "vpn, macos",
            "community": "",
        },
    )
    q = Question.objects.get(post__author=ana)
    assert r.status_code == 302 and r["Location"] == f"/questions/{q.pk}/"
    page = c.get(r["Location"])
    assert b"How do I rotate VPN certificates on a Mac?" in page.content
    assert b"<strong>here</strong>" in page.content and b"#macos" in page.content
    # the asker sees the experts box
    assert b"Who was asked to help" in page.content


def test_the_question_page_and_post_links(client_for):
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana, "How do I rotate the VPN certificates?")
    a = answer(bob, q, "Use the **renewal** script")
    ExpertRequest.objects.create(question=q, expert=bob, reason="2 answers on these topics")
    # a question post's permalink leads to the question page, its edit link to the question's
    assert client_for(cyd).get(f"/posts/{q.pk}/")["Location"] == f"/questions/{q.pk}/"
    assert client_for(ana).get(f"/posts/{q.pk}/edit")["Location"] == f"/questions/{q.pk}/edit"
    page = client_for(ana).get(f"/questions/{q.pk}/").content.decode()
    assert "<strong>renewal</strong>" in page and f'id="answer-{a.pk}"' in page
    assert "Accept this answer" in page and "2 answers on these topics" in page
    other = client_for(cyd).get(f"/questions/{q.pk}/").content.decode()
    assert "Accept this answer" not in other and "Who was asked" not in other
    assert "2 answers on these topics" not in other
    assert "You were asked" in client_for(bob).get(f"/questions/{q.pk}/").content.decode()
    # the feed card shows it as a question
    feed = client_for(ana).get("/").content.decode()
    assert f'href="/questions/{q.pk}/"' in feed and "1 answer: see the question" in feed


def test_vote_and_accept_with_and_without_htmx(client_for):
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    a = answer(bob, q)
    c = client_for(cyd)
    r = c.post(f"/questions/answers/{a.pk}/vote", {"value": "up"}, **HTMX)
    assert r.status_code == 200 and b'aria-pressed="true"' in r.content
    assert f'id="answer-{a.pk}-vote"'.encode() in r.content
    r = c.post(f"/questions/{q.pk}/vote", {"value": "down"})
    assert r.status_code == 302
    assert Vote.objects.get(question=q).value == -1 and Answer.objects.get(pk=a.pk).score == 1
    # own answer: refused, said next to the buttons
    r = client_for(bob).post(f"/questions/answers/{a.pk}/vote", {"value": "up"}, **HTMX)
    assert b"You cannot vote on what you wrote." in r.content
    # accept: only the asker
    assert client_for(cyd).post(f"/questions/answers/{a.pk}/accept").status_code == 302
    assert Question.objects.get(pk=q.pk).accepted_answer_id is None
    r = client_for(ana).post(f"/questions/answers/{a.pk}/accept", **HTMX)
    assert r.status_code == 200 and b"Accepted answer" in r.content and b'id="answers"' in r.content
    assert Question.objects.get(pk=q.pk).accepted_answer_id == a.pk
    client_for(ana).post(f"/questions/answers/{a.pk}/accept", {"action": "unaccept"})
    assert Question.objects.get(pk=q.pk).accepted_answer_id is None


def test_answer_edit_history_comments_and_delete(client_for):
    ana, bob = employee(), employee()
    q = ask(ana)
    c = client_for(bob)
    r = c.post(f"/questions/{q.pk}/answers", {"body": ""})
    assert r.status_code == 200 and b"This field is required" in r.content
    r = c.post(f"/questions/{q.pk}/answers", {"body": "First version"})
    a = Answer.objects.get()
    assert r["Location"] == f"/questions/{q.pk}/#answer-{a.pk}"
    assert client_for(ana).get(f"/questions/answers/{a.pk}/edit").status_code == 403
    c.post(f"/questions/answers/{a.pk}/edit", {"body": "Second version"})
    history = c.get(f"/questions/answers/{a.pk}/history").content
    assert b"First version" in history and b"Second version" in history
    client_for(ana).post(f"/questions/answers/{a.pk}/comments", {"body": "Which script exactly?"})
    assert b"Which script exactly?" in c.get(f"/questions/{q.pk}/").content
    c.post(f"/questions/answers/{a.pk}/delete")
    assert Answer.objects.get().deleted_at is not None
    # the question: edit and history
    client_for(ana).post(
        f"/questions/{q.pk}/edit",
        {"title": "How do I renew the VPN certificates?", "body": "Updated", "tags": "vpn"},
    )
    assert Post.objects.get(pk=q.pk).title == "How do I renew the VPN certificates?"
    history = c.get(f"/questions/{q.pk}/history").content
    assert b"How do I rotate the VPN certificates?" in history


def test_close_as_duplicate_and_reopen_in_the_web(client_for):
    ana, bob = employee(), employee()
    original = ask(bob, "How do I rotate the VPN certificates?")
    q = ask(ana, "How can I renew my VPN certificate?")
    c = client_for(ana)
    c.post(
        f"/questions/{q.pk}/duplicate",
        {"duplicate_of": f"http://testserver/questions/{original.pk}/"},
    )
    assert Question.objects.get(pk=q.pk).duplicate_of_id == original.pk
    page = c.get(f"/questions/{q.pk}/").content.decode()
    assert "closed as a duplicate of" in page and f'href="/questions/{original.pk}/"' in page
    assert (
        "How can I renew my VPN certificate?"
        in c.get(f"/questions/{original.pk}/").content.decode()
    )
    assert b"takes no new answers" in client_for(bob).get(f"/questions/{q.pk}/").content
    client_for(bob).post(f"/questions/{q.pk}/reopen")  # not the asker: refused
    assert Question.objects.get(pk=q.pk).closed_at is not None
    c.post(f"/questions/{q.pk}/reopen")
    assert Question.objects.get(pk=q.pk).closed_at is None


def test_lists_and_the_unanswered_queue(client_for):
    ana, bob = employee(), employee()
    q1 = ask(ana, "First question about the vpn?", tags=["vpn"])
    q2 = ask(ana, "Second question about payroll?", tags=["payroll"])
    a = answer(bob, q2)
    votes.accept(ana, a.pk)
    c = client_for(bob)
    page = c.get("/questions/").content.decode()
    assert "First question about the vpn?" in page and "Second question about payroll?" in page
    assert 'href="/questions/"' in page  # the navigation entry
    tagged = c.get("/questions/?tag=vpn").content.decode()
    assert "First question" in tagged and "Second question" not in tagged
    assert (
        c.get("/questions/?sort=unanswered&tag=vpn")["Location"] == "/questions/unanswered/?tag=vpn"
    )
    queue = c.get("/questions/unanswered/").content.decode()
    assert "First question" in queue and "Second question" not in queue
    queue = c.get("/questions/unanswered/?older_than=3").content.decode()
    assert "First question" not in queue
    assert "A number of days" in c.get("/questions/unanswered/?older_than=-1").content.decode()
    assert q1.pk


@pytest.mark.parametrize("who", list(MATRIX))
def test_web_visibility_matrix(client_for, world, who):  # noqa: F811
    c = client_for(world["people"][who])
    allowed = MATRIX[who]
    listing = c.get("/questions/?tag=matrix").content.decode()
    queue = c.get("/questions/unanswered/?mode=no_accepted&tag=matrix").content.decode()
    similar = c.get("/questions/similar?title=question+asked+place").content.decode()
    for key, q in world["questions"].items():
        a = world["answers"][key]
        title = f"A question asked in the {key} place?"
        assert (title in listing) == (key in allowed), (who, key)
        assert (title in queue) == (key in allowed), (who, key)
        if key not in allowed:
            assert title not in similar
        expect = 200 if key in allowed else 404
        for url in (
            f"/questions/{q.pk}/",
            f"/questions/{q.pk}/history",
            f"/questions/answers/{a.pk}/history",
        ):
            assert c.get(url).status_code == expect, (who, key, url)
        if key not in allowed:
            assert c.get(f"/posts/{q.pk}/").status_code == 404
            for url, data in (
                (f"/questions/{q.pk}/answers", {"body": "x"}),
                (f"/questions/{q.pk}/vote", {"value": "up"}),
                (f"/questions/answers/{a.pk}/vote", {"value": "up"}),
                (f"/questions/answers/{a.pk}/accept", {}),
                (f"/questions/answers/{a.pk}/comments", {"body": "x"}),
                (f"/questions/{q.pk}/duplicate", {"duplicate_of": "1"}),
            ):
                assert c.post(url, data).status_code == 404, (who, key, url)


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    q = ask(employee())
    for url in ("/questions/", f"/questions/{q.pk}/", "/questions/unanswered/", "/questions/ask/"):
        r = client_for(None).get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_ask_page_hints_in_the_readers_language(client_for):
    # the tags hint is formatted when shown: formatted at import it stayed in English
    page = client_for(employee(language="fr")).get("/questions/ask/").content.decode()
    assert "à 5, séparés par des espaces ou des virgules" in page
    page = client_for(employee(language="en")).get("/questions/ask/").content.decode()
    assert "Up to 5, separated by spaces or commas" in page


def test_the_askers_name_links_to_their_profile(client_for):
    ana, bob = employee(), employee()
    q = ask(ana, "Who rotates the VPN certificates?")
    profile_url = reverse("people:profile", args=[ana.username])
    link = f'<a href="{profile_url}">{escape(ana.profile.display_name)}</a>'
    c = client_for(bob)
    page = c.get(f"/questions/{q.pk}/").content.decode()
    assert f"Asked by {link}" in page
    assert f"asked by {link}" in c.get("/questions/").content.decode()
    assert f"asked by {link}" in c.get("/questions/unanswered/").content.decode()
    assert c.get(profile_url).status_code == 200
    page = client_for(employee(language="fr")).get(f"/questions/{q.pk}/").content.decode()
    assert f"Posée par {link}" in page


def test_a_guest_sees_the_askers_link_as_on_post_cards(client_for, world):  # noqa: F811
    # The extranet question's asker is a fellow member: the guest may open their profile.
    extern, owner = world["people"]["guest"], world["people"]["owner"]
    c = client_for(extern)
    page = c.get(f"/questions/{world['questions']['extranet'].pk}/").content.decode()
    profile_url = reverse("people:profile", args=[owner.username])
    assert f'Asked by <a href="{profile_url}">' in page
    assert c.get(profile_url).status_code == 200
    # Someone the guest may not see stays hidden behind the link, as from a post card.
    assert (
        c.get(reverse("people:profile", args=[world["people"]["outsider"].username])).status_code
        == 404
    )


def test_the_answerers_name_links_to_their_profile(client_for):
    ana, bob = employee(), employee()
    q = ask(ana, "Who renews the TLS certificates?")
    answer(bob, q, "The platform team, every 60 days.")
    profile_url = reverse("people:profile", args=[bob.username])
    link = f'<a href="{profile_url}">{escape(bob.profile.display_name)}</a>'
    assert f"answered by {link}" in client_for(ana).get(f"/questions/{q.pk}/").content.decode()
    page = client_for(employee(language="fr")).get(f"/questions/{q.pk}/").content.decode()
    assert f"réponse de {link}" in page
