"""E-mail addresses in running text."""

import pytest

from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.email_address import EmailAddressRecognizer

RECOGNIZER = EmailAddressRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please copy in safeguarding@greenfield.sch.uk today.",
            ["safeguarding@greenfield.sch.uk"],
        ),
        ("Mum's address is sarah.o'neill+school@gmail.com.", ["sarah.o'neill+school@gmail.com"]),
        ("Write to <j.smith@example.net>", ["j.smith@example.net"]),
        ("not an address: user@localhost or @handle", []),
        ("double dot a..b@example.com", []),
    ],
)
def test_finds_addresses(text: str, expected: list[str]) -> None:
    assert [text[m.start : m.end] for m in RECOGNIZER.analyze(text, TextContext())] == expected
