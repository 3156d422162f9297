"""The page shows the HTML Stack Exchange rendered, cleaned by Agora's allow-list.

Rendering the converted Markdown again would cost several times more per post for the same
result; the Markdown (`body`) is what an edit starts from and what search reads, and an edit
renders it the usual way. Images are not on the allow-list: each becomes a link to the image
so nothing the author showed silently disappears.
"""

import re
from html import escape, unescape

import nh3

from agora.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_IMG = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
# Stack Exchange wraps each image in a link to the full-size picture.
_LINKED_IMG = re.compile(r"(<a\b[^>]*>)\s*<img\b([^>]*)>\s*(</a>)", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_DEFAULT_ALTS = {"", "enter image description here", "image", "alt text"}


def _label(attrs: str) -> str:
    alt = _ALT.search(attrs)
    label = unescape((alt.group(1) or alt.group(2) or "") if alt else "").strip()
    return "image" if label.lower() in _DEFAULT_ALTS else label


def _linked_image(match: re.Match) -> str:
    return f"{match.group(1)}{escape(_label(match.group(2)), quote=False)}{match.group(3)}"


def _image_as_link(match: re.Match) -> str:
    attrs = match.group(1)
    src = _SRC.search(attrs)
    label = _label(attrs)
    if not src:
        return escape(label, quote=False)
    href = (src.group(1) or src.group(2) or src.group(3) or "").replace('"', "&quot;")
    return f'<a href="{href}">{escape(label, quote=False)}</a>'


def safe_html(html: str) -> str:
    if "<img" in html or "<IMG" in html:
        html = _IMG.sub(_image_as_link, _LINKED_IMG.sub(_linked_image, html))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
