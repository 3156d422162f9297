"""Finding @mentions, #hashtags and links to other posts in Markdown, and linking them.

Code is left alone: `#include` in a code sample is not a hashtag, `@Override` not a mention.
Code blocks (fenced with backticks or tildes, or indented) are found by the same Markdown parser
that renders the post, so what is code on screen is code here; code spans (any run of
backticks) are found line by line in the remaining text.
"""

import re

from django.urls import reverse

MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{1,150}[A-Za-z0-9_+-])")
HASHTAG = re.compile(r"(?<![\w&#/])#(\w[\w-]{0,62})", re.UNICODE)
POST_LINK = re.compile(r"/posts/(\d+)/?")
# A code span opens with a run of backticks and closes with a run of the same length.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
# Lines as the Markdown parser counts them (it reads \r\n and a lone \r as line ends).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _code_block_lines(text: str) -> set[int]:
    from agora.core.markdown import _parser

    lines: set[int] = set()
    for token in _parser().parse(text):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def _outside_code(text: str):
    """Yield (is_code, chunk) pieces that put together give back the text exactly."""
    if "`" not in text and "~~~" not in text and "    " not in text and "\t" not in text:
        yield False, text
        return
    block_lines = _code_block_lines(text)
    prose: list[str] = []

    def flush():
        chunk = "".join(prose)
        prose.clear()
        last = 0
        for match in CODE_SPAN.finditer(chunk):
            yield False, chunk[last : match.start()]
            yield True, match.group(0)
            last = match.end()
        yield False, chunk[last:]

    for number, line in enumerate(LINE.findall(text)):
        if number in block_lines:
            yield from flush()
            yield True, line
        else:
            prose.append(line)
    yield from flush()


def mentions(text: str) -> list[str]:
    found = []
    for is_code, chunk in _outside_code(text):
        if not is_code:
            found += MENTION.findall(chunk)
    return list(dict.fromkeys(found))


def hashtags(text: str) -> list[str]:
    found = []
    for is_code, chunk in _outside_code(text):
        if not is_code:
            found += [t for t in HASHTAG.findall(chunk) if not t.isdigit()]
    return list(dict.fromkeys(found))[:30]


def post_links(text: str) -> list[int]:
    found = []
    for is_code, chunk in _outside_code(text):
        if not is_code:
            found += [int(i) for i in POST_LINK.findall(chunk)]
    return list(dict.fromkeys(found))[:50]


def link_entities(text: str, known_usernames: set[str]) -> str:
    """Turn @known-user and #tag into Markdown links before rendering. Unknown @names stay
    plain text, so nobody can learn who exists by mentioning at random."""

    def mention(match):
        name = match.group(1)
        if name not in known_usernames:
            return match.group(0)
        return f"[@{name}]({reverse('people:profile', args=[name])})"

    def tag(match):
        name = match.group(1)
        if name.isdigit():
            return match.group(0)
        return f"[#{name}]({reverse('conversations:hashtag', args=[name])})"

    out = []
    for is_code, chunk in _outside_code(text):
        if is_code:
            out.append(chunk)
        else:
            out.append(HASHTAG.sub(tag, MENTION.sub(mention, chunk)))
    return "".join(out)
