"""A message's features: its cases, people, identifiers and attachments as keyed hashes.

The store must not become a second copy of the sensitive data it protects, so
what it keeps of a person or an identifier is an HMAC with the installation's
key, over a normalised form ("Ellie  MARSH" and "Ellie Marsh" are one person;
"485 777 3457" and "4857773457" one NHS number). The plain text stays in the
`Feature` only for the message being judged, so explanations can name it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mailwarden.detect.finding import Finding, FindingType
from mailwarden.knowledge.model import FeatureKind
from mailwarden.message.model import Message

KIND_OF_FINDING: dict[FindingType, FeatureKind] = {
    FindingType.CRIME_REFERENCE: FeatureKind.CASE,
    FindingType.PERSON: FeatureKind.PERSON,
    FindingType.UK_NHS: FeatureKind.IDENTIFIER,
    FindingType.UK_NINO: FeatureKind.IDENTIFIER,
    FindingType.PNC_ID: FeatureKind.IDENTIFIER,
    FindingType.DATE_OF_BIRTH: FeatureKind.IDENTIFIER,
    FindingType.UK_PASSPORT: FeatureKind.IDENTIFIER,
    FindingType.UK_DRIVING_LICENCE: FeatureKind.IDENTIFIER,
    FindingType.UK_VEHICLE_REG: FeatureKind.IDENTIFIER,
    FindingType.UK_BANK_ACCOUNT: FeatureKind.IDENTIFIER,
    FindingType.PAYMENT_CARD: FeatureKind.IDENTIFIER,
    FindingType.IBAN: FeatureKind.IDENTIFIER,
}
"""Findings that say which case or whom a message is about. Phones, postcodes and
addresses are left out: they belong to offices as often as to people."""

_TITLES = re.compile(
    r"^(?:mr|mrs|ms|miss|mx|dr|prof|pc|dc|ds|di|dci|sgt|cllr|rev)\.?\s+", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\s./-]+")
_MIN_PERSON_WORDS = 2
"""A single name ("Aisha") is too common to tie a message to a person."""


@dataclass(frozen=True, slots=True)
class Feature:
    """One case, person, identifier or attachment in the message being judged."""

    kind: FeatureKind
    key: str
    """The keyed hash the store knows it by."""
    label: str
    """How the message writes it: for explanations, never stored."""
    locations: frozenset[str]
    """Where it stands: "body", "header:subject", "attachment:Referral.docx"..."""


@dataclass(frozen=True, slots=True)
class MessageFeatures:
    features: tuple[Feature, ...] = ()

    def of_kind(self, *kinds: FeatureKind) -> tuple[Feature, ...]:
        return tuple(f for f in self.features if f.kind in kinds)

    def at(self, location: str) -> tuple[Feature, ...]:
        """Features found in one place (an attachment's nested members count as it)."""
        return tuple(
            f
            for f in self.features
            if any(loc == location or loc.startswith(location + "/") for loc in f.locations)
        )

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.features)


class Keyer:
    """Keyed hashes with the installation's secret key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the installation key must be at least 16 bytes")
        self._secret = secret

    def key(self, kind: FeatureKind, normalised: str) -> str:
        digest = hmac.new(self._secret, f"{kind.value}:{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


def normalise(kind: FeatureKind, text: str) -> str:
    """The form two writings of one value share."""
    if kind is FeatureKind.PERSON:
        return " ".join(_TITLES.sub("", " ".join(text.split())).casefold().split())
    return _SEPARATORS.sub("", text).upper()


def features_of(message: Message, findings: Sequence[Finding], keyer: Keyer) -> MessageFeatures:
    """The message's cases, people, identifiers and attachment fingerprints, keyed."""
    found: dict[str, tuple[FeatureKind, str, set[str]]] = {}
    for finding in _meaningful(findings):
        kind = KIND_OF_FINDING[finding.type]
        key = keyer.key(kind, normalise(kind, finding.text))
        entry = found.setdefault(key, (kind, finding.text, set()))
        entry[2].add(finding.location)
    for part in message.attachments:
        if part.payload:
            digest = hashlib.sha256(part.payload).hexdigest()
            key = keyer.key(FeatureKind.ATTACHMENT, digest)
            found.setdefault(key, (FeatureKind.ATTACHMENT, part.name, set()))[2].add(
                f"attachment:{part.name}"
            )
    return MessageFeatures(
        tuple(
            Feature(kind, key, label, frozenset(locations))
            for key, (kind, label, locations) in found.items()
        )
    )


def _meaningful(findings: Iterable[Finding]) -> Iterable[Finding]:
    for finding in findings:
        if finding.type not in KIND_OF_FINDING:
            continue
        if finding.type is FindingType.PERSON:
            words = normalise(FeatureKind.PERSON, finding.text).split()
            if len(words) < _MIN_PERSON_WORDS:
                continue
        yield finding
