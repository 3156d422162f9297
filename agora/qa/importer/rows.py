"""Streaming the rows of a dump file.

The dumps hold one `<row a="..." b="..." />` element per line (newlines inside values are
written `&#xA;`), so reading line by line and parsing each element on its own keeps memory
constant whatever the file's size, and gives the line number of a row that does not parse:
it is reported and skipped while the rest of the file goes on.
"""

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

# A row split over several lines (a hand-edited file) is read whole up to this size.
MAX_ROW_CHARS = 2_000_000


@dataclass(slots=True)
class Row:
    line: int
    attrs: dict[str, str]


@dataclass(slots=True)
class Malformed:
    line: int
    reason: str


def read_rows(path: os.PathLike | str, progress=None) -> Iterator[Row | Malformed]:
    """Yield a `Row` per `<row/>` element and a `Malformed` per line that is not one.

    `progress(bytes_read)` is called every few hundred lines."""
    pending: list[str] = []
    pending_line = 0
    read = 0
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            read += len(raw)
            line = raw.decode("utf-8", errors="replace")
            if number == 1:
                line = line.removeprefix("\ufeff")
            if progress is not None and number % 500 == 0:
                progress(read)
            text = line.strip()
            if pending:
                if text.startswith("<row"):  # the previous row never closed
                    yield Malformed(pending_line, "row not closed")
                    pending = []
                else:
                    pending.append(text)
                    joined = " ".join(pending)
                    if _closed(text) or len(joined) > MAX_ROW_CHARS:
                        pending = []
                        yield _parse(joined, pending_line)
                    continue
            if not text:
                continue
            if text.startswith("<row"):
                if _closed(text):
                    yield _parse(text, number)
                else:
                    pending, pending_line = [text], number
            elif "<row" in text:
                # several rows on one line (a file re-serialised without line breaks)
                yield from (_parse(m.group(0), number) for m in _ROW.finditer(text))
            elif not _is_frame(text):
                yield Malformed(number, "not a <row/> element")
        if pending:
            yield Malformed(pending_line, "row not closed before the end of the file")
    if progress is not None:
        progress(read)


_ROW = re.compile(r"""<row\b(?:[^>"']|"[^"]*"|'[^']*')*/>""")


def _closed(text: str) -> bool:
    return text.endswith("/>") or text.endswith("</row>")


def _is_frame(text: str) -> bool:
    """The XML declaration, the root element's tags and comments around the rows."""
    if text.startswith(("<?", "<!--", "</")):
        return True
    return text.startswith("<") and text.endswith(">") and not text.endswith("/>")


def _parse(text: str, line: int) -> Row | Malformed:
    try:
        element = ET.fromstring(text)  # noqa: S314 -- a row element, no DTD or entities
    except ET.ParseError as error:
        return Malformed(line, f"bad XML ({error})")
    if element.tag != "row":
        return Malformed(line, f"<{element.tag}> instead of <row/>")
    return Row(line, dict(element.attrib))
