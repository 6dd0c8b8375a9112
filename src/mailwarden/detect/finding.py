"""What the detect stage reports: finding types, a recognizer's raw match, and a located finding."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingType(StrEnum):
    """The kinds of sensitive content mailwarden reports (names are part of the JSON contract)."""

    PERSON = "PERSON"
    CHILD = "CHILD"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    UK_NHS = "UK_NHS"
    UK_NINO = "UK_NINO"
    UK_POSTCODE = "UK_POSTCODE"
    UK_PHONE = "UK_PHONE"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    UK_BANK_ACCOUNT = "UK_BANK_ACCOUNT"
    PAYMENT_CARD = "PAYMENT_CARD"
    IBAN = "IBAN"
    UK_PASSPORT = "UK_PASSPORT"
    UK_DRIVING_LICENCE = "UK_DRIVING_LICENCE"
    UK_VEHICLE_REG = "UK_VEHICLE_REG"
    PNC_ID = "PNC_ID"
    CRIME_REFERENCE = "CRIME_REFERENCE"
    SPECIAL_CATEGORY = "SPECIAL_CATEGORY"
    CRIMINAL_OFFENCE = "CRIMINAL_OFFENCE"
    PROTECTIVE_MARKING = "PROTECTIVE_MARKING"
    KNOWN_RECORD = "KNOWN_RECORD"
    UNSCANNABLE = "UNSCANNABLE"
    """A part that could not be read (encrypted, corrupt, over a limit): content may be hidden."""


LABELS: dict[FindingType, str] = {
    FindingType.PERSON: "named person",
    FindingType.CHILD: "reference to a child",
    FindingType.DATE_OF_BIRTH: "date of birth",
    FindingType.UK_NHS: "NHS number",
    FindingType.UK_NINO: "National Insurance number",
    FindingType.UK_POSTCODE: "postcode",
    FindingType.UK_PHONE: "phone number",
    FindingType.EMAIL_ADDRESS: "e-mail address",
    FindingType.UK_BANK_ACCOUNT: "bank account",
    FindingType.PAYMENT_CARD: "payment card number",
    FindingType.IBAN: "IBAN",
    FindingType.UK_PASSPORT: "passport number",
    FindingType.UK_DRIVING_LICENCE: "driving licence number",
    FindingType.UK_VEHICLE_REG: "vehicle registration",
    FindingType.PNC_ID: "PNC ID",
    FindingType.CRIME_REFERENCE: "crime reference",
    FindingType.SPECIAL_CATEGORY: "special-category detail",
    FindingType.CRIMINAL_OFFENCE: "criminal-offence detail",
    FindingType.PROTECTIVE_MARKING: "protective marking",
    FindingType.KNOWN_RECORD: "known record",
    FindingType.UNSCANNABLE: "unreadable part",
}
"""How each type is named in sentences written for people."""


_PLURALS = {
    FindingType.PERSON: "named people",
    FindingType.CHILD: "references to children",
    FindingType.UK_BANK_ACCOUNT: "bank accounts",
    FindingType.DATE_OF_BIRTH: "dates of birth",
}


def count_phrase(kind: FindingType, count: int) -> str:
    """ "1 NHS number", "3 named people", "2 references to children"."""
    if count == 1:
        return f"1 {LABELS[kind]}"
    return f"{count} {_PLURALS.get(kind, LABELS[kind] + 's')}"


IDENTIFIER_TYPES = frozenset(
    {
        FindingType.DATE_OF_BIRTH,
        FindingType.UK_NHS,
        FindingType.UK_NINO,
        FindingType.UK_POSTCODE,
        FindingType.UK_PHONE,
        FindingType.EMAIL_ADDRESS,
        FindingType.UK_BANK_ACCOUNT,
        FindingType.PAYMENT_CARD,
        FindingType.IBAN,
        FindingType.UK_PASSPORT,
        FindingType.UK_DRIVING_LICENCE,
        FindingType.UK_VEHICLE_REG,
        FindingType.PNC_ID,
        FindingType.CRIME_REFERENCE,
    }
)
"""Types found by shape and check rule; where two overlap, only the likelier is kept."""

PERSONAL_DATA_TYPES = frozenset(FindingType) - {
    FindingType.PROTECTIVE_MARKING,
    FindingType.UNSCANNABLE,
    FindingType.EMAIL_ADDRESS,
}
"""Types that on their own make a message carry personal data about someone."""


@dataclass(frozen=True, slots=True)
class Match:
    """A recognizer's hit inside one text: span, confidence and why it counts."""

    type: FindingType
    start: int
    end: int
    score: float
    explanation: str
    category: str = ""
    """The sub-kind, where a type has them: GDPR art. 9 category, marking, record field."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A match placed in the message: the text, where it stands, and why it counts."""

    type: FindingType
    text: str
    location: str
    score: float
    explanation: str
    recognizer: str
    position: str = ""
    start: int = 0
    end: int = 0
    category: str = ""

    def describe(self) -> str:
        """One readable line: "UK_NHS '485 777 3457' in body (valid check digit)"."""
        where = self.location
        if self.position:
            where = f"{where} ({self.position})"
        kind = f"{self.type.value} ({self.category})" if self.category else self.type.value
        return f"{kind} '{self.text}' in {where}: {self.explanation}"
