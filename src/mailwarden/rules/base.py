"""The rule interface: a message, its findings and a recipient → reasons to stop, as data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from mailwarden.config import Config
from mailwarden.detect.finding import Finding
from mailwarden.extract.base import ExtractionProblem
from mailwarden.knowledge.features import MessageFeatures
from mailwarden.knowledge.model import Knowledge
from mailwarden.message.model import Message, Recipient
from mailwarden.rules.settings import PolicySettings


class Verdict(StrEnum):
    """What happens to a recipient's copy, from least to most severe."""

    DELIVER = "deliver"
    CONFIRM = "confirm"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


class ReasonKind(StrEnum):
    """A finer name than the rule's for what a reason is about: the policy line it is
    decided under, when the policy file has one (`[actions] too_large = "hold"`)."""

    UNSCANNABLE = "unscannable"
    """Content that could not be read: encrypted, corrupt, a format not read, a limit."""
    TOO_LARGE = "too_large"
    """The message was over the size limit and was not read at all."""
    TOO_SLOW = "too_slow"
    """The message's scan ran out of time; what was left was not read."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule's hit for one recipient: which rule, what it asks for, and why in plain words."""

    rule: str
    action: Verdict
    explanation: str
    evidence: tuple[str, ...] = ()
    """The findings' texts (or addresses) that triggered it, for the reviewer."""
    kind: ReasonKind | None = None
    """What the reason is about when the policy may judge it apart from the rest of its
    rule; None when the rule's name says it all."""


@dataclass(frozen=True, slots=True)
class RuleInput:
    """Everything a rule may look at; built once per message."""

    message: Message
    findings: Sequence[Finding]
    problems: Sequence[ExtractionProblem]
    config: Config
    internal_domains: tuple[str, ...] = field(default=())
    features: MessageFeatures = field(default_factory=MessageFeatures)
    """The message's cases, people, identifiers and attachments, keyed (empty without a store)."""
    knowledge: Knowledge | None = None
    """What the store knows of the recipients, thread and keys; None when scanning without one."""
    settings: PolicySettings = field(default_factory=PolicySettings)
    """The policy's thresholds, partners and clearances; the rules read these, not `config`."""

    def is_internal(self, domain: str) -> bool:
        domain = domain.lower()
        return any(domain == d or domain.endswith("." + d) for d in self.internal_domains)


class Rule(Protocol):
    """One check of one recipient: a unique `name`, a one-line `description`, the action it
    asks for when it fires (`severity`), and `check()`."""

    name: str
    description: str
    severity: Verdict

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        """A reason to stop this recipient's copy, or None."""
        ...
