"""Detect stage: run every recognizer over every segment and place the matches.

Pure: segments and the message's addressing in, findings out. The recognizers
are built once per process (`Detector`), because some load models.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mailwarden.detect.finding import IDENTIFIER_TYPES, Finding, FindingType, Match
from mailwarden.detect.recognizer import Recognizer, TextContext
from mailwarden.extract.base import ExtractionProblem, Segment
from mailwarden.extract.limits import Budget
from mailwarden.message.model import Message

_SIGN_OFF = re.compile(
    r"^[ \t]*(?:--|(?:(?:kind|best|warm|warmest|many|with)\s+)?(?:regards|wishes|thanks)"
    r"|thank you|yours (?:sincerely|faithfully|truly)|cheers|sent from my \w+)[ \t,.!]*$",
    re.IGNORECASE | re.MULTILINE,
)
"""A line that is only a sign-off: where an internal sender's signature block begins."""
_SIGNATURE_MAX_CHARS = 600


@dataclass(frozen=True, slots=True)
class Addressing:
    """Who the message is from and to: their names are addressing, not content."""

    names: frozenset[str]
    """Lower-cased tokens of every display name and local part in the headers."""
    sender_is_internal: bool
    staff: tuple[tuple[str, ...], ...] = ()
    """Each of the organisation's staff names (config), as lower-cased tokens."""


def addressing_of(
    message: Message, organisation_domains: Sequence[str], staff_names: Sequence[str] = ()
) -> Addressing:
    """The name tokens the headers already carry, and whether the sender is one of us."""
    names: set[str] = set()
    mailboxes = [r.mailbox for r in message.recipients]
    if message.sender is not None:
        mailboxes.append(message.sender)
    for mailbox in mailboxes:
        names.update(_name_tokens(mailbox.display_name))
        names.update(_name_tokens(mailbox.address.partition("@")[0].replace(".", " ")))
    sender_domain = message.sender.domain if message.sender else ""
    internal = any(
        sender_domain == d or sender_domain.endswith("." + d) for d in organisation_domains
    )
    staff = tuple(t for name in staff_names if (t := tuple(_ordered_tokens(name))))
    return Addressing(frozenset(names), internal, staff)


class Detector:
    """Runs a set of recognizers and turns their matches into located findings."""

    def __init__(self, recognizers: Sequence[Recognizer], min_score: float = 0.5) -> None:
        names = [r.name for r in recognizers]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"recognizer names must be unique: {sorted(duplicates)}")
        self.recognizers = tuple(recognizers)
        self.min_score = min_score

    def _matches(
        self, segments: Sequence[Segment], message: Message, budget: Budget | None
    ) -> tuple[list[list[tuple[Match, str]]], str]:
        """Each segment's matches above the threshold, with the recognizer's name.

        Each recognizer reads every segment (a message recognizer all at once);
        when the time budget runs out the rest are not run, and the second value
        says what was left undone.
        """
        texts = [s.text for s in segments]
        contexts = [TextContext(s.location, message.date) for s in segments]
        results: list[list[tuple[Match, str]]] = [[] for _ in segments]
        for position, recognizer in enumerate(self.recognizers):
            many = getattr(recognizer, "analyze_many", None)
            if many is not None:
                batches: Iterable[Iterable[Match]] = many(texts, contexts)
            else:
                batches = (recognizer.analyze(t, c) for t, c in zip(texts, contexts, strict=True))
            for index, found in enumerate(batches):
                if budget is not None and time.monotonic() > budget.deadline:
                    skipped = [r.name for r in self.recognizers[position:]]
                    return results, (
                        f"time limit reached; {', '.join(skipped)} did not read "
                        f"{len(segments) - index} of {len(segments)} text segments"
                    )
                results[index].extend(
                    (m, recognizer.name) for m in found if m.score >= self.min_score
                )
        return results, ""

    def detect(
        self,
        segments: Sequence[Segment],
        message: Message,
        addressing: Addressing,
        budget: Budget | None = None,
        problems: list[ExtractionProblem] | None = None,
    ) -> list[Finding]:
        """Every finding in the segments, de-duplicated, in reading order.

        With a `budget`, stops when the message's time runs out and records in
        `problems` how much was left unscanned.
        """
        findings: list[Finding] = []
        seen: set[tuple[FindingType, str, str, str]] = set()
        per_segment, unfinished = self._matches(segments, message, budget)
        if unfinished and problems is not None:
            problems.append(ExtractionProblem("message", "limit", unfinished, "time"))
        for segment, matches in zip(segments, per_segment, strict=True):
            signature_start = _signature_start(segment) if addressing.sender_is_internal else None
            for match, recognizer_name in _resolve_overlaps(matches):
                text = segment.text[match.start : match.end]
                if _is_addressing(match, text, addressing, signature_start):
                    continue
                key = (match.type, " ".join(text.lower().split()), segment.location, match.category)
                if key in seen:
                    continue
                seen.add(key)
                findings.append(
                    Finding(
                        type=match.type,
                        text=" ".join(text.split()),
                        location=segment.location,
                        position=segment.position,
                        start=match.start,
                        end=match.end,
                        score=round(match.score, 2),
                        explanation=match.explanation,
                        recognizer=recognizer_name,
                        category=match.category,
                    )
                )
        return findings


def _resolve_overlaps(matches: list[tuple[Match, str]]) -> list[tuple[Match, str]]:
    """Keep matches in text order; where identifiers overlap, keep the likelier one.

    Phrase-level findings (people, categories, markings) never displace each
    other, but a PERSON inside an e-mail address or identifier is dropped.
    """
    matches.sort(key=lambda item: (item[0].start, -item[0].end))
    kept: list[tuple[Match, str]] = []
    for match, name in matches:
        displaced = False
        for index, (other, _) in enumerate(kept):
            if other.end <= match.start or match.end <= other.start:
                continue
            if match.type in IDENTIFIER_TYPES and other.type in IDENTIFIER_TYPES:
                if match.type is other.type or match.score <= other.score:
                    displaced = True
                else:
                    kept[index] = (match, name)
                    displaced = True
                break
            if match.type is FindingType.PERSON and other.type in IDENTIFIER_TYPES:
                displaced = True
                break
        if not displaced:
            kept.append((match, name))
    kept.sort(key=lambda item: (item[0].start, item[0].end))
    return kept


def _signature_start(segment: Segment) -> int | None:
    """Where a body's sign-off block begins, when it is near the end."""
    if segment.location != "body":
        return None
    tail_from = max(0, len(segment.text) - _SIGNATURE_MAX_CHARS)
    starts = [m.start() for m in _SIGN_OFF.finditer(segment.text, tail_from)]
    return starts[0] if starts else None


def _is_addressing(
    match: Match, text: str, addressing: Addressing, signature_start: int | None
) -> bool:
    """Names from the headers, and an internal sender's own sign-off block, are not content.

    The sign-off block (after a line such as "Kind regards") carries the sender's
    name, phone and office address: the organisation's contact details, not a
    data subject's. Only people and identifiers are dropped there; a protective
    marking or a special-category phrase in it still counts.
    """
    in_signature = signature_start is not None and match.start >= signature_start
    if match.type is FindingType.PERSON:
        tokens = _name_tokens(text)
        return in_signature or (
            bool(tokens) and (tokens <= addressing.names or _is_staff(tokens, addressing.staff))
        )
    return in_signature and match.type in IDENTIFIER_TYPES


_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "pc",
        "dc",
        "ds",
        "di",
        "dci",
        "sgt",
        "insp",
        "cllr",
        "rev",
    ]
)


def _is_staff(tokens: set[str], staff: tuple[tuple[str, ...], ...]) -> bool:
    """One of the organisation's staff: their full name, or a part of it with the surname
    ("Ms Whitfield"), never a first name alone (a pupil may share it)."""
    tokens = tokens - _TITLES
    return any(tokens <= set(name) and name[-1] in tokens for name in staff)


def _name_tokens(name: str) -> set[str]:
    return set(_ordered_tokens(name))


def _ordered_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^\w'-]+", name.lower()) if len(t) > 1]
