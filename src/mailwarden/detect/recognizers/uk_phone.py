"""UK phone numbers, found and checked by phonenumbers (Google's libphonenumber).

The candidates come from `PhoneNumberMatcher` for region GB at leniency VALID,
not from a regex: it knows every allocated UK range and the ways people write
them ("020 7946 0958", "+44 (0)7911 123456", "07911-123456"). Only numbers in
+44 are kept; a number from another country is not a UK_PHONE. The span is
the matcher's, exactly as written.

Ofcom's ranges for drama (07700 900000-900999, 01632 960000-960999, 020 7946
0000-0999 and the others below) are never allocated, so phonenumbers calls
some of them invalid. They are reported all the same, and say so: they are
what test and training data uses, they have the shape of real numbers, and a
guard that ignores them cannot be tested end to end with safe data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatch, PhoneNumberType

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import Pattern, PatternRecognizer, TextContext

_DRAMA_RANGES = (
    "1134960",  # Leeds        0113 496 0xxx
    "1144960",  # Sheffield    0114 496 0xxx
    "1154960",  # Nottingham   0115 496 0xxx
    "1164960",  # Leicester    0116 496 0xxx
    "1174960",  # Bristol      0117 496 0xxx
    "1184960",  # Reading      0118 496 0xxx
    "1214960",  # Birmingham   0121 496 0xxx
    "1314960",  # Edinburgh    0131 496 0xxx
    "1414960",  # Glasgow      0141 496 0xxx
    "1514960",  # Liverpool    0151 496 0xxx
    "1614960",  # Manchester   0161 496 0xxx
    "1914980",  # Tyneside     0191 498 0xxx
    "2079460",  # London       020 7946 0xxx
    "2896496",  # Belfast      028 9649 6xxx
    "2920180",  # Cardiff      029 2018 0xxx
    "1632960",  # no area      01632 960xxx
    "7700900",  # mobile       07700 900xxx
    "8081570",  # freephone    08081 570xxx
    "9098790",  # premium rate 0909 879 0xxx
    "3069990",  # UK-wide      03069 990xxx
)
"""National significant numbers' first seven digits; three digits follow."""

_DRAMA_HINT = re.compile("|".join(r"\D{0,4}".join(prefix) for prefix in _DRAMA_RANGES))

_KINDS = {
    PhoneNumberType.MOBILE: "UK mobile number",
    PhoneNumberType.FIXED_LINE: "UK landline number",
    PhoneNumberType.TOLL_FREE: "UK freephone number",
    PhoneNumberType.PREMIUM_RATE: "UK premium-rate number",
    PhoneNumberType.UAN: "UK non-geographic number",
    PhoneNumberType.PERSONAL_NUMBER: "UK personal number",
    PhoneNumberType.VOIP: "UK VoIP number",
}


def is_drama(number: PhoneNumber) -> bool:
    """True for a number in one of Ofcom's ranges reserved for drama."""
    national = str(number.national_number)
    return number.country_code == 44 and len(national) == 10 and national[:7] in _DRAMA_RANGES


class UkPhoneRecognizer(PatternRecognizer):
    name = "uk_phone"
    description = "UK phone numbers in an allocated range (or Ofcom's drama ranges)."
    finding_type = FindingType.UK_PHONE
    patterns: ClassVar[tuple[Pattern, ...]] = ()
    """None: phonenumbers finds the candidates."""
    context_words = ("phone", "tel", "mobile", "call", "ring", "contact", "text", "whatsapp")
    SCORE: ClassVar[float] = 0.6

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        lowered = text.lower()
        for found in self._candidates(text):
            if found.number.country_code != 44:
                continue
            score = self.SCORE
            if self.has_context(lowered, found.start, found.end):
                score = min(1.0, score + self.CONTEXT_BOOST)
            yield Match(self.finding_type, found.start, found.end, score, _explain(found.number))

    def _candidates(self, text: str) -> list[PhoneNumberMatch]:
        """Valid numbers, and drama numbers phonenumbers would call invalid, in text order.

        The matcher is slow on long text, so it reads only windows around runs of
        digits long enough to be a UK number; spans are mapped back to the text.
        """
        found: list[PhoneNumberMatch] = []
        for start, end in _digit_windows(text):
            for match in self._window_candidates(text[start:end]):
                found.append(PhoneNumberMatch(start + match.start, match.raw_string, match.number))
        return found

    def _window_candidates(self, text: str) -> list[PhoneNumberMatch]:
        valid = list(phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.VALID))
        if not _DRAMA_HINT.search(text):
            return valid
        spans = {(m.start, m.end) for m in valid}
        drama = [
            m
            for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE)
            if is_drama(m.number)
            and (m.start, m.end) not in spans
            and not _touches_a_letter(text, m.start, m.end)
        ]
        return sorted(valid + drama, key=lambda m: m.start)


_DIGIT_RUN = re.compile(r"\+?\(?\d[\d ()./-]{7,}\d")
"""Ten or more characters of digits and separators: where a UK number could be."""
_WINDOW_MARGIN = 12


def _digit_windows(text: str) -> list[tuple[int, int]]:
    """Merged windows around every run of digits that could hold a phone number."""
    windows: list[tuple[int, int]] = []
    for run in _DIGIT_RUN.finditer(text):
        if sum(c.isdigit() for c in run.group()) < 9:
            continue
        start = max(0, run.start() - _WINDOW_MARGIN)
        end = min(len(text), run.end() + _WINDOW_MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _touches_a_letter(text: str, start: int, end: int) -> bool:
    """What leniency VALID checks and POSSIBLE does not: "abc07700900123" is no number."""
    return (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha())


_KIND_BY_FIRST_DIGIT = {
    "1": "UK landline number",
    "2": "UK landline number",
    "3": "UK non-geographic number",
    "7": "UK mobile number",
    "8": "UK freephone number",
    "9": "UK premium-rate number",
}
"""For drama numbers, which phonenumbers cannot type: Ofcom's plan by first digit."""


def _explain(number: PhoneNumber) -> str:
    kind = _KINDS.get(phonenumbers.number_type(number)) or _KIND_BY_FIRST_DIGIT.get(
        str(number.national_number)[:1], "UK phone number"
    )
    if is_drama(number):
        return f"{kind} in an Ofcom drama range (fictional, allocated to nobody)"
    return f"{kind} in an allocated range"


def create(config: Config) -> UkPhoneRecognizer:
    return UkPhoneRecognizer()
