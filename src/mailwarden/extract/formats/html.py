"""HTML bodies and .html attachments: visible text only, table cells kept apart."""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.formats.textcodec import decode_text

_INVISIBLE = "script, style, head, template, noscript"


def html_to_text(html: str) -> str:
    """The text a reader sees, one block or cell per line (so names in cells stay apart)."""
    tree = HTMLParser(html)
    for node in tree.css(_INVISIBLE):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    return root.text(separator="\n", strip=True)


class HtmlExtractor:
    name = "html"
    description = "HTML mail bodies and HTML files, as the text a reader would see."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        return content_type in ("text/html", "application/xhtml+xml") or filename.endswith(
            (".html", ".htm", ".xhtml")
        )

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        yield context.segment(html_to_text(decode_text(data, context.charset)))


EXTRACTOR = HtmlExtractor()
