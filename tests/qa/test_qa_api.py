"""API v1 for questions and answers: the whole flow, the error shape, and the visibility
matrix (the same rules as the web pages, see test_qa_web.py)."""

import pytest

from agora.qa.models import ExpertRequest, Question
from tests.api_factories import add_member, committed, employee, guest, make_community, send
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


def test_ask_answer_vote_accept_through_the_api(client_for):
    ana, bob, cyd = employee(username="ana"), employee(username="bob"), employee(username="cyd")
    a, b, c = client_for(ana), client_for(bob), client_for(cyd)
    with committed():
        r = send(
            a,
            "post",
            "/api/v1/questions",
            {
                "title": "How do I rotate the VPN certificates?",
                "body": "Mine **expired**",
                "tags": ["vpn", "security"],
            },
        )
    assert r.status_code == 201, r.content
    q = r.json()
    assert q["title"] == "How do I rotate the VPN certificates?"
    assert sorted(q["tags"]) == ["security", "vpn"] and "<strong>" in q["body_html"]
    assert q["url"] == f"/questions/{q['id']}/" and q["answer_count"] == 0 and q["score"] == 0
    assert "community" not in q and q["author"]["username"] == "ana"

    with committed():
        r = send(b, "post", f"/api/v1/questions/{q['id']}/answers", {"body": "Run `renew.sh`"})
    assert r.status_code == 201, r.content
    ans = r.json()
    assert ans["question_id"] == q["id"] and not ans["is_accepted"] and "<code>" in ans["body_html"]

    assert send(c, "post", f"/api/v1/answers/{ans['id']}/vote", {"value": "up"}).json() == {
        "vote": "up",
        "score": 1,
    }
    assert send(c, "post", f"/api/v1/answers/{ans['id']}/vote", {"value": "up"}).json() == {
        "vote": None,
        "score": 0,
    }
    r = send(b, "post", f"/api/v1/answers/{ans['id']}/vote", {"value": "up"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert (
        send(c, "post", f"/api/v1/questions/{q['id']}/vote", {"value": "down"}).json()["score"]
        == -1
    )

    assert send(b, "put", f"/api/v1/answers/{ans['id']}/accept").status_code == 403
    r = send(a, "put", f"/api/v1/answers/{ans['id']}/accept")
    assert r.status_code == 200 and r.json()["is_accepted"] is True
    got = send(c, "get", f"/api/v1/questions/{q['id']}").json()
    assert got["accepted_answer_id"] == ans["id"] and got["answer_count"] == 1
    assert got["viewer_vote"] == "down"

    r = send(c, "post", f"/api/v1/answers/{ans['id']}/comments", {"body": "Thanks!"})
    assert r.status_code == 201
    listed = send(c, "get", f"/api/v1/questions/{q['id']}/answers").json()
    assert [x["id"] for x in listed["items"]] == [ans["id"]]
    assert listed["items"][0]["comments"][0]["body"] == "Thanks!"

    # edit with history
    r = send(
        a, "patch", f"/api/v1/questions/{q['id']}", {"title": "How do I renew VPN certificates?"}
    )
    assert r.status_code == 200 and r.json()["edited_at"]
    revs = send(a, "get", f"/api/v1/questions/{q['id']}/revisions").json()
    assert revs[0]["title"] == "How do I rotate the VPN certificates?"
    send(b, "patch", f"/api/v1/answers/{ans['id']}", {"body": "Run `renew.sh --force`"})
    assert (
        send(b, "get", f"/api/v1/answers/{ans['id']}/revisions").json()[0]["body"]
        == "Run `renew.sh`"
    )
    # a PATCH through /posts keeps the tags
    send(a, "patch", f"/api/v1/posts/{q['id']}", {"body": "Edited through posts"})
    assert sorted(send(a, "get", f"/api/v1/questions/{q['id']}").json()["tags"]) == [
        "security",
        "vpn",
    ]


def test_errors_have_the_usual_shape(client_for):
    ana = employee()
    c = client_for(ana)
    r = send(c, "post", "/api/v1/questions", {"title": "Why?", "body": "", "tags": ["no way!"]})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid" and {"title", "body", "tags"} <= set(err["fields"])
    r = send(
        c, "post", "/api/v1/questions", {"title": "How do I do this?", "body": "x", "extra": 1}
    )
    assert r.status_code == 422
    assert send(c, "get", "/api/v1/questions/999999").json()["error"]["code"] == "not_found"
    assert send(c, "get", "/api/v1/questions?sort=sideways").status_code == 422
    assert send(c, "get", "/api/v1/questions?cursor=nonsense").status_code == 422
    assert send(c, "get", "/api/v1/questions/unanswered?older_than_days=-3").status_code == 422
    r = send(client_for(None), "get", "/api/v1/questions")
    assert r.status_code == 401 and r.json()["error"]["code"]


def test_close_as_duplicate_and_reopen_through_the_api(client_for):
    ana, bob = employee(), employee()
    original = ask(bob, "How do I rotate the VPN certificates?")
    q = ask(ana, "How can I renew my VPN certificate?")
    r = send(
        client_for(bob), "put", f"/api/v1/questions/{q.pk}/duplicate", {"duplicate_of": original.pk}
    )
    assert r.status_code == 403
    r = send(
        client_for(ana), "put", f"/api/v1/questions/{q.pk}/duplicate", {"duplicate_of": original.pk}
    )
    assert (
        r.status_code == 200 and r.json()["duplicate_of"] == original.pk and r.json()["closed_at"]
    )
    r = send(client_for(bob), "post", f"/api/v1/questions/{q.pk}/answers", {"body": "late"})
    assert r.status_code == 409
    r = send(client_for(ana), "delete", f"/api/v1/questions/{q.pk}/duplicate")
    assert r.status_code == 200 and "duplicate_of" not in r.json()


def test_lists_unanswered_queue_and_filters(client_for):
    import datetime as dt

    from django.utils import timezone

    ana, bob = employee(), employee()
    club = make_community(ana)
    old = ask(ana, "An old question about vpn things?", tags=["vpn"])
    Question.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    in_club = ask(ana, "A question about the club rules?", tags=["rules"], community=club)
    answered = ask(ana, "An answered question about vpn?", tags=["vpn"])
    a = answer(bob, answered)
    c = client_for(bob)
    ids = lambda r: [x["id"] for x in r.json()["items"]]  # noqa: E731
    assert ids(send(c, "get", "/api/v1/questions")) == [answered.pk, in_club.pk, old.pk]
    assert ids(send(c, "get", "/api/v1/questions?tag=vpn")) == [answered.pk, old.pk]
    assert ids(send(c, "get", f"/api/v1/questions?community={club.slug}")) == [in_club.pk]
    assert ids(send(c, "get", "/api/v1/questions?sort=active"))[0] == answered.pk
    assert ids(send(c, "get", "/api/v1/questions/unanswered")) == [in_club.pk, old.pk]
    assert ids(send(c, "get", "/api/v1/questions/unanswered?mode=no_accepted")) == [
        answered.pk,
        in_club.pk,
        old.pk,
    ]
    send(client_for(ana), "put", f"/api/v1/answers/{a.pk}/accept")
    assert ids(send(c, "get", "/api/v1/questions/unanswered?mode=no_accepted")) == [
        in_club.pk,
        old.pk,
    ]
    assert ids(send(c, "get", "/api/v1/questions/unanswered?older_than_days=5")) == [old.pk]
    assert ids(send(c, "get", "/api/v1/questions/unanswered?newer_than_days=5")) == [in_club.pk]
    assert ids(send(c, "get", "/api/v1/questions/unanswered?tag=rules")) == [in_club.pk]
    page1 = send(c, "get", "/api/v1/questions?limit=2").json()
    page2 = send(c, "get", f"/api/v1/questions?limit=2&cursor={page1['next_cursor']}").json()
    assert [x["id"] for x in page1["items"] + page2["items"]] == [answered.pk, in_club.pk, old.pk]
    assert page2["next_cursor"] is None


def test_similar_questions(client_for):
    ana = employee()
    q = ask(ana, "How do I rotate the VPN certificates?", tags=["vpn"])
    ask(ana, "Where is the cafeteria menu published?", tags=["food"])
    c = client_for(employee())
    r = send(c, "get", "/api/v1/questions/similar?title=rotate+vpn+certificate")
    assert r.status_code == 200
    assert [x["id"] for x in r.json()] == [q.pk]
    assert r.json()[0]["answer_count"] == 0 and r.json()[0]["url"] == f"/questions/{q.pk}/"
    assert (
        send(c, "get", f"/api/v1/questions/similar?title=vpn+certificates&exclude={q.pk}").json()
        == []
    )
    assert send(c, "get", "/api/v1/questions/similar?title=ab").json() == []


def test_who_was_asked_is_shown_to_the_asker(client_for):
    ana, bob, cyd = employee(), employee(), employee()
    q = ask(ana)
    ExpertRequest.objects.create(question=q, expert=bob, reason="3 answers on these topics")
    mine = send(client_for(ana), "get", f"/api/v1/questions/{q.pk}/experts").json()
    assert [(x["expert"]["username"], x["reason"]) for x in mine] == [
        (bob.username, "3 answers on these topics")
    ]
    assert [
        x["expert"]["username"]
        for x in send(client_for(bob), "get", f"/api/v1/questions/{q.pk}/experts").json()
    ] == [bob.username]
    assert send(client_for(cyd), "get", f"/api/v1/questions/{q.pk}/experts").json() == []


# --- Visibility matrix --------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A question in each kind of place, an answer to each, and the people around them."""
    owner = employee(username="owner")
    member = employee(username="member")
    outsider = employee(username="outsider")
    extern = guest(username="extern")
    places = {
        "profile": None,
        "open": make_community(owner, kind="open"),
        "secret": make_community(owner, kind="secret"),
        "extranet": make_community(owner, kind="secret"),
    }
    for key in ("open", "secret", "extranet"):
        add_member(places[key], member)
    add_member(places["extranet"], extern)
    questions, answers = {}, {}
    for key, community in places.items():
        questions[key] = ask(
            owner, f"A question asked in the {key} place?", tags=["matrix"], community=community
        )
        answers[key] = answer(member if community else owner, questions[key]) if community else None
    answers["profile"] = answer(member, questions["profile"])
    return {
        "people": {"owner": owner, "member": member, "outsider": outsider, "guest": extern},
        "questions": questions,
        "answers": answers,
    }


# who may read which question
MATRIX = {
    "owner": {"profile", "open", "secret", "extranet"},
    "member": {"profile", "open", "secret", "extranet"},
    "outsider": {"profile", "open"},
    "guest": {"extranet"},
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_api_visibility_matrix(client_for, world, who):
    c = client_for(world["people"][who])
    allowed = MATRIX[who]
    listed = {x["id"] for x in send(c, "get", "/api/v1/questions?tag=matrix").json()["items"]}
    assert listed == {world["questions"][k].pk for k in allowed}
    queue = send(c, "get", "/api/v1/questions/unanswered?mode=no_accepted&tag=matrix").json()
    assert {x["id"] for x in queue["items"]} == {world["questions"][k].pk for k in allowed}
    similar = {
        x["id"]
        for x in send(c, "get", "/api/v1/questions/similar?title=question+asked+place").json()
    }
    assert similar <= {world["questions"][k].pk for k in allowed}
    for key, q in world["questions"].items():
        a = world["answers"][key]
        expect = 200 if key in allowed else 404
        for url in (
            f"/api/v1/questions/{q.pk}",
            f"/api/v1/questions/{q.pk}/answers",
            f"/api/v1/questions/{q.pk}/revisions",
            f"/api/v1/questions/{q.pk}/experts",
            f"/api/v1/answers/{a.pk}",
            f"/api/v1/answers/{a.pk}/comments",
            f"/api/v1/posts/{q.pk}",
        ):
            r = send(c, "get", url)
            assert r.status_code == expect, (who, key, url, r.status_code)
            if expect == 404:
                assert r.json()["error"]["code"] == "not_found"
        if key not in allowed:
            for method, url, data in (
                ("post", f"/api/v1/questions/{q.pk}/answers", {"body": "x"}),
                ("post", f"/api/v1/questions/{q.pk}/vote", {"value": "up"}),
                ("post", f"/api/v1/answers/{a.pk}/vote", {"value": "up"}),
                ("put", f"/api/v1/answers/{a.pk}/accept", None),
                ("post", f"/api/v1/answers/{a.pk}/comments", {"body": "x"}),
                (
                    "put",
                    f"/api/v1/questions/{q.pk}/duplicate",
                    {"duplicate_of": world["questions"]["profile"].pk},
                ),
            ):
                assert send(c, method, url, data).status_code == 404, (who, key, url)


def test_search_finds_questions_and_answers_only_where_visible(client_for, world):
    from agora.search.services import search

    outsider = world["people"]["outsider"]
    member = world["people"]["member"]
    hits = search(outsider, "question asked place").items
    found = {(h.type, h.id) for h in hits}
    assert ("question", world["questions"]["secret"].pk) not in found
    assert ("question", world["questions"]["open"].pk) in found
    member_hits = {(h.type, h.id) for h in search(member, "renewal script gateway").items}
    assert ("answer", world["answers"]["secret"].pk) in member_hits
    outsider_hits = {(h.type, h.id) for h in search(outsider, "renewal script gateway").items}
    assert ("answer", world["answers"]["secret"].pk) not in outsider_hits
    assert ("answer", world["answers"]["open"].pk) in outsider_hits
