"""UK postcodes: Royal Mail's shape, a real postcode area, and an address nearby."""

import pytest

from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.uk_postcode import UkPostcodeRecognizer

RECOGNIZER = UkPostcodeRecognizer()
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
            "Her new address is 14 Acacia Avenue, Leeds LS6 2AB, from Monday.",
            ["LS6 2AB"],
        ),
        # every outward shape: A9, A99, A9A, AA9, AA99, AA9A
        ("home address: M1 1AE", ["M1 1AE"]),
        ("home address: B33 8TH", ["B33 8TH"]),
        ("home address: W1A 0AX", ["W1A 0AX"]),
        ("home address: CR2 6XH", ["CR2 6XH"]),
        ("home address: DN55 1PT", ["DN55 1PT"]),
        ("home address: EC1A 1BB", ["EC1A 1BB"]),
        ("home address: GIR 0AA", ["GIR 0AA"]),
        # without the space, and in lower or mixed case
        ("He lives at SW1A1AA now.", ["SW1A1AA"]),
        ("postcode sw1a 1aa", ["sw1a 1aa"]),
        ("postcode Ls6 2ab", ["Ls6 2ab"]),
        # the right shape in an area that does not exist
        ("home address: AA1 1AB", []),
        ("home address: GIR 1AB", []),
        # letters a position never holds
        ("home address: QA1 1AB", []),  # Q never starts a postcode
        ("home address: SW1A 1AC", []),  # C never ends one
        ("home address: M1I 1AE", []),  # I is not a district letter
        # an outward code alone is a district, not an address
        ("She lives in LS6 near the park.", []),
        # inside a longer run of letters or digits
        ("home address: XLS6 2AB", []),
        ("home address: LS6 2ABC", []),
        ("home address: LS6 2AB-7", []),
        # a bare postcode is most often a business's own, street and all
        ("Greenfield School, Leeds LS6 2AB", []),
        ("Kind regards,\nGreenfield School, 1 High Street, Leeds LS1 4AP", []),
        # the end of a house's street address is someone's home
        ("The tenant at 41 Mill Lane, OL9 7QR is Lorraine Tipping.", ["OL9 7QR"]),
        ("Visited 27 Ashby Road, Northmoor OL9 6LJ on Monday.", ["OL9 6LJ"]),
        ("", []),
    ],
)
def test_finds_postcodes_in_addresses(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_context_raises_the_score_over_the_threshold() -> None:
    [bare] = RECOGNIZER.analyze("LS6 2AB", TextContext())
    [with_context] = RECOGNIZER.analyze("address: LS6 2AB", TextContext())
    assert bare.score < MIN_SCORE <= with_context.score <= 1.0


def test_reports_its_type() -> None:
    [match] = RECOGNIZER.analyze("address: LS6 2AB", TextContext())
    assert match.type is FindingType.UK_POSTCODE
    assert "postcode area" in match.explanation
