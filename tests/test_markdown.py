"""User Markdown is rendered to HTML that can't run script, whatever is typed."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.core.markdown import ALLOWED_TAGS, render_markdown

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


class Tags(HTMLParser):
    """Collects every start tag and its attributes, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def parse(html: str):
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def scheme_of(url: str) -> str:
    # Browsers drop ASCII whitespace and control characters before reading the scheme.
    # A scheme is a letter then letters, digits, "+", "-" or "."; anything else is relative.
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) + ":" if match else ""


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in parse(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.lower().startswith("on"), (name, html)
            assert name in {"href", "title", "rel", "align", "start"}, (name, html)
            if name == "href":
                assert scheme_of(value or "") not in DANGEROUS_SCHEMES, (value, html)
                assert scheme_of(value or "") in {"", "http:", "https:", "mailto:"}, (value, html)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE), html


PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png "title" onerror="alert(1)")',
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    '<a href="javascript:alert(1)">x</a>',
    "<a href='#' onclick='alert(1)'>x</a>",
    "<div onmouseover=alert(1)>hover</div>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:/>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[[x](javascript:alert(1))](https://example.com)",
    "[x](https://example.com)[y](javascript:alert(1))",
    "[a [b](javascript:alert(1)) c](https://example.com)",
    "**[x](javascript:alert(1))**",
    '[x](https://example.com "onmouseover=alert(1)")',
    '[x](https://example.com" onmouseover="alert(1))',
    "[x](https://example.com'onmouseover='alert(1))",
    "| a |\n|---|\n| <b onclick=alert(1)>b</b> |",
    "| [x](javascript:alert(1)) |\n|---|\n| y |",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\<script>alert(1)\\</script>",
    "<scr\x00ipt>alert(1)</script>",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[x](https://example.com/\x00javascript:alert(1))",
    '<https://example.com/" onmouseover="alert(1)>',
    "<mailto:a@example.com?body=<script>alert(1)</script>>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_xss_payloads_are_neutralised(payload):
    assert_safe(render_markdown(payload))


def test_normal_markdown_still_renders():
    html = render_markdown(
        "# Title\n\nSome **bold**, *em*, `code` and ~~gone~~.\n\n"
        "- one\n- two\n\n3. three\n\n> quoted\n\n"
        "[a link](https://example.com/page) <mailto:me@example.com>\n\n"
        "| h |\n|:-:|\n| c |\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<code>code</code>" in html and "<s>gone</s>" in html
    assert '<ol start="3">' in html
    assert "<blockquote>" in html
    assert 'href="https://example.com/page"' in html
    assert 'href="mailto:me@example.com"' in html
    assert 'rel="noopener noreferrer nofollow ugc"' in html
    assert "<table>" in html
    assert_safe(html)


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>bold</b> <div>block</div>")
    assert "<b>" not in html and "<div>" not in html
    assert "&lt;b&gt;" in html


def test_empty_and_none():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


FRAGMENTS = st.sampled_from(
    [
        "<",
        ">",
        "/",
        '"',
        "'",
        "=",
        " ",
        "\n",
        "\n\n",
        "`",
        "```",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "!",
        "|",
        "-",
        "&",
        "#",
        ";",
        ":",
        "\\",
        "\x00",
        "\t",
        "script",
        "SCRIPT",
        "svg",
        "img",
        "a",
        "href",
        "src",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:",
        "alert(1)",
        "http://x.example/",
        "&#106;",
        "&lt;",
        "<script>",
        "</script>",
        "[x](",
        "](javascript:alert(1))",
        "| a |\n|---|\n| ",
    ]
)
MARKDOWNISH = st.lists(FRAGMENTS | st.text(max_size=8), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_yields_script_or_event_handlers(text):
    assert_safe(render_markdown(text))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_markdown_like_soup_never_yields_script_or_event_handlers(text):
    assert_safe(render_markdown(text))
