"""@mentions, #hashtags and links to posts, found in Markdown — never inside code."""

import pytest

from agora.conversations import parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks @ana and @bob.smith!", ["ana", "bob.smith"]),
        ("@ana @ana twice", ["ana"]),
        ("write to ana@example.com", []),
        ("see https://social.example/@ana", []),
        ("@@ana", []),
        ("(@ana)", ["ana"]),
        ("end of sentence @ana.", ["ana"]),
        ("`@ana` in code", []),
        ("``code with ` and @ana``", []),
        ("```\n@ana in a fence\n```\n@bob after", ["bob"]),
        ("~~~python\n@decorator\n~~~", []),
        ("para\n\n    @indented code\n\n@bob", ["bob"]),
        ("unclosed `@ana", ["ana"]),
    ],
)
def test_mentions(text, expected):
    assert parsing.mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ship it #launch #Launch2025 #café", ["launch", "Launch2025", "café"]),
        ("#launch #launch", ["launch"]),
        ("Issue #123 is not a tag", []),
        ("# Heading", []),
        ("## Heading #tag", ["tag"]),
        ("https://example.com/page#section", []),
        ("[link](https://example.com/#frag)", []),
        ("&#39; entity", []),
        ("C#", []),
        ("`#include <stdio.h>`", []),
        ("```c\n#include <stdio.h>\n#define X 1\n```\n#real", ["real"]),
        ("    #indented_code", []),
        ("- item\n\n      #deep_code\n", []),
        ("> #quoted", ["quoted"]),
        ("#data-science and #ml_ops", ["data-science", "ml_ops"]),
        ("``#in double ticks`` but #out", ["out"]),
    ],
)
def test_hashtags(text, expected):
    assert parsing.hashtags(text) == expected


def test_hashtags_are_capped():
    text = " ".join(f"#tag{i}" for i in range(50))
    assert len(parsing.hashtags(text)) == 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See /posts/12/ and https://agora.example/posts/34", [12, 34]),
        ("/posts/12 again /posts/12/", [12]),
        ("`/posts/56/` in code", []),
        ("```\nGET /posts/78/\n```", []),
        ("/people/posts/x", []),
    ],
)
def test_post_links(text, expected):
    assert parsing.post_links(text) == expected


def test_link_entities_links_known_people_and_tags_outside_code():
    text = "Hi @ana and @ghost #python `@ana #python`\n```\n#python @ana\n```\n"
    out = parsing.link_entities(text, {"ana"})
    assert out.startswith("Hi [@ana](/people/ana/) and @ghost [#python](/tags/python/) ")
    # Code comes back exactly as written.
    assert "`@ana #python`\n```\n#python @ana\n```\n" in out


def test_link_entities_keeps_the_text_intact():
    text = "a\r\nb `x`\r\n\r\n    code #no\r\n\r\n#yes\rlast"
    out = parsing.link_entities(text, set())
    assert out == text.replace("#yes", "[#yes](/tags/yes/)")


def test_a_unicode_tag_links_to_its_page():
    assert parsing.link_entities("#café", set()) == "[#café](/tags/caf%C3%A9/)"
