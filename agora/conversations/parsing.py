"""Finding @mentions, #hashtags and links to other posts in Markdown, and linking them.

Code spans and blocks are left alone: `#include` in a code sample is not a hashtag.
"""

import re

from django.urls import reverse

MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{1,150}[A-Za-z0-9_+-])")
HASHTAG = re.compile(r"(?<![\w&#/])#(\w[\w-]{0,62})", re.UNICODE)
POST_LINK = re.compile(r"/posts/(\d+)/?")
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)


def _outside_code(text: str):
    """Yield (is_code, chunk) pieces of the text."""
    last = 0
    for match in CODE.finditer(text):
        yield False, text[last : match.start()]
        yield True, match.group(0)
        last = match.end()
    yield False, text[last:]


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
    return list(dict.fromkeys(int(i) for i in POST_LINK.findall(text)))[:50]


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
