"""Stack Exchange HTML -> Markdown (the body an imported post is edited and searched from),
the sanitised HTML shown, and the row reader."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings

from agora.core.markdown import render_markdown
from agora.qa.importer.fields import hashtag_name, split_tags
from agora.qa.importer.markdown import html_to_markdown
from agora.qa.importer.rows import Malformed, Row, read_rows
from agora.qa.importer.sanitize import safe_html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Plain text.</p>", "Plain text."),
        ("<p>One</p>\n\n<p>Two</p>", "One\n\nTwo"),
        ("<p><em>a</em> and <strong>b</strong></p>", "*a* and **b**"),
        (
            '<p>See <a href="https://x.org/a_b" rel="nofollow">the docs</a>.</p>',
            "See [the docs](https://x.org/a_b).",
        ),
        ("<p>Use <code>a*b</code> here</p>", "Use `a*b` here"),
        ("<pre><code>x = 1\n\nprint(x)\n</code></pre>", "```\nx = 1\n\nprint(x)\n```"),
        ('<pre class="lang-py prettyprint-override"><code>pass\n</code></pre>', "```py\npass\n```"),
        ("<blockquote>\n<p>Quoted</p>\n</blockquote>", "> Quoted"),
        ("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "- one\n- two"),
        ('<ol start="3"><li>three</li><li>four</li></ol>', "3. three\n4. four"),
        ("<h2>Title</h2><p>text</p>", "## Title\n\ntext"),
        ("<p>line<br>\nnext</p>", "line\\\nnext"),
        (
            "<p>2 * 3 * 4 and [1] and snake_case and _x_</p>",
            "2 \\* 3 \\* 4 and \\[1\\] and snake_case and \\_x\\_",
        ),
        ("<p># not a heading</p>", "\\# not a heading"),
        ("<p>1. not a list</p>", "1\\. not a list"),
        ("<p>a &lt;b&gt; tag &amp; more</p>", "a \\<b> tag & more"),
        ("<p>$\\alpha_1 + \\{x\\}$</p>", "$\\alpha_1 + \\\\{x\\\\}$"),
        (
            '<p><a href="https://i.stack.imgur.com/a.png"><img src="https://i.stack.imgur.com/a.png"'
            ' alt="enter image description here"></a></p>',
            "[image](https://i.stack.imgur.com/a.png)",
        ),
        ('<p><img src="https://x.org/p.png" alt="A plot"></p>', "[A plot](https://x.org/p.png)"),
        ("<p>a<script>alert(1)</script>b</p>", "ab"),
        ("", ""),
    ],
)
def test_html_to_markdown(source, expected):
    assert html_to_markdown(source) == expected


def test_nested_lists_and_quotes_keep_their_structure():
    source = "<ul><li><p>first</p><ul><li>inner</li></ul></li><li>second</li></ul>"
    rendered = render_markdown(html_to_markdown(source))
    assert re.sub(r"\s+", "", rendered) == re.sub(
        r"\s+", "", "<ul><li><p>first</p><ul><li>inner</li></ul></li><li><p>second</p></li></ul>"
    )


def test_safe_html_keeps_the_allowed_tags_and_turns_images_into_links():
    cleaned = safe_html(
        '<p onclick="x()">Hi <a href="javascript:alert(1)">x</a> <img src="https://x.org/i.png" '
        'alt="a &amp; b"><iframe src="https://evil"></iframe><sup>2</sup></p>'
    )
    assert "onclick" not in cleaned and "javascript" not in cleaned and "iframe" not in cleaned
    assert '<a href="https://x.org/i.png" rel="noopener noreferrer nofollow ugc">a &amp; b</a>' in (
        cleaned
    )
    assert "2" in cleaned


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("python", "python"),
        ("c++", "cplusplus"),
        ("c#", "csharp"),
        (".net", "dotnet"),
        ("node.js", "node-js"),
        ("2018", None),
        ("---", None),
        ("x" * 80, "x" * 63),
    ],
)
def test_tags_become_valid_hashtags(tag, name):
    assert hashtag_name(tag) == name


def test_both_tag_spellings():
    assert split_tags("<a><b-c>") == ["a", "b-c"]
    assert split_tags("|a|b-c|") == ["a", "b-c"]
    assert split_tags("") == []


def test_rows_with_line_numbers(tmp_path):
    path = tmp_path / "Posts.xml"
    path.write_bytes(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n'
        b'  <row Id="1" Body="caf\xc3\xa9 &amp; cr&#xE8;me&#xA;" />\r\n'
        b'  <row Id="2" Body="<b>" />\r\n'
        b'  <row Id="3"\r\n     Title="split over lines" />\r\n'
        b'  <row Id="4" Body="\xff" />\r\n'
        b"</posts>\r\n"
    )
    rows = list(read_rows(path))
    assert isinstance(rows[0], Row) and rows[0].line == 3
    assert rows[0].attrs == {"Id": "1", "Body": "café & crème\n"}
    assert isinstance(rows[1], Malformed) and rows[1].line == 4
    assert isinstance(rows[2], Row) and rows[2].line == 5 and rows[2].attrs["Title"]
    assert isinstance(rows[3], Row) and rows[3].attrs["Body"] == "\ufffd"  # bad UTF-8 replaced


COFFEE_POSTS = (
    Path(settings.SHARED_DATA_DIR) / "stackexchange" / "coffee.stackexchange.com" / "Posts.xml"
)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.mark.skipif(not COFFEE_POSTS.is_file(), reason="shared data not available")
def test_the_markdown_of_real_posts_renders_to_the_same_text():
    """Editing an imported post starts from its Markdown: rendered by Agora, it must say what
    the original said."""
    rows = [r for r in read_rows(COFFEE_POSTS) if isinstance(r, Row)]
    assert len(rows) == 592
    different = [
        r.attrs["Id"]
        for r in rows
        if _text(render_markdown(html_to_markdown(r.attrs.get("Body", ""))))
        != _text(safe_html(r.attrs.get("Body", "")))
    ]
    assert different == []
