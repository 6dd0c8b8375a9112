"""Learning from an archive: every message's correspondents, thread and keys, into the store.

Learning reads what the readers give (`.eml`, `.msg`, mbox, Maildir), one message at a
time, and writes in batches, so memory stays flat whatever the archive's size. It needs
each message's cases, people and identifiers, but not the rest of a scan, so it runs a
learning profile (`Learner`): parse, extract the body texts (attachments too with
`attachments=True`), and a `Detector` with only the recognizers that make features, with
PERSON on its rules alone (no language model). With `workers > 1` the profile runs in
that many processes while this one writes.

Most of an archive is plain single-part mail from the same few hundred correspondents,
and the full parser spends most of its time on what such mail does not need (the modern
header registry for every header, the MIME walk). `quick_parse` reads those messages
with the legacy parser's header split, the same strict address parser (remembering the
address lines it has read) and the transfer decoding; it gives the same `Message` as
`parse_message` for them, and gives way to `parse_message` for everything else:
multipart, encoded words, 8-bit headers, attachments, anything unusual.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import email.policy
import multiprocessing
import os
import quopri
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from functools import lru_cache
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path

from mailwarden.config import Config
from mailwarden.deadline import HardStop, hard_deadline
from mailwarden.detect.engine import Detector, addressing_of
from mailwarden.detect.recognizer import Recognizer
from mailwarden.detect.recognizers import build_recognizers
from mailwarden.detect.recognizers.person import PersonRecognizer
from mailwarden.extract.limits import Budget
from mailwarden.extract.registry import ExtractionResult, extract_message
from mailwarden.knowledge.features import (
    KIND_OF_FINDING,
    Feature,
    Keyer,
    MessageFeatures,
    features_of,
)
from mailwarden.knowledge.store import KnowledgeStore, Learnable, message_digest
from mailwarden.message.addresses import parse_address_header
from mailwarden.message.model import Address, AddressField, Message, Part, Recipient
from mailwarden.message.parse import ParseLimits, parse_message
from mailwarden.message.readers import InputFormat, InputItem, iter_inputs

BATCH_SIZE = 1000
"""Messages written per transaction."""
WORKER_CHUNK = 50
"""Messages handed to a worker process at a time."""
CHUNKS_IN_FLIGHT = 8
"""Chunks queued per worker: enough for the workers to keep going while a batch is
written, few enough to keep memory flat (400 messages per worker at most)."""
HARD_STOP_GRACE_SECONDS = 1.0

LEARNED_TYPES = frozenset(KIND_OF_FINDING)
"""What the learning detector finds: only the findings that make features. Phones,
postcodes and e-mail addresses are left out; where a scan would let one of them displace
an overlapping identifier, learning keeps a key no scan will ask about, which is harmless,
and the reverse cannot happen (fewer recognizers displace less)."""


@dataclass(slots=True)
class LearnSummary:
    """What `learn_paths` did."""

    learned: int = 0
    already_learned: int = 0
    """Read, but learned before (same Message-ID, or same bytes): nothing changed."""
    unreadable: int = 0
    unreadable_sources: list[str] = field(default_factory=list)
    """Where the first few unreadable messages came from."""

    @property
    def read(self) -> int:
        return self.learned + self.already_learned + self.unreadable

    def __str__(self) -> str:
        return (
            f"learned {self.learned:,} messages, {self.already_learned:,} already learned, "
            f"{self.unreadable:,} unreadable"
        )


def learning_recognizers(config: Config) -> list[Recognizer]:
    """The recognizers that make features, PERSON without its model."""
    known = config.detect.known_records.model_copy(update={"files": []})
    quick = config.model_copy(
        update={"detect": config.detect.model_copy(update={"known_records": known})}
    )
    chosen: list[Recognizer] = []
    for recognizer in build_recognizers(quick):
        if recognizer.finding_type not in LEARNED_TYPES:
            continue
        if isinstance(recognizer, PersonRecognizer):
            recognizer = PersonRecognizer(use_model=False)
        chosen.append(recognizer)
    return chosen


class Learner:
    """The learning profile: a message's bytes to what the store learns of it."""

    def __init__(self, config: Config, keyer: Keyer, attachments: bool = False) -> None:
        self.config = config
        self.keyer = keyer
        self.attachments = attachments
        self.detector = Detector(learning_recognizers(config), config.detect.min_score)

    def learnable(self, item: InputItem) -> Learnable | None:
        """The message with its features, or None when it cannot be read as mail."""
        try:
            message = self._message(item)
        except Exception:  # a reader's or parser's failure: one unreadable message
            return None
        if message is None:
            return None
        try:
            learnable = self._features(message, item.data)
        except Exception:  # a stage's bug must not stop an archive; the message is skipped
            return None
        return learnable

    def _message(self, item: InputItem) -> Message | None:
        if item.format is InputFormat.OUTLOOK_MSG:
            from mailwarden.message.msg import MsgError, message_from_msg_bytes

            try:
                return message_from_msg_bytes(item.data)
            except MsgError:
                return None
        if len(item.data) > self.config.limits.max_message_bytes:
            return None
        limits = self.config.limits.parsing()
        return quick_parse(item.data, limits) or parse_message(item.data, limits)

    def _features(self, message: Message, raw: bytes) -> Learnable:
        digest = message_digest(message, raw)
        read = message if self.attachments else _bodies_only(message)
        budget = Budget(self.config.limits.extraction())
        domains = self.config.organisation.domains or (
            [message.sender.domain] if message.sender and message.sender.domain else []
        )
        addressing = addressing_of(message, domains, self.config.organisation.staff_names)
        extraction = ExtractionResult()
        findings = []
        try:
            with hard_deadline(budget.deadline + HARD_STOP_GRACE_SECONDS):
                extract_message(read, budget=budget, into=extraction)
                findings = self.detector.detect(extraction.segments, message, addressing, budget)
        except HardStop:
            pass  # what was found before the stop is still learned
        keyed = features_of(message, findings, self.keyer).features
        # Only the keys travel on: no label (the plain text), no locations.
        features = MessageFeatures(tuple(Feature(f.kind, f.key, "", frozenset()) for f in keyed))
        return Learnable(replace(message, parts=[], problems=[]), features, digest)


def learn_paths(
    store: KnowledgeStore,
    paths: list[Path],
    config: Config,
    *,
    attachments: bool = False,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_message: Callable[[], None] | None = None,
) -> LearnSummary:
    """Learn every message under the paths; `on_message` is called after each one read."""
    summary = LearnSummary()
    pending: list[Learnable] = []

    def flush() -> None:
        for was_new in store.learn_many(pending):
            if was_new:
                summary.learned += 1
            else:
                summary.already_learned += 1
        pending.clear()

    for source, learnable in _learnables(paths, config, store.keyer, attachments, workers):
        if learnable is None:
            summary.unreadable += 1
            if len(summary.unreadable_sources) < 10:
                summary.unreadable_sources.append(source)
        else:
            pending.append(learnable)
            if len(pending) >= batch_size:
                flush()
        if on_message is not None:
            on_message()
    if pending:
        flush()
    return summary


def _learnables(
    paths: list[Path], config: Config, keyer: Keyer, attachments: bool, workers: int
) -> Iterator[tuple[str, Learnable | None]]:
    items = iter_inputs(paths)
    if workers <= 1:
        learner = Learner(config, keyer, attachments)
        for item in items:
            yield item.source, learner.learnable(item)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(
        workers, initializer=_start_worker, initargs=(config, keyer, attachments)
    ) as pool:
        # Pool.imap would read the whole archive ahead of the workers; a bounded queue of
        # chunks keeps the workers busy while batches are written, and memory flat.
        in_flight: deque[AsyncResult[list[tuple[str, Learnable | None]]]] = deque()
        for chunk in _chunks(items, WORKER_CHUNK):
            in_flight.append(pool.apply_async(_learn_chunk, (chunk,)))
            if len(in_flight) >= CHUNKS_IN_FLIGHT * workers:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


_worker: Learner | None = None


def _start_worker(config: Config, keyer: Keyer, attachments: bool) -> None:
    global _worker
    _worker = Learner(config, keyer, attachments)


def _learn_chunk(items: list[InputItem]) -> list[tuple[str, Learnable | None]]:
    assert _worker is not None, "worker not started"
    return [(item.source, _worker.learnable(item)) for item in items]


def _chunks(items: Iterable[InputItem], size: int) -> Iterator[list[InputItem]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_QUICK_TYPES = frozenset({"text/plain", "text/html"})
_QUICK_ENCODINGS = frozenset({"", "7bit", "8bit", "binary", "quoted-printable", "base64"})
_ADDRESS_FIELDS = (("to", AddressField.TO), ("cc", AddressField.CC), ("bcc", AddressField.BCC))


def quick_parse(raw: bytes, limits: ParseLimits) -> Message | None:
    """A plain single-part message as `parse_message` reads it, or None to use that.

    Taken only when the header block is plain ASCII without encoded words and within
    the limits, there is one text/plain or text/html body that is no attachment, and
    its transfer encoding is one the legacy parser decodes as the modern one does.
    """
    end = _HEADER_END.search(raw, 0, limits.max_header_bytes)
    if end is None:
        return None
    head = raw[: end.start()]
    if not head.isascii() or b"=?" in head or head.count(b"\n") >= limits.max_header_lines:
        return None
    headers = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
    if headers.defects or headers.get_content_maintype() == "multipart":
        return None
    if headers.get_content_type() not in _QUICK_TYPES or headers.get_filename() is not None:
        return None
    encoding = " ".join(headers.get("content-transfer-encoding", "").split()).lower()
    if headers.get_content_disposition() == "attachment" or encoding not in _QUICK_ENCODINGS:
        return None
    body = raw[end.end() :]
    if encoding == "quoted-printable":
        payload = quopri.decodestring(body)
    elif encoding == "base64":
        try:
            payload = base64.b64decode(body, validate=False)
        except binascii.Error:
            return None
    else:
        payload = body
    message = Message(subject=_unfolded(headers, "subject"), size=len(raw))
    senders, problem = _cached_addresses(_all_unfolded(headers, "from"))
    if problem:
        return None
    message.sender = senders[0] if senders else None
    for name, address_field in _ADDRESS_FIELDS:
        found, problem = _cached_addresses(_all_unfolded(headers, name))
        if problem:
            return None
        message.recipients += [Recipient(mailbox, address_field) for mailbox in found]
    message.message_id = _unfolded(headers, "message-id")
    message.in_reply_to = _unfolded(headers, "in-reply-to")
    message.references = _unfolded(headers, "references").split()
    date = _unfolded(headers, "date")
    if date:
        try:
            message.date = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    charset = headers.get_content_charset()
    message.parts.append(Part(headers.get_content_type(), payload, "", True, charset))
    return message


def _unfolded(headers: email.message.Message, name: str) -> str:
    value = headers.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _all_unfolded(headers: email.message.Message, name: str) -> tuple[str, ...]:
    return tuple(" ".join(str(v).split()) for v in headers.get_all(name) or [])


@lru_cache(maxsize=16384)
def _cached_addresses(values: tuple[str, ...]) -> tuple[tuple[Address, ...], str | None]:
    """The strict address parser's reading of a header's lines (an archive repeats them)."""
    found: list[Address] = []
    for value in values:
        addresses, problem = parse_address_header(value)
        if problem:
            return (), problem
        found.extend(addresses)
    return tuple(found), None


def _bodies_only(message: Message) -> Message:
    return replace(message, parts=[p for p in message.parts if p.is_body])
