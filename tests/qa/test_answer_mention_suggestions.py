"""@name suggestions in the answer form and the comment forms of the question page, with the
post editor's machinery (forms.body_widget, /mentions/suggest, /mentions/complete): each text
area names its own suggestions box, and the completed text area comes back as the page
rendered it. The browser test (tests/browser/test_questions_browser.py) types and picks."""

import json
from html.parser import HTMLParser

import pytest

from agora.conversations import services as post_services
from tests.api_factories import committed, employee
from tests.factories import UserFactory
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """The attributes of every element with an id, and of every element by tag, in a page."""

    def __init__(self, html):
        super().__init__()
        self.by_id, self.by_tag = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            assert attrs["id"] not in self.by_id, f"two elements with the id {attrs['id']}"
            self.by_id[attrs["id"]] = (tag, attrs)
        self.by_tag.setdefault(tag, []).append(attrs)

    @property
    def textareas(self):
        return self.by_tag.get("textarea", [])


def _question_page(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    q = ask(ana)
    a = answer(bob, q)
    return client_for(ana), q, a


def test_every_text_area_of_the_question_page_suggests_into_its_own_box(client_for):
    c, q, a = _question_page(client_for)
    with committed():
        comment = post_services.add_comment(employee(), q.pk, "Which gateway?")
    page = _Elements(c.get(f"/questions/{q.pk}/").content.decode())
    areas = {t["id"]: t for t in page.textareas}
    # the question's comment form and reply box, the answer form, the answer's comment box
    assert set(areas) == {
        "id_body",
        f"reply-to-{comment.pk}",
        "id_answer_body",
        f"answer-{a.pk}-comment",
    }
    boxes = set()
    for field, attrs in areas.items():
        assert attrs["hx-get"] == "/mentions/suggest"
        vals = json.loads(attrs["hx-vals"])
        assert vals["field"] == field and attrs["hx-target"] == f"#{vals['box']}"
        tag, box = page.by_id[vals["box"]]
        assert tag == "div" and "mention-box" in box["class"] and box["aria-live"] == "polite"
        boxes.add(vals["box"])
    assert len(boxes) == 4
    # each text area keeps its label
    assert set(areas) <= {label.get("for") for label in page.by_tag["label"]}
    assert json.loads(areas["id_answer_body"]["hx-vals"])["maxlength"] == 50_000
    assert areas["id_answer_body"]["aria-describedby"] == "id_answer_body_helptext"
    assert "id_answer_body_helptext" in page.by_id
    assert json.loads(areas[f"answer-{a.pk}-comment"]["hx-vals"])["maxlength"] == 10_000


def test_the_edit_answer_page_suggests_too(client_for):
    ana, bob = employee(username="ana"), employee(username="bob")
    a = answer(bob, ask(ana))
    page = _Elements(client_for(bob).get(f"/questions/answers/{a.pk}/edit").content.decode())
    (area,) = page.textareas
    assert area["id"] == "id_answer_body" and area["hx-get"] == "/mentions/suggest"
    assert page.by_id[json.loads(area["hx-vals"])["box"]][0] == "div"


def test_suggestions_and_completion_for_the_answer_text_area(client_for):
    c, q, a = _question_page(client_for)
    UserFactory(username="cyd.moreau", display_name="Cyd Moreau")
    target = {
        "field": "id_answer_body",
        "box": "answer-mention-suggestions",
        "rows": "8",
        "maxlength": "50000",
        "help": "1",
    }
    html = c.get("/mentions/suggest", {"body": "Ask @cyd", **target}).content.decode()
    assert "Cyd Moreau" in html
    (button,) = _Elements(html).by_tag["button"]
    assert button["hx-post"] == "/mentions/complete" and button["hx-swap"] == "outerHTML"
    assert button["hx-include"] == button["hx-target"] == "#id_answer_body"
    assert json.loads(button["hx-vals"]) == {
        "field": "id_answer_body",
        "box": "answer-mention-suggestions",
        "rows": 8,
        "maxlength": 50_000,
        "help": 1,
        "username": "cyd.moreau",
    }

    completed = c.post(
        "/mentions/complete", {"body": "Ask @cy", "username": "cyd.moreau", **target}
    ).content.decode()
    page = _Elements(completed)
    (area,) = page.textareas
    assert area["id"] == "id_answer_body" and area["maxlength"] == "50000"
    assert area["aria-describedby"] == "id_answer_body_helptext" and area["rows"] == "8"
    assert json.loads(area["hx-vals"])["box"] == "answer-mention-suggestions"
    assert "Ask @cyd.moreau </textarea>" in completed
    # the answer's suggestions box is emptied, not the question comment form's
    assert page.by_id["answer-mention-suggestions"][1]["hx-swap-oob"] == "innerHTML"
    assert "comment-mention-suggestions" not in page.by_id


def test_completion_for_a_comment_on_an_answer(client_for):
    c, q, a = _question_page(client_for)
    field = f"answer-{a.pk}-comment"
    target = {"field": field, "box": f"{field}-mentions", "rows": "2", "maxlength": "10000"}
    completed = c.post(
        "/mentions/complete",
        {"body": "x" * 9_990 + " @bo", "username": "bob", "help": "0", **target},
    ).content.decode()
    page = _Elements(completed)
    (area,) = page.textareas
    assert area["id"] == field and area["maxlength"] == "10000" and area["rows"] == "2"
    assert "aria-describedby" not in area  # no help text under this one
    assert f"{field}-mentions" in page.by_id
    assert "@bob </textarea>" in completed


def test_a_target_that_is_not_an_id_falls_back_to_the_post_editor(client_for):
    c, q, a = _question_page(client_for)
    completed = c.post(
        "/mentions/complete",
        {
            "body": "Hi @bo",
            "username": "bob",
            "field": 'x" onfocus="alert(1)',
            "box": "#comments, body",
            "rows": "99",
            "maxlength": "900000",
        },
    ).content.decode()
    assert "alert" not in completed
    page = _Elements(completed)
    (area,) = page.textareas
    assert area["id"] == "id_body" and area["rows"] == "5" and area["maxlength"] == "50000"
    assert "mention-suggestions" in page.by_id
    html = c.get("/mentions/suggest", {"body": "@bo", "field": "a b", "box": "<b>"}).content
    assert b'hx-target="#id_body"' in html and b"<b>" not in html
