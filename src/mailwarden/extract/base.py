"""What an extractor is, what it produces, and the context it works in.

An extractor turns the bytes of one file format into `Segment`s of text, each
carrying where it stands (`location`: "body", "header:subject",
"attachment:files.zip/letter.docx"; `position`: "paragraph 2", "page 3",
"sheet Pupils!B4"). Containers (zip, attached messages) hand their members back
to the context, which picks the extractor for each and keeps the nesting,
the budget and the errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from mailwarden.extract.errors import ExtractionError
from mailwarden.extract.limits import Budget


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text and where it stands in the message."""

    text: str
    location: str
    position: str = ""


@dataclass(frozen=True, slots=True)
class ExtractionProblem:
    """A file, or part of one, that could not be read, and why."""

    location: str
    kind: str
    """`corrupt`, `encrypted`, `limit`, `unreadable` (a format not read), `internal`, or
    `unsupported` (media, not read for text: the only kind that is not unscannable)."""
    detail: str
    limit: Literal["", "size", "time"] = ""
    """Which limit a `limit` problem hit, where the policy judges it apart: "size" (the
    message was over `max_message_bytes` and not read at all) or "time" (the message's
    time ran out); "" for any other problem."""

    @property
    def unscannable(self) -> bool:
        """True when content may be hidden from the scan (not merely an unsupported image)."""
        return self.kind != "unsupported"


class Extractor(Protocol):
    """One file format: a name, a one-line description, how to spot it, how to read it."""

    name: str
    description: str

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        """True when this extractor reads the file (by type, extension or magic bytes)."""
        ...

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        """Yield the file's text; raise an `ExtractionError` when it cannot be read."""
        ...


NestedDispatch = Callable[["ExtractContext", bytes, str, str], Iterator[Segment]]


@dataclass(slots=True)
class ExtractContext:
    """Where an extractor is working: its location, depth, budget, and the error list."""

    location: str
    budget: Budget
    dispatch: NestedDispatch
    depth: int = 0
    problems: list[ExtractionProblem] = field(default_factory=list)
    charset: str | None = None
    """The declared charset of the file being read, when its container said one."""

    def segment(self, text: str, position: str = "") -> Segment:
        """A segment at this context's location, charged against the text budget."""
        return Segment(self.budget.take_text(text, self.location), self.location, position)

    def nested(self, data: bytes, name: str, content_type: str = "") -> Iterator[Segment]:
        """Extract a member of a container (a file in a zip, an attachment of an attached mail).

        Errors in the member are recorded against the member's location and do
        not stop the container's other members.
        """
        self.budget.check_time()
        child = ExtractContext(
            location=f"{self.location}/{name}",
            budget=self.budget,
            dispatch=self.dispatch,
            depth=self.depth + 1,
            problems=self.problems,
        )
        try:
            self.budget.check_depth(child.depth, child.location)
            yield from self.dispatch(child, data, name, content_type)
        except ExtractionError as exc:
            self.problems.append(problem_from_error(child.location, exc))

    def child(self, location: str, charset: str | None = None) -> ExtractContext:
        """A context at a new location sharing this one's budget and problem list."""
        return ExtractContext(
            location, self.budget, self.dispatch, self.depth, self.problems, charset
        )


def problem_from_error(location: str, error: ExtractionError) -> ExtractionProblem:
    from mailwarden.extract.errors import EncryptedFile, LimitExceeded, TimeLimitExceeded

    if isinstance(error, EncryptedFile):
        kind = "encrypted"
    elif isinstance(error, LimitExceeded):
        kind = "limit"
    else:
        kind = "corrupt"
    limit: Literal["", "time"] = "time" if isinstance(error, TimeLimitExceeded) else ""
    return ExtractionProblem(location, kind, str(error) or type(error).__name__, limit)
