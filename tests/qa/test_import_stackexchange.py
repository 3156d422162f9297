"""`agora import_stackexchange`: small dumps written by the tests, and the real coffee dump."""

import json
import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from agora.communities.models import Community
from agora.conversations.models import Comment, Hashtag, Post, PostHashtag, PostReference
from agora.qa.importer import import_dump
from agora.qa.models import Answer, AnswerComment, ImportedRecord, Question
from agora.search.models import SearchDocument
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

SITE = "tea.stackexchange.com"
ROOTS = {
    "Posts.xml": "posts",
    "Users.xml": "users",
    "Comments.xml": "comments",
    "PostLinks.xml": "postlinks",
    "Votes.xml": "votes",
    "Tags.xml": "tags",
}


def _row(attrs: dict) -> str:
    pairs = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items() if v is not None)
    return f"  <row {pairs} />"


def write_dump(directory: Path, files: dict[str, list]) -> Path:
    """Files as the official dumps are: a BOM, the XML declaration, one row per line. A row
    given as a string is written as is (to plant malformed lines)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        lines = ['\ufeff<?xml version="1.0" encoding="utf-8"?>', f"<{ROOTS[name]}>"]
        lines += [r if isinstance(r, str) else _row(r) for r in rows]
        lines.append(f"</{ROOTS[name]}>")
        (directory / name).write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return directory


def q(id, created, owner=1, title="A question", body="<p>Body</p>", tags="<tea>", **extra):
    return {
        "Id": id,
        "PostTypeId": 1,
        "CreationDate": created,
        "Score": extra.pop("Score", 3),
        "Body": body,
        "OwnerUserId": owner,
        "Title": title,
        "Tags": tags,
        **extra,
    }


def a(id, parent, created, owner=2, body="<p>An answer</p>", **extra):
    return {
        "Id": id,
        "PostTypeId": 2,
        "ParentId": parent,
        "CreationDate": created,
        "Score": extra.pop("Score", 1),
        "Body": body,
        "OwnerUserId": owner,
        **extra,
    }


USERS = [
    {"Id": -1, "DisplayName": "Community", "CreationDate": "2015-01-01T00:00:00.000"},
    {
        "Id": 1,
        "DisplayName": "Ada Tea",
        "CreationDate": "2015-01-02T10:00:00.000",
        "Location": "Lyon, France",
        "Reputation": 1234,
        "AboutMe": "<p>I <strong>love</strong> tea.</p><script>alert(1)</script>",
    },
    {"Id": 2, "DisplayName": "Bob Brew", "CreationDate": "2015-01-03T10:00:00.000"},
    {"Id": 3, "DisplayName": "Cy Cup", "CreationDate": "2015-01-04T10:00:00.000"},
    {"Id": 9, "DisplayName": "Never Wrote", "CreationDate": "2015-01-04T10:00:00.000"},
]

POSTS = [
    q(
        1,
        "2015-02-01T10:00:00.123",
        title="How hot should the water be for green tea?",
        body='<p>Is <em>boiling</em> too hot?</p><img src="https://i.stack.imgur.com/x.png" '
        'alt="enter image description here"><script>alert(1)</script>',
        tags="<green-tea><Temperature><temperature>",
        AcceptedAnswerId=3,
        Score=7,
        LastActivityDate="2015-02-03T10:00:00.000",
    ),
    a(2, 1, "2015-02-01T11:00:00.000", owner=2, body="<p>About <code>80°C</code>.</p>"),
    a(3, 1, "2015-02-01T12:00:00.000", owner=3, Score=5),
    q(
        4,
        "2015-02-02T10:00:00.000",
        owner=2,
        title="Water temperature for green tea?",
        ClosedDate="2015-02-02T12:00:00.000",
    ),
    {"Id": 5, "PostTypeId": 4, "CreationDate": "2015-02-02T10:00:00.000", "Body": "wiki"},
    q(6, "2015-02-03T10:00:00.000", owner=None, tags="|c++|.net|", OwnerDisplayName="ghost"),
    a(7, 99, "2015-02-03T11:00:00.000"),
    a(8, 6, "2015-02-04T11:00:00.000", owner=1),
]

COMMENTS = [
    {
        "Id": 11,
        "PostId": 1,
        "Text": "Good *question*",
        "CreationDate": "2015-02-01T10:30:00.000",
        "UserId": 2,
    },
    {
        "Id": 12,
        "PostId": 1,
        "Text": "Agreed",
        "CreationDate": "2015-02-01T10:40:00.000",
        "UserId": 3,
    },
    {
        "Id": 13,
        "PostId": 2,
        "Text": "Source?",
        "CreationDate": "2015-02-01T11:30:00.000",
        "UserId": 1,
    },
    {
        "Id": 14,
        "PostId": 99,
        "Text": "orphan",
        "CreationDate": "2015-02-01T11:30:00.000",
        "UserId": 1,
    },
    {
        "Id": 15,
        "PostId": 3,
        "Text": "by a deleted user",
        "CreationDate": "2015-02-01T13:00:00",
        "UserDisplayName": "gone",
    },
]

LINKS = [
    {
        "Id": 21,
        "PostId": 4,
        "RelatedPostId": 1,
        "LinkTypeId": 3,
        "CreationDate": "2015-02-02T12:00:00.000",
    },
    {
        "Id": 22,
        "PostId": 6,
        "RelatedPostId": 1,
        "LinkTypeId": 1,
        "CreationDate": "2015-02-03T12:00:00.000",
    },
    {
        "Id": 23,
        "PostId": 6,
        "RelatedPostId": 98,
        "LinkTypeId": 1,
        "CreationDate": "2015-02-03T12:00:00.000",
    },
]


@pytest.fixture
def dump(tmp_path):
    return write_dump(
        tmp_path / SITE,
        {
            "Posts.xml": POSTS,
            "Users.xml": USERS,
            "Comments.xml": COMMENTS,
            "PostLinks.xml": LINKS,
            "Tags.xml": [{"Id": 1, "TagName": "green-tea", "Count": 2}],
        },
    )


def run(directory, *args) -> str:
    out = StringIO()
    call_command("import_stackexchange", str(directory), "--quiet", *args, stdout=out)
    return out.getvalue()


def question(source_id: int, site: str = SITE) -> Question:
    record = ImportedRecord.objects.get(site=site, kind="question", source_id=source_id)
    return Question.objects.select_related("post").get(pk=record.object_id)


def answer(source_id: int, site: str = SITE) -> Answer:
    record = ImportedRecord.objects.get(site=site, kind="answer", source_id=source_id)
    return Answer.objects.get(pk=record.object_id)


def account(source_id: int, site: str = SITE):
    record = ImportedRecord.objects.get(site=site, kind="user", source_id=source_id)
    return get_user_model().objects.select_related("profile").get(pk=record.object_id)


def counts() -> dict:
    return {
        "users": get_user_model().objects.count(),
        "posts": Post.objects.count(),
        "questions": Question.objects.count(),
        "answers": Answer.objects.count(),
        "comments": Comment.objects.count(),
        "answer_comments": AnswerComment.objects.count(),
        "references": PostReference.objects.count(),
        "tags": PostHashtag.objects.count(),
        "records": ImportedRecord.objects.count(),
    }


def test_everything_lands_where_it_belongs(dump):
    output = run(dump)

    # people: inactive employees without e-mail or usable password, with their source id
    ada = account(1)
    assert ada.username == "se-tea-1"
    assert not ada.is_active and ada.email == "" and not ada.has_usable_password()
    assert ada.kind == "employee"
    assert not ada.emailaddress_set.exists()
    assert ada.profile.display_name == "Ada Tea"
    assert ada.profile.location == "Lyon, France"
    assert ada.date_joined == datetime(2015, 1, 2, 10, tzinfo=UTC)
    assert "**love**" in ada.profile.bio and "<strong>love</strong>" in ada.profile.bio_html
    assert "script" not in ada.profile.bio_html
    assert {account(i).profile.display_name for i in (2, 3)} == {"Bob Brew", "Cy Cup"}
    # only people who wrote something imported get an account
    assert not ImportedRecord.objects.filter(kind="user", source_id=9).exists()

    # the question
    first = question(1)
    post = first.post
    assert post.kind == "question" and post.author == ada and post.community is None
    assert post.title == "How hot should the water be for green tea?"
    assert post.created_at == datetime(2015, 2, 1, 10, 0, 0, 123000, tzinfo=UTC)
    assert post.body.startswith("Is *boiling* too hot?")
    assert "<em>boiling</em>" in post.body_html
    assert "<script" not in post.body_html and "<img" not in post.body_html
    assert 'href="https://i.stack.imgur.com/x.png"' in post.body_html  # the image as a link
    assert first.score == 7 and first.answer_count == 2
    assert first.source_url == "https://tea.stackexchange.com/q/1"
    assert first.source_author == "Ada Tea"
    assert first.created_at == post.created_at
    assert first.last_activity_at == datetime(2015, 2, 3, 10, tzinfo=UTC)
    # tags differing by case are one hashtag
    assert sorted(post.hashtags.values_list("name", flat=True)) == ["Temperature", "green-tea"]

    # answers and the accepted one
    second, third = answer(2), answer(3)
    assert second.question == first and third.question == first
    assert second.body == "About `80°C`." and "<code>80°C</code>" in second.body_html
    assert third.score == 5 and third.author == account(3)
    assert third.source_url == "https://tea.stackexchange.com/a/3"
    assert third.source_author == "Cy Cup"
    assert first.accepted_answer == third

    # comments on the question and on an answer, with the counters in step
    post.refresh_from_db()
    assert post.comment_count == 2
    assert list(post.comments.values_list("body", flat=True)) == ["Good *question*", "Agreed"]
    assert "<em>question</em>" in post.comments.first().body_html
    assert second.comments.get().body == "Source?"
    second.refresh_from_db()
    assert second.comment_count == 1
    deleted_comment = third.comments.get()
    assert deleted_comment.author.username == "se-tea-deleted"

    # duplicate (and closed), references, an unknown end skipped
    duplicate = question(4)
    assert duplicate.duplicate_of == post
    assert duplicate.closed_at == datetime(2015, 2, 2, 12, tzinfo=UTC)
    sixth = question(6)
    assert PostReference.objects.filter(source=sixth.post, target=post).exists()
    assert PostReference.objects.count() == 1

    # a deleted owner: the per-site placeholder account, the shown name kept in attribution
    assert sixth.post.author.username == "se-tea-deleted"
    assert not sixth.post.author.is_active
    assert sixth.source_author == "ghost"
    assert not ImportedRecord.objects.filter(kind="user", object_id=sixth.post.author_id).exists()
    assert sorted(sixth.post.hashtags.values_list("name", flat=True)) == ["cplusplus", "dotnet"]

    # what was skipped is counted, and the license is named
    assert ImportedRecord.objects.filter(kind="question").count() == 3
    assert ImportedRecord.objects.filter(kind="answer").count() == 3  # not the orphan 7
    assert "CC BY-SA" in output
    assert re.search(r"answers\s+3 imported.*1 unknown question", output)
    assert re.search(r"comments\s+4 imported.*1 on a post not imported", output)
    assert "PostTypeId 4" in output

    # not fanned out, but findable
    assert SearchDocument.objects.filter(doc_type="question", object_id=post.pk).exists()
    assert SearchDocument.objects.filter(doc_type="answer", object_id=third.pk).exists()


def test_running_twice_imports_nothing_twice(dump):
    run(dump)
    before = counts()
    output = run(dump)
    assert counts() == before
    assert re.search(r"questions\s+0 imported\s+3 already there", output)
    assert re.search(r"users\s+0 imported\s+3 already there", output)


def test_a_bigger_dump_adds_only_the_new_rows(tmp_path):
    directory = tmp_path / SITE
    # first an early dump: the accepted answer does not exist yet
    write_dump(directory, {"Posts.xml": POSTS[:2], "Users.xml": USERS})
    run(directory)
    first = counts()
    assert question(1).accepted_answer is None
    assert first["questions"] == 1 and first["answers"] == 1

    write_dump(directory, {"Posts.xml": POSTS, "Users.xml": USERS, "Comments.xml": COMMENTS})
    run(directory)
    assert Question.objects.count() == 3 and Answer.objects.count() == 3
    assert ImportedRecord.objects.filter(kind="question").count() == 3
    assert question(1).accepted_answer == answer(3)  # resolved on the question of run 1
    assert question(1).answer_count == 2
    assert get_user_model().objects.filter(username="se-tea-1").count() == 1


def test_before_imports_only_what_was_created_earlier(dump):
    output = run(dump, "--before", "2015-02-01T11:30:00")
    assert Question.objects.count() == 1 and Answer.objects.count() == 1
    assert question(1).accepted_answer is None  # answer 3 came later
    assert list(Comment.objects.values_list("body", flat=True)) == ["Good *question*", "Agreed"]
    assert not AnswerComment.objects.exists()  # comment 13 is at 11:30, not before
    assert "created after --before" in output
    # a later cut-off completes the import
    run(dump, "--before", "2016-01-01")
    assert Question.objects.count() == 3 and Answer.objects.count() == 3
    assert question(1).accepted_answer == answer(3)
    assert question(4).duplicate_of == question(1).post


def test_a_dump_with_posts_only(tmp_path):
    directory = write_dump(tmp_path / SITE, {"Posts.xml": POSTS})
    output = run(directory)
    assert account(1).profile.display_name == "user1"
    assert question(1).source_author == "user1"
    assert Question.objects.count() == 3 and Answer.objects.count() == 3
    assert question(1).accepted_answer == answer(3)
    assert "files not in the dump: Users.xml, Comments.xml, PostLinks.xml" in output


def test_malformed_rows_are_reported_with_their_line_and_skipped(tmp_path):
    rows = [
        POSTS[0],
        '  <row Id="30" PostTypeId="1" Title="unclosed quote />',  # line 4
        _row(q(31, "yesterday")),  # line 5
        _row(q(32, "2015-02-01T10:00:00.000", Score="lots")),  # line 6
        _row({"Id": 33, "CreationDate": "2015-02-01T10:00:00.000"}),  # line 7: no type
        POSTS[1],
        "garbage",  # line 9
    ]
    directory = write_dump(tmp_path / SITE, {"Posts.xml": rows})
    output = run(directory)
    assert Question.objects.count() == 1 and Answer.objects.count() == 1
    assert "malformed rows skipped: 5" in output
    assert "Posts.xml:4: bad XML" in output
    assert "Posts.xml:5: CreationDate is not a date" in output
    assert "Posts.xml:6: Score is not a number" in output
    assert "Posts.xml:7: PostTypeId missing" in output
    assert "Posts.xml:9:" in output


def test_odd_but_valid_rows(tmp_path):
    long_title = "Why " * 80
    rows = [
        q(1, "2015-02-01T10:00:00Z", title=long_title, tags=""),
        # a post without Score: taken from the votes
        q(2, "2015-02-01T10:00:00", Score=""),
        a(3, 2, "2015-02-01T10:00:00", body=""),
    ]
    votes = [
        {"Id": 1, "PostId": 2, "VoteTypeId": 2, "CreationDate": "2015-02-01T00:00:00.000"},
        {"Id": 2, "PostId": 2, "VoteTypeId": 2, "CreationDate": "2015-02-01T00:00:00.000"},
        {"Id": 3, "PostId": 2, "VoteTypeId": 3, "CreationDate": "2015-02-01T00:00:00.000"},
        {"Id": 4, "PostId": 2, "VoteTypeId": 1, "CreationDate": "2015-02-01T00:00:00.000"},
    ]
    directory = write_dump(tmp_path / SITE, {"Posts.xml": rows, "Votes.xml": votes})
    run(directory)
    title = question(1).post.title
    assert len(title) == 200 and title.endswith("…")
    assert question(2).score == 1
    assert answer(3).body == ""


def test_community_option_puts_the_questions_in_an_open_community(dump):
    run(dump, "--community", "Tea lovers")
    community = Community.objects.get(name="Tea lovers")
    assert community.kind == Community.Kind.OPEN
    assert "tea.stackexchange.com" in community.description
    assert set(Post.objects.filter(kind="question").values_list("community", flat=True)) == {
        community.pk
    }


def test_community_option_reuses_an_existing_community(dump):
    existing = Community.objects.create(name="Tea", slug="tea")
    run(dump, "--community", "tea")
    assert Community.objects.count() == 1
    assert question(1).post.community == existing


def test_a_taken_username_does_not_block_the_import(dump):
    UserFactory(username="se-tea-1")
    run(dump)
    assert account(1).username == "se-tea-1-2"


def test_site_option_and_missing_directory(dump, tmp_path):
    run(dump, "--site", "tea.example.org", "--no-index")
    assert question(1, site="tea.example.org").source_url == "https://tea.example.org/q/1"
    assert not SearchDocument.objects.filter(doc_type="question").exists()
    with pytest.raises(CommandError):
        run(tmp_path / "nowhere")
    with pytest.raises(CommandError):
        run(dump, "--before", "someday")


def test_an_account_deleted_since_is_imported_again(dump):
    run(dump)
    account(2).delete()  # its answers and comments go with it
    run(dump)
    assert account(2).profile.display_name == "Bob Brew"
    assert answer(2).author == account(2)
    assert Answer.objects.count() == 3


COFFEE = Path(settings.SHARED_DATA_DIR) / "stackexchange" / "coffee.stackexchange.com"


@pytest.mark.skipif(not (COFFEE / "Posts.xml").is_file(), reason="shared data not available")
def test_the_real_coffee_dump():
    text = (COFFEE / "Posts.xml").read_text(encoding="utf-8-sig")
    questions = len(re.findall(r'PostTypeId="1"', text))
    answers = len(re.findall(r'PostTypeId="2"', text))
    owners = set(re.findall(r'OwnerUserId="(\d+)"', text))
    accepted = re.findall(r'AcceptedAnswerId="(\d+)"', text)

    summary = import_dump(COFFEE, index=False)

    assert summary.site == "coffee.stackexchange.com"
    assert summary.malformed_count == 0
    assert Question.objects.count() == questions == 225
    assert Answer.objects.count() == answers == 327
    assert ImportedRecord.objects.filter(kind="user").count() == len(owners)
    assert Question.objects.exclude(accepted_answer=None).count() == len(accepted)
    assert sum(Question.objects.values_list("answer_count", flat=True)) == answers
    assert not get_user_model().objects.filter(is_active=True).exists()
    assert Hashtag.objects.exists()
    assert summary.imported["questions"] == questions
    # the second run finds everything in place
    again = import_dump(COFFEE, index=False)
    assert again.imported["questions"] == 0 and again.existing["answers"] == answers


def test_imported_people_are_found_as_experts_with_their_source_id(dump):
    run(dump)
    out = StringIO()
    call_command("experts", "green tea water temperature", "--json", stdout=out)
    results = json.loads(out.getvalue())
    found = {r["username"]: r["source_id"] for r in results}
    # Cy Cup wrote the accepted answer on the green-tea question
    assert found.get("se-tea-3") == 3
    assert "se-tea-deleted" not in found


def test_the_question_page_shows_the_attribution(dump, employee, client_for):
    run(dump)
    first = question(1)
    page = client_for(employee).get(reverse("qa:detail", args=[first.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "How hot should the water be for green tea?" in content
    assert "https://tea.stackexchange.com/q/1" in content and "Ada Tea" in content
    assert "https://tea.stackexchange.com/a/3" in content and "Cy Cup" in content
    assert "CC BY-SA" in content


def test_the_same_id_twice_and_unusual_layouts(tmp_path):
    directory = tmp_path / SITE
    directory.mkdir()
    one_line = "".join(_row(p).strip() for p in (POSTS[0], POSTS[1]))
    (directory / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>'
        + one_line
        + "</posts>\n"
        + _row(q(1, "2015-02-01T10:00:00", title="Same Id again")).replace(" />", "></row>")
        + "\n"
        + _row(a(3, 1, "2015-02-01T12:00:00"))
        + "\n"
        + _row(a(3, 1, "2015-02-01T12:00:00"))
        + "\n",
        encoding="utf-8",
    )
    output = run(directory)
    assert Question.objects.count() == 1 and Answer.objects.count() == 2
    assert question(1).post.title == "How hot should the water be for green tea?"
    assert question(1).accepted_answer == answer(3)
    assert "same Id twice" in output
