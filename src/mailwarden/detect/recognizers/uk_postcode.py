"""UK postcode: an outward code (area, district) and an inward code (sector, unit).

The shape is Royal Mail's: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA,
AA9A 9AA, with the letters each position may hold, plus GIR 0AA. The real rule
is that the area letters name one of the 121 postcode areas (or BF and BX,
which are non-geographic, or the Crown dependencies' GY, JE and IM); a shape
with any other area is dropped. An outward code alone ("LS6") is not found.

A bare postcode is most often a business's own (a signature, a venue), so it
is reported only near a word that says whose it is ("address", "lives",
"home", "moved to", "tenant"), or as the end of a house's street address
("41 Mill Lane, OL9 7QR") that names no organisation on its line
("Greenfield School, 1 High Street, Leeds LS1 4AP" is not reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType, Match
from mailwarden.detect.recognizer import Pattern, PatternRecognizer, TextContext

_AREA_LIST = """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG
    DH DL DN DT DY E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV
    KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA
    PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF
    TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    BF BX GY JE IM
"""
_AREAS = frozenset(_AREA_LIST.split())

_OUTWARD = (
    r"[A-PR-UWYZ](?:\d[A-HJKPSTUW]?|\d{2}"
    r"|[A-HK-Y](?:\d[ABEHMNPRV-Y]?|\d{2}))"
)
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"


class UkPostcodeRecognizer(PatternRecognizer):
    name = "uk_postcode"
    description = "UK postcodes (SW1A 1AA) in a real postcode area, near an address word."
    finding_type = FindingType.UK_POSTCODE
    patterns: ClassVar[tuple[Pattern, ...]] = (
        Pattern("postcode spaced", rf"(?<![\w-])((?:{_OUTWARD}|GIR) {_INWARD})(?![\w-])", 0.45),
        Pattern("postcode compact", rf"(?<![\w-])((?:{_OUTWARD}|GIR){_INWARD})(?![\w-])", 0.3),
    )
    flags = re.IGNORECASE
    context_words = (
        "address",
        "postcode",
        "post code",
        "lives",
        "living at",
        "live at",
        "home",
        "moved to",
        "resid",
        "flat ",
        "tenant",
        "occupant",
        "householder",
    )
    separators = " "

    HOUSE_ADDRESS_BOOST: ClassVar[float] = 0.1

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        for match in super().analyze(text, context):
            if match.score < 0.5 and _ends_a_house_address(text, match.start):
                match = Match(
                    match.type,
                    match.start,
                    match.end,
                    match.score + self.HOUSE_ADDRESS_BOOST,
                    "UK postcode in a real postcode area, ending a street address",
                )
            yield match

    def validate(self, candidate: str) -> bool | None:
        outward = candidate.upper()[:-3]
        if outward == "GIR":
            return None if candidate.upper() == "GIR0AA" else False
        area = re.match(r"[A-Z]+", outward)
        return None if area and area.group() in _AREAS else False

    def explain(self, candidate: str, valid: bool | None) -> str:
        return "UK postcode format in a real postcode area"


_HOUSE_ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Lane|Street|Avenue|Close|Drive|Court"
    r"|Crescent|Terrace|Way|Grove|Gardens|Place|Walk|Row|Mews|View|Rise|Hill|Green|Park)\b"
)
_ORGANISATION = re.compile(
    r"\b(?:School|Academy|College|University|Council|Police|Constabulary|Hospital|Surgery"
    r"|Trust|Ltd|Limited|LLP|PLC|Solicitors|Centre|Office|Station|Church|Services|House)\b"
)


def _ends_a_house_address(text: str, start: int) -> bool:
    """A house number and street just before the postcode, and no organisation on the line."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 80) : start]
    return bool(_HOUSE_ADDRESS.search(before)) and not _ORGANISATION.search(text[line_start:start])


def create(config: Config) -> UkPostcodeRecognizer:
    return UkPostcodeRecognizer()
