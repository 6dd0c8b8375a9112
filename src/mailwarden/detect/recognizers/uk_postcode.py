"""UK postcode: an outward code (area, district) and an inward code (sector, unit).

The shape is Royal Mail's: A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA,
AA9A 9AA, with the letters each position may hold, plus GIR 0AA. The real rule
is that the area letters name one of the 121 postcode areas (or BF and BX,
which are non-geographic, or the Crown dependencies' GY, JE and IM); a shape
with any other area is dropped. An outward code alone ("LS6") is not found.

A bare postcode is most often a business's own (a signature, a venue), so it
is reported only near a word that says whose it is ("address", "lives",
"home", "moved to"). Street words do not count: signatures have them too.
"""

from __future__ import annotations

import re
from typing import ClassVar

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import Pattern, PatternRecognizer

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
    )
    separators = " "

    def validate(self, candidate: str) -> bool | None:
        outward = candidate.upper()[:-3]
        if outward == "GIR":
            return None if candidate.upper() == "GIR0AA" else False
        area = re.match(r"[A-Z]+", outward)
        return None if area and area.group() in _AREAS else False

    def explain(self, candidate: str, valid: bool | None) -> str:
        return "UK postcode format in a real postcode area"


def create(config: Config) -> UkPostcodeRecognizer:
    return UkPostcodeRecognizer()
