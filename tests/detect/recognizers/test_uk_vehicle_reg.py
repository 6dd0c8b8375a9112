"""UK vehicle registrations: the DVLA formats, issued age identifiers, and a vehicle nearby."""

from datetime import date

import pytest

from mailwarden.config import Config
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_vehicle_reg import UkVehicleRegRecognizer, create

RECOGNIZER = UkVehicleRegRecognizer(today=date(2026, 5, 1))
MIN_SCORE = 0.5


def found(text: str) -> list[str]:
    """What the detector would report at the default minimum score."""
    return [
        text[m.start : m.end]
        for m in RECOGNIZER.analyze(text, TextContext())
        if m.score >= MIN_SCORE
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The vehicle, a silver Ford Focus AB12 CDE, was parked outside the school.",
            ["AB12 CDE"],
        ),
        ("Car reg: LB74XYZ", ["LB74XYZ"]),
        # a make is context enough: the seed case's "your Ford Focus, MA19 XKT"
        ("damage to your Ford Focus, MA19 XKT, on Holloway Road", ["MA19 XKT"]),
        # the newest age identifiers of 2026: March (26) and September (76)
        ("vehicle YR26 KLM", ["YR26 KLM"]),
        ("vehicle YR76 KLM", ["YR76 KLM"]),
        # Z is a random letter, though never a region or office letter
        ("vehicle AB12 CDZ", ["AB12 CDZ"]),
        # the prefix and suffix formats
        ("His old car P123 ABC was scrapped.", ["P123 ABC"]),
        ("Classic car ABC 123D at the show", ["ABC 123D"]),
        # age identifiers not issued (yet, or ever)
        ("vehicle AB27 CDE", []),
        ("vehicle AB77 CDE", []),
        ("vehicle AB01 CDE", []),
        ("vehicle AB00 CDE", []),
        ("vehicle AB50 CDE", []),
        # letters a position never holds
        ("vehicle IB12 CDE", []),  # I is no region
        ("vehicle TB12 CDE", []),  # nor is T
        ("vehicle AQ12 CDE", []),  # Q is no office letter
        ("vehicle AB12 CQE", []),  # nor a random one
        ("vehicle O123 ABC", []),  # O is no prefix year letter
        ("vehicle ABC 123I", []),  # nor I a suffix one
        ("vehicle ABC 012D", []),  # no leading zeros
        # ordinary words and lower case are not plates
        ("vehicle ab12 cde", []),
        ("the vehicle was fine", []),
        # inside a longer run of letters or digits
        ("vehicle XAB12 CDE", []),
        ("vehicle AB12 CDEF", []),
        ("vehicle AB123 CDE", []),
        # no vehicle nearby: the shape alone fits part and product codes
        ("Part AB12 CDE is out of stock.", []),
        ("", []),
    ],
)
def test_finds_vehicle_registrations(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score_over_the_threshold() -> None:
    [bare] = RECOGNIZER.analyze("AB12 CDE", TextContext())
    [with_context] = RECOGNIZER.analyze("vehicle AB12 CDE", TextContext())
    assert bare.score < MIN_SCORE <= with_context.score <= 1.0


def test_the_registered_recognizer_knows_this_years_identifiers() -> None:
    recognizer = create(Config())
    march = f"AB{date.today().year % 100:02d} CDE"
    [match] = recognizer.analyze(f"vehicle {march}", TextContext())
    assert match.type is FindingType.UK_VEHICLE_REG


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("vehicle AB12 CDE", "current UK registration format with an issued age identifier"),
        ("vehicle P123 ABC", "prefix UK registration format (1983-2001)"),
        ("vehicle ABC 123D", "suffix UK registration format (1963-1983)"),
    ],
)
def test_explanation_names_the_format(text: str, explanation: str) -> None:
    [match] = RECOGNIZER.analyze(text, TextContext())
    assert match.explanation == explanation
