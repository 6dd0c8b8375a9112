"""The pipeline: parse → extract → detect → judge → decide, for one message at a time.

`Scanner` is built once per process (it loads the recognizers and their
models); `scan_bytes` and `scan_message` are then pure in effect: a message in,
a `ScanReport` out, never an exception for bad input.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date

from mailwarden.config import Config
from mailwarden.deadline import HardStop, hard_deadline
from mailwarden.detect.engine import Detector, addressing_of
from mailwarden.detect.finding import Finding, FindingType
from mailwarden.detect.recognizers import build_recognizers
from mailwarden.extract.base import ExtractionProblem
from mailwarden.extract.limits import Budget
from mailwarden.extract.registry import ExtractionResult, extract_message
from mailwarden.knowledge.features import MessageFeatures, features_of
from mailwarden.knowledge.source import KnowledgeSource
from mailwarden.message.model import Message, ParseProblem
from mailwarden.message.parse import parse_message
from mailwarden.policy.decide import decide, recipient_class
from mailwarden.policy.schema import Policy
from mailwarden.policy.settings import policy_settings
from mailwarden.report import ScanReport
from mailwarden.rules import DEFAULT_RULES, Rule, RuleInput

HARD_STOP_GRACE_SECONDS = 1.0
"""The stages stop themselves at the deadline; the hard stop catches a call that does not return."""


class Scanner:
    """Scans messages with one config; build once, use for many messages."""

    def __init__(
        self,
        config: Config | None = None,
        rules: Sequence[Rule] = DEFAULT_RULES,
        knowledge: KnowledgeSource | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.config = config or Config()
        self.detector = Detector(build_recognizers(self.config), self.config.detect.min_score)
        self.rules = tuple(rules)
        self.knowledge = knowledge
        """Where the recipient rules learn who has discussed what; None scans content only."""
        self.policy = policy
        """The action per rule and recipient class; None gives each rule's own severity
        (the command line passes the shipped default policy when no file is given)."""

    def warm_up(self) -> None:
        """Load now what loads on first use (the language model), so that a server's first
        message is not the slow one."""
        self.scan_bytes(_WARM_UP)

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        """Scan one RFC 5322 message given as bytes; a failure inside becomes an error entry."""
        try:
            return self._scan_bytes(raw, source)
        except Exception as exc:  # the safety net: a bug must give a fail-safe report
            return self._failed(raw, source, exc)

    def _failed(self, raw: bytes, source: str, error: Exception) -> ScanReport:
        """A report for a message whose scan failed: its recipients, and the failure."""
        try:
            message = parse_message(_header_block(raw), self.config.limits.parsing())
        except Exception:
            message = Message()
        message.size = len(raw)
        problem = ExtractionProblem("message", "internal", f"internal error: {error!r}")
        return self._report(source, message, [], [problem], time.monotonic())

    def _scan_bytes(self, raw: bytes, source: str) -> ScanReport:
        started = time.monotonic()
        limits = self.config.limits
        if len(raw) > limits.max_message_bytes:
            message = parse_message(_header_block(raw), limits.parsing())
            message.size = len(raw)
            problem = ExtractionProblem(
                "message",
                "limit",
                f"message of {len(raw):,} bytes is over the "
                f"{limits.max_message_bytes:,}-byte limit",
                limit="size",
            )
            return self._report(source, message, [], [problem], started)
        return self.scan_message(parse_message(raw, limits.parsing()), source, started)

    def read_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        """Parse and extract only: the message, its text segments and the parts that could
        not be read, with no findings and no decisions. For showing a message whose
        findings are known already (a hold keeps the gateway's), at a small part of a
        scan's cost. Never raises for bad input."""
        started = time.monotonic()
        limits = self.config.limits
        extraction = ExtractionResult()
        message = Message(size=len(raw))
        try:
            if len(raw) > limits.max_message_bytes:
                message = parse_message(_header_block(raw), limits.parsing())
                detail = f"message of {len(raw):,} bytes is over the limit"
                extraction.problems.append(ExtractionProblem("message", "limit", detail, "size"))
            else:
                message = parse_message(raw, limits.parsing())
                budget = Budget(limits.extraction(), started=started)
                with hard_deadline(budget.deadline + HARD_STOP_GRACE_SECONDS):
                    extract_message(message, budget=budget, into=extraction)
        except HardStop:
            detail = f"time limit of {limits.seconds_per_message:g}s reached; reading stopped"
            extraction.problems.append(ExtractionProblem("message", "limit", detail, "time"))
        except Exception as exc:  # a bug must not cost the reviewer the page
            detail = f"internal error: {exc!r}"
            extraction.problems.append(ExtractionProblem("message", "internal", detail))
        message.size = len(raw)
        return ScanReport(
            source=source,
            message=message,
            findings=[],
            decisions=[],
            problems=extraction.problems,
            warnings=list(message.problems),
            seconds=time.monotonic() - started,
            segments=extraction.segments,
        )

    def scan_unreadable(
        self, source: str, size: int, detail: str, kind: str = "corrupt"
    ) -> ScanReport:
        """The report for input that is not a message at all (a corrupt .msg, say)."""
        message = Message(size=size)
        problem = ExtractionProblem("message", kind, detail)
        return self._report(source, message, [], [problem], time.monotonic())

    def scan_message(
        self, message: Message, source: str = "", started: float | None = None
    ) -> ScanReport:
        """Scan an already parsed message (from a .msg file, say)."""
        started = time.monotonic() if started is None else started
        budget = Budget(self.config.limits.extraction(), started=started)
        extraction = ExtractionResult()
        addressing = addressing_of(
            message, self._internal_domains(message), self.config.organisation.staff_names
        )
        findings: list[Finding] = []
        try:
            with hard_deadline(budget.deadline + HARD_STOP_GRACE_SECONDS):
                extract_message(message, budget=budget, into=extraction)
                findings = self.detector.detect(
                    extraction.segments, message, addressing, budget, extraction.problems
                )
        except HardStop:
            detail = f"time limit of {budget.limits.seconds_per_message:g}s reached; scan stopped"
            extraction.problems.append(ExtractionProblem("message", "limit", detail, "time"))
        report = self._report(source, message, findings, extraction.problems, started)
        report.segments = extraction.segments
        return report

    def _report(
        self,
        source: str,
        message: Message,
        findings: list[Finding],
        problems: list[ExtractionProblem],
        started: float,
    ) -> ScanReport:
        problems = problems + [
            ExtractionProblem(p.location, "limit", p.detail) for p in message.problems if p.skipped
        ]
        findings = findings + [_unscannable_finding(p) for p in problems if p.unscannable]
        features, knowledge = MessageFeatures(), None
        if self.knowledge is not None:
            features = features_of(message, findings, self.knowledge.keyer)
            try:
                knowledge = self.knowledge.knowledge_for(message, features)
            except Exception as exc:  # a store that is down must not pass mail unjudged
                problems = [
                    *problems,
                    ExtractionProblem("knowledge", "internal", f"knowledge store failed: {exc!r}"),
                ]
                findings = [*findings, _unscannable_finding(problems[-1])]
        subject = RuleInput(
            message,
            findings,
            problems,
            self.config,
            self._internal_domains(message),
            features,
            knowledge,
            policy_settings(self.policy, self.config),
        )
        decisions = []
        today = date.today()
        for recipient in message.recipients:
            reasons = [r for rule in self.rules if (r := rule.check(subject, recipient))]
            cls = recipient_class(subject, recipient)
            decisions.append(decide(recipient, reasons, self.policy, cls, today))
        return ScanReport(
            source=source,
            message=message,
            findings=findings,
            decisions=decisions,
            problems=problems,
            warnings=list(message.problems),
            seconds=time.monotonic() - started,
            features=features,
        )

    def _internal_domains(self, message: Message) -> tuple[str, ...]:
        """The organisation's domains; without a config, the sender's own domain."""
        if self.config.organisation.domains:
            return tuple(self.config.organisation.domains)
        if message.sender is not None and message.sender.domain:
            return (message.sender.domain,)
        return ()


_WARM_UP = (
    b"From: warm-up@mailwarden.invalid\r\nTo: warm-up@mailwarden.invalid\r\n"
    b"Subject: warm-up\r\n\r\n"
    b"Niamh Ni Bhriain and Imran Qureshi met at the Greenfield centre on Tuesday.\r\n"
)
"""Names the rules alone cannot settle, so the model is asked (and loaded)."""


def _header_block(raw: bytes) -> bytes:
    end = raw.find(b"\n\n", 0, 1024 * 1024)
    crlf_end = raw.find(b"\r\n\r\n", 0, 1024 * 1024)
    ends = [e for e in (end, crlf_end) if e >= 0]
    return raw[: min(ends)] + b"\r\n\r\n" if ends else raw[: 64 * 1024]


def _unscannable_finding(problem: ExtractionProblem) -> Finding:
    return Finding(
        type=FindingType.UNSCANNABLE,
        text=problem.location,
        location=problem.location,
        score=1.0,
        explanation=f"could not be scanned ({problem.kind}): {problem.detail}",
        recognizer="extract",
    )


__all__ = ["ParseProblem", "Scanner"]
