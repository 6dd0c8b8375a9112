"""A held message's HTML made safe to show a reviewer: its words, emphasis, lists, tables
and links, and nothing that runs, styles the page or fetches anything.

`safe_html` keeps an allow-list of tags (nh3, the ammonia sanitiser) with no attributes
but a link's `href` (http, https and mailto only; `rel="noopener noreferrer"`) and a
cell's spans; scripts, styles, forms, frames and media go with their content; each image
becomes the words "[image]" (with its alt text), so the page fetches nothing remote.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup
from selectolax.lexbor import LexborHTMLParser as HTMLParser

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl",
        "dt", "em", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
        "ul",
    }
)  # fmt: skip
"""Tags kept; any other is dropped and its text kept (headings become plain text, so the
message cannot rearrange the page's outline)."""
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "title", "template", "noscript", "iframe", "object", "svg", "math"}
)
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_html(html: str) -> Markup:
    """The HTML's visible content as markup that is safe to put in the page as it is."""
    tree = HTMLParser(html)
    for image in tree.css("img, image, picture, input[type=image]"):
        alt = (image.attributes.get("alt") or "").strip()
        image.replace_with(f"[image: {alt}]" if alt else "[image]")
    root = tree.body or tree.root
    cleaned = nh3.clean(
        (root.html or "") if root is not None else "",
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # nh3 has just made it safe
