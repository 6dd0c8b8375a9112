"""Outlook .msg attachments: subject, body and attachments, embedded messages recursively.

The reading is `mailwarden.message.msg.message_from_msg_bytes`, the same the
command line uses for a .msg given to it; this extractor walks the result as
`rfc822` walks an attached e-mail. The body is the plain text when there is
one, else the HTML, else the RTF body, each read by its own extractor.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, ExtractionProblem, Segment
from mailwarden.extract.errors import CorruptFile, EncryptedFile
from mailwarden.extract.formats.rfc822 import message_segments
from mailwarden.extract.formats.sniff import OLE, recognise
from mailwarden.message.msg import (
    ATTACHMENT_PROBLEM,
    MSG_CONTENT_TYPE,
    TOO_MANY_ATTACHMENTS,
    EncryptedMsg,
    MsgError,
    message_from_msg_bytes,
)

_TYPES = frozenset({MSG_CONTENT_TYPE, "application/x-msg", "application/x-ms-outlook"})


class OutlookMessageExtractor:
    name = "msg"
    description = "Outlook .msg messages: subject, body and attachments, recursively."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(".msg")
        return recognise(head, labelled, allowed=frozenset({OLE}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        try:
            inner = message_from_msg_bytes(data, context.budget.limits.max_archive_members)
        except EncryptedMsg as exc:
            raise EncryptedFile(f"{context.location}: {exc}") from exc
        except MsgError as exc:
            raise CorruptFile(f"{context.location}: {exc}") from exc
        for problem in inner.problems:
            if problem.location.startswith(ATTACHMENT_PROBLEM):
                name = problem.location.removeprefix(ATTACHMENT_PROBLEM)
                context.problems.append(
                    ExtractionProblem(f"{context.location}/{name}", "corrupt", problem.detail)
                )
            elif problem.location == TOO_MANY_ATTACHMENTS:
                context.problems.append(
                    ExtractionProblem(context.location, "limit", problem.detail)
                )
        yield from message_segments(inner, context)


EXTRACTOR = OutlookMessageExtractor()
