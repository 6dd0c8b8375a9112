"""E-mail addresses written in the text (not the message's own addressing headers)."""

from __future__ import annotations

from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer


class EmailAddressRecognizer(PatternRecognizer):
    name = "email_address"
    description = "E-mail addresses written in the body or an attachment."
    finding_type = FindingType.EMAIL_ADDRESS
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "addr-spec",
            r"(?<![\w.+-])([\w.+'-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24})(?![\w-])",
            0.8,
        ),
    )
    separators = ""
    explanation = "an e-mail address"

    def validate(self, candidate: str) -> bool:
        local = candidate.partition("@")[0]
        return not (local.startswith(".") or local.endswith(".") or ".." in local)


def create(config: Config) -> EmailAddressRecognizer:
    return EmailAddressRecognizer()
