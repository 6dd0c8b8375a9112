"""A held message as a reviewer reads it: its text, never its HTML or anything remote."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from selectolax.lexbor import LexborHTMLParser as HTMLParser

TEXT_LIMIT = 200_000
"""Characters of a message's text shown; the rest is cut off with a note."""


def readable_text(raw: bytes) -> str:
    """The message's plain-text body, else its HTML body's text with every tag dropped."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage):
        return ""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        content = body.get_content() if body is not None else ""
    except (LookupError, ValueError, AttributeError):
        return "(the message's text could not be read)"
    if not isinstance(content, str):
        return ""
    if body is not None and body.get_content_subtype() == "html":
        tree = HTMLParser(content)
        for node in tree.css("script, style, head"):
            node.decompose()
        content = tree.text(separator="\n") if tree.root is not None else ""
    if len(content) > TEXT_LIMIT:
        return content[:TEXT_LIMIT] + "\n\n(the rest of the text is not shown)"
    return content
