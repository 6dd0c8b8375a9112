"""UK bank account: a sort code and an 8-digit account number written near each other.

Alone, a sort code names a bank branch and eight digits name nothing; the pair
within 40 characters, in either order, is an account. The span covers both
and what stands between them ("20-00-00, account 12345678").

Banks check an account number against its sort code with Pay.UK's modulus
weight tables (VocaLink), which change every few months and which no
permissively licensed library bundles (python-stdnum has no UK bank module).
So the check here is the shape and the nearness: a separated sort code
(20-00-00, 20 00 00) is found on its own; six plain digits only with a bank
word nearby.
"""

from __future__ import annotations

import re
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

_GAP = r"\D{1,40}?"
"""What may stand between the two numbers: up to 40 characters, none of them digits."""
_SORT_CODE = r"\d{2}([- ])\d{2}\2\d{2}"
_PLAIN_SORT_CODE = r"\d{6}"
_ANY_SORT_CODE = r"\d{2}[- ]?\d{2}[- ]?\d{2}"
_ACCOUNT = r"\d{8}"
_START = r"(?<![\d-])"
_END = r"(?![\d-])"


class UkBankAccountRecognizer(PatternRecognizer):
    name = "uk_bank_account"
    description = "UK bank accounts: a sort code and an 8-digit account number close together."
    finding_type = FindingType.UK_BANK_ACCOUNT
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("sort code, account", rf"{_START}({_SORT_CODE}{_END}{_GAP}{_ACCOUNT}){_END}", 0.6),
        Pattern("account, sort code", rf"{_START}({_ACCOUNT}{_END}{_GAP}{_SORT_CODE}){_END}", 0.6),
        Pattern(
            "plain sort code, account",
            rf"{_START}({_PLAIN_SORT_CODE}{_END}{_GAP}{_ACCOUNT}){_END}",
            0.3,
        ),
        Pattern(
            "account, plain sort code",
            rf"{_START}({_ACCOUNT}{_END}{_GAP}{_PLAIN_SORT_CODE}){_END}",
            0.3,
        ),
    )
    context_words = ("sort code", "sortcode", "sort-code", "account", "a/c", "bank", "bacs")

    def explain(self, candidate: str, valid: bool | None) -> str:
        account_first = re.match(rf"{_ACCOUNT}(?!\d)", candidate) is not None
        sort_code = re.search(_ANY_SORT_CODE + ("$" if account_first else ""), candidate)
        shape = re.sub(r"\d", "N", sort_code.group() if sort_code else "")
        order = "after" if account_first else "before"
        return (
            f"sort code ({shape}) {order} an 8-digit account number; "
            "shape and nearness only (no public modulus check)"
        )


def create(config: Config) -> UkBankAccountRecognizer:
    return UkBankAccountRecognizer()
