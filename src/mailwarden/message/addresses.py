"""Strict parsing of address headers.

`email.utils.getaddresses` has misread hostile addresses (CVE-2023-27043), and
this Python may predate its `strict` flag, so we use the modern header
registry's parser, which reads the RFC 5322 grammar, and we refuse what it marks
defective. An address that will not parse is kept as an `Address` with an empty
`address` and its `raw` text: the recipient exists, we just cannot say who.
"""

from __future__ import annotations

from email.headerregistry import AddressHeader
from typing import Any


def parse_address_header(raw: str) -> tuple[list[Any], str | None]:
    """Return the mailboxes in one address header's value and a problem, if any."""
    from mailwarden.message.model import Address

    if not raw.strip():
        return [], None
    kwds: dict[str, Any] = {}
    try:
        AddressHeader.parse(raw, kwds)
    except Exception as exc:  # the parser's own error types are not public
        return [Address("", "", raw.strip())], f"unparseable address header: {exc}"
    found: list[Address] = []
    problem = None
    defects = kwds.get("defects", [])
    for group in kwds.get("groups", []):
        for mailbox in group.addresses:
            username, domain = mailbox.username, mailbox.domain
            text = str(mailbox)
            if not username or not domain or "@" in username or " " in domain:
                found.append(Address("", mailbox.display_name, text))
                problem = f"unparseable address {text!r}"
                continue
            found.append(Address(f"{username}@{domain}".lower(), mailbox.display_name, text))
    if defects and not found:
        return [Address("", "", raw.strip())], f"unparseable address header {raw[:80]!r}"
    if any("InvalidHeaderDefect" in type(d).__name__ for d in defects):
        problem = problem or f"address header with defects: {raw[:80]!r}"
    return found, problem
