"""Stack Exchange HTML to Agora Markdown.

Stack Exchange dumps hold bodies as the HTML the site rendered. Agora stores what people type
(Markdown) and renders it with `agora.core.markdown.render_markdown`, so an imported question
reads, edits, searches and renders like one written here: the HTML is turned back into
Markdown once, at import. Images become links to the image (Agora's sanitiser shows no remote
images); unknown tags keep their text. Nothing from the HTML reaches the page without going
through markdown-it (raw HTML off) and nh3.
"""

import re
from html import unescape

BLOCK_TAGS = {
    "p",
    "div",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}
DROPPED_TAGS = {"script", "style", "head", "title", "iframe", "object", "embed", "svg"}
DEFAULT_ALTS = {"", "enter image description here", "image", "alt text"}

_SPACES = re.compile(r"[ \t\r\n\f\v]+")
# Characters that would start Markdown syntax inside running text.
_INLINE_SPECIAL = re.compile(r"([*`\[\]]|<(?=[A-Za-z/!?])|~(?=~))")
_BACKSLASH_BEFORE_PUNCT = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_WORD_BOUNDARY_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(
    r"^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]|$)|=+[ \t]*$|-+[ \t]*$)",
    re.MULTILINE,
)
_NEEDS_COLLAPSE = re.compile(r"[\t\n\r\f\v]| {2}")
_MAY_NEED_ESCAPE = re.compile(r"[\\*`\[\]<~_&]")
_BREAK_INDENT = re.compile(r"\\\n[ \t]+")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag = tag
        self.attrs = attrs
        self.children: list = []  # _Node or str


_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)"
    r"|<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|([^<]+)"
    r"|<",
    re.DOTALL,
)
_ATTR = re.compile(r"([A-Za-z_:][-\w:.]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")


def _attrs(text: str) -> dict[str, str]:
    attrs = {}
    for name, value in _ATTR.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs[name.lower()] = unescape(value) if "&" in value else value
    return attrs


def _parse_html(html: str) -> _Node:
    """A forgiving tree: unclosed tags close with their parent, stray end tags are ignored.
    A tokenizing regex rather than html.parser: several times faster on large imports."""
    root = _Node("root", {})
    stack = [root]
    dropping = 0
    for match in _TOKEN.finditer(html):
        closing, tag, attr_text, text = match.groups()
        if text is not None or (tag is None and match.group(0) == "<"):
            if not dropping:
                chunk = text if text is not None else "<"
                stack[-1].children.append(unescape(chunk) if "&" in chunk else chunk)
            continue
        if tag is None:  # a comment
            continue
        tag = tag.lower()
        if tag in DROPPED_TAGS:
            dropping = max(0, dropping + (-1 if closing else 1))
            if attr_text.rstrip().endswith("/") and not closing:
                dropping -= 1
            continue
        if dropping:
            continue
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == tag:
                    del stack[depth:]
                    break
            continue
        node = _Node(tag, _attrs(attr_text) if attr_text.strip() else {})
        stack[-1].children.append(node)
        if tag not in VOID_TAGS and not attr_text.rstrip().endswith("/"):
            stack.append(node)
    return root


def _collapse(text: str) -> str:
    """HTML whitespace: any run is one space."""
    return _SPACES.sub(" ", text) if _NEEDS_COLLAPSE.search(text) else text


def _escape_text(text: str) -> str:
    if not _MAY_NEED_ESCAPE.search(text):
        return text
    text = _BACKSLASH_BEFORE_PUNCT.sub(r"\\\\", text)
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _WORD_BOUNDARY_UNDERSCORE.sub(r"\\_", text)
    return _ENTITY_LIKE.sub("&amp;", text)


def _code_span(text: str) -> str:
    text = text.replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link_target(href: str) -> str:
    href = href.strip()
    if not href or any(c in href for c in " <>()") or "\n" in href:
        return "<" + href.replace("<", "%3C").replace(">", "%3E").replace("\n", "") + ">"
    return href


def _text_of(node) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(c) for c in node.children)


class _Renderer:
    def __init__(self):
        self.in_link = 0

    # --- inline ------------------------------------------------------------------------------

    def inline(self, nodes) -> str:
        out = []
        for node in nodes:
            piece = (
                _escape_text(_collapse(node)) if isinstance(node, str) else self.inline_node(node)
            )
            # "**a**" next to "**b**" would read as one run of four stars: keep them apart
            if out and piece and out[-1] and out[-1][-1] in "*~" and piece[0] == out[-1][-1]:
                out.append(" ")
            out.append(piece)
        return "".join(out)

    def inline_node(self, node: _Node) -> str:
        tag = node.tag
        if tag == "br":
            return "\\\n"
        if tag == "code" or tag == "kbd" or tag == "tt":
            return _code_span(_text_of(node))
        if tag == "img":
            alt = _SPACES.sub(" ", node.attrs.get("alt", "")).strip()
            label = _escape_text(alt) if alt.lower() not in DEFAULT_ALTS else "image"
            src = node.attrs.get("src", "").strip()
            if self.in_link or not src:
                return label
            return f"[{label}]({_link_target(src)})"
        if tag == "a":
            href = node.attrs.get("href", "").strip()
            if self.in_link or not href:
                return self.inline(node.children)
            self.in_link += 1
            try:
                label = self.inline(node.children).strip() or _escape_text(href)
            finally:
                self.in_link -= 1
            title = node.attrs.get("title", "").replace('"', "'").strip()
            suffix = f' "{title}"' if title else ""
            return f"[{label}]({_link_target(href)}{suffix})"
        if tag in ("em", "i", "cite", "var", "dfn"):
            return self._wrap("*", node)
        if tag in ("strong", "b"):
            return self._wrap("**", node)
        if tag in ("del", "s", "strike"):
            return self._wrap("~~", node)
        if tag in BLOCK_TAGS:
            # a block inside inline content (a <p> in a <li>...) flattens to its text
            return " " + self.inline(node.children) + " "
        return self.inline(node.children)

    def _wrap(self, marker: str, node: _Node) -> str:
        inner = self.inline(node.children)
        stripped = inner.strip()
        if not stripped:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        return f"{lead}{marker}{stripped}{marker}{trail}"

    # --- blocks ------------------------------------------------------------------------------

    def blocks(self, nodes) -> list[str]:
        """Render a list of nodes as Markdown blocks (paragraph-separated strings)."""
        out: list[str] = []
        run: list = []

        def flush():
            if run:
                text = _fix_line_starts(_tidy_breaks(self.inline(run)))
                if text:
                    out.append(text)
                run.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in BLOCK_TAGS:
                run.append(node)
                continue
            flush()
            block = self.block(node)
            if block:
                out.append(block)
        flush()
        return out

    def block(self, node: _Node) -> str:
        tag = node.tag
        if tag in ("p", "div", "dd", "dt"):
            return "\n\n".join(self.blocks(node.children))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _SPACES.sub(" ", self.inline(node.children)).strip()
            return f"{'#' * int(tag[1])} {text}" if text else ""
        if tag == "hr":
            return "* * *"
        if tag == "pre":
            return self.code_block(node)
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node.children))
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        if tag in ("ul", "ol"):
            return self.list_block(node)
        if tag == "table":
            return self.table(node)
        return "\n\n".join(self.blocks(node.children))

    def code_block(self, node: _Node) -> str:
        text = _text_of(node).strip("\n")
        language = ""
        for element in (node, *(c for c in node.children if isinstance(c, _Node))):
            for cls in element.attrs.get("class", "").split():
                if cls.startswith(("lang-", "language-")) and cls not in ("lang-none",):
                    language = re.sub(r"[^\w+#.-]", "", cls.split("-", 1)[1])
                    break
        longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}{language}\n{text}\n{fence}"

    def list_block(self, node: _Node) -> str:
        ordered = node.tag == "ol"
        try:
            number = int(node.attrs.get("start", "1"))
        except ValueError:
            number = 1
        items = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    items.append(("- " if not ordered else f"{number}. ", child.strip()))
                    number += 1
                continue
            if child.tag != "li":
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            body = "\n\n".join(self.blocks(child.children)) or ""
            items.append((marker, body))
        lines = []
        for marker, body in items:
            pad = " " * len(marker)
            body_lines = body.split("\n") if body else [""]
            lines.append(marker + body_lines[0])
            lines.extend(pad + line if line else "" for line in body_lines[1:])
        # a blank line between items only when an item holds several blocks
        loose = any("\n\n" in body for _m, body in items)
        return ("\n\n" if loose else "\n").join(
            _group_items(lines, [len(b.split("\n")) if b else 1 for _m, b in items])
        )

    def table(self, node: _Node) -> str:
        rows = []
        for tr in _descendants(node, "tr"):
            cells = [
                _SPACES.sub(" ", self.inline(td.children)).strip().replace("|", "\\|")
                for td in tr.children
                if isinstance(td, _Node) and td.tag in ("td", "th")
            ]
            if cells:
                rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
        return "\n".join(lines)


def _tidy_breaks(text: str) -> str:
    """No indentation after a hard line break, no dangling break at the end of a block."""
    text = text.strip()
    if "\\\n" in text:
        text = _BREAK_INDENT.sub("\\\n", text)
    while text.endswith("\\") and not text.endswith("\\\\"):
        text = text[:-1].rstrip()
    return text


def _group_items(lines: list[str], sizes: list[int]) -> list[str]:
    grouped, at = [], 0
    for size in sizes:
        grouped.append("\n".join(lines[at : at + size]))
        at += size
    return grouped


def _descendants(node: _Node, tag: str):
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                yield child
            elif child.tag != "table":
                yield from _descendants(child, tag)


def _fix_line_starts(text: str) -> str:
    """Text that merely looks like a heading, quote or list item at a line start stays text."""
    if not text:
        return text
    return _LINE_START.sub(_escape_marker, text)


def _escape_marker(match: re.Match) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return indent + re.sub(r"([.)])$", r"\\\1", marker)
    return indent + "\\" + marker


def html_to_markdown(html: str) -> str:
    """The Markdown for a Stack Exchange body (or a profile's "about me")."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _fix_line_starts(_escape_text(html.strip()))
    blocks = _Renderer().blocks(_parse_html(html).children)
    return "\n\n".join(blocks).strip()
