"""Known records: exact matches against the organisation's CSV files, held only as keyed hashes."""

import random
from pathlib import Path

import pytest

from mailwarden.config import ConfigError, config_from_dict
from mailwarden.detect.finding import FindingType
from mailwarden.detect.recognizer import TextContext
from mailwarden.detect.recognizers.known_record import KnownRecordRecognizer, create

PUPILS = """\
name,nhs_number,address,postcode,nino,phone,school
Amy Jones,485 777 3457,"12 High Street, Leeds",LS1 4AB,QQ123456C,07700 900123,Hillside Primary
Ben O’Neill,9434765919,Flat 3 Mill Lane,ls2 9jt,AB 12 34 56 D,+44 7700 900456,Greenfield Academy
Al,1,x,,,,
"""
PLAIN_VALUES = [cell for line in PUPILS.splitlines()[1:] for cell in line.split(",") if cell]


@pytest.fixture
def pupils(tmp_path: Path) -> Path:
    path = tmp_path / "pupils.csv"
    path.write_text(PUPILS, encoding="utf-8")
    return path


@pytest.fixture
def recognizer(pupils: Path) -> KnownRecordRecognizer:
    return KnownRecordRecognizer([pupils], min_chars=4)


def found(recognizer: KnownRecordRecognizer, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.category) for m in recognizer.analyze(text, TextContext())]


def test_seed_case_a_pupil_list_value_in_a_reply_to_the_public(
    recognizer: KnownRecordRecognizer,
) -> None:
    text = (
        "Dear Mr Patel, the school has told us that Amy Jones of 12 High Street, Leeds "
        "(NHS 485 777 3457) was involved."
    )
    matches = list(recognizer.analyze(text, TextContext()))
    assert [(text[m.start : m.end], m.category) for m in matches] == [
        ("Amy Jones", "name"),
        ("12 High Street, Leeds", "address"),
        ("485 777 3457", "nhs_number"),
    ]
    assert {m.type for m in matches} == {FindingType.KNOWN_RECORD}
    assert {m.score for m in matches} == {0.9}
    assert matches[0].explanation == "matches a loaded record (name) from pupils.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # case, spacing and apostrophes do not matter for names
        ("AMY  JONES", [("AMY  JONES", "name")]),
        ("amy\njones", [("amy\njones", "name")]),
        ("Ben O'Neill", [("Ben O'Neill", "name")]),
        ("ben o’neill", [("ben o’neill", "name")]),
        # separators do not matter for identifiers, however they are split
        ("4857773457", [("4857773457", "nhs_number")]),
        ("485-777-3457", [("485-777-3457", "nhs_number")]),
        ("943 476 5919", [("943 476 5919", "nhs_number")]),
        ("NI number QQ 12 34 56 C.", [("QQ 12 34 56 C", "nino")]),
        ("ab123456d", [("ab123456d", "nino")]),
        ("LS2 9JT", [("LS2 9JT", "postcode")]),
        ("ls14ab", [("ls14ab", "postcode")]),
        ("call 07700 900 123", [("07700 900 123", "phone")]),
        ("flat 3, mill lane", [("flat 3, mill lane", "address")]),
        ("Hillside Primary", [("Hillside Primary", "school")]),
        # only whole values count
        ("Amy came with Mrs Jones.", []),
        ("Order 14857773457", []),
        ("ref 4857773457-2", []),
        ("Amy\n\n\n\nJones", []),
        ("Amy Jones-Smith", []),
        ("amy.jones@example.com", []),
        # values shorter than min_chars are not loaded
        ("Al said 1 x", []),
        ("", []),
    ],
)
def test_matches_normalised_values(
    recognizer: KnownRecordRecognizer, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(recognizer, text) == expected


def test_the_longest_record_wins_where_two_overlap(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,surname\nAmy Jones,Jones\n", encoding="utf-8")
    recognizer = KnownRecordRecognizer([path])
    assert found(recognizer, "I spoke to Amy Jones and then to Mr Jones.") == [
        ("Amy Jones", "name"),
        ("Jones", "surname"),
    ]


def test_explanations_never_echo_other_fields_of_the_record(
    recognizer: KnownRecordRecognizer,
) -> None:
    text = "Amy Jones, LS1 4AB, QQ123456C, 07700900123"
    for match in recognizer.analyze(text, TextContext()):
        assert not any(value.lower() in match.explanation.lower() for value in PLAIN_VALUES)


def reachable(root: object) -> tuple[set[str], set[bytes]]:
    """Every str and bytes reachable from an object's attributes through containers."""
    seen: set[int] = set()
    strings: set[str] = set()
    blobs: set[bytes] = set()
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, str):
            strings.add(item)
        elif isinstance(item, bytes):
            blobs.add(item)
        elif isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, "__dict__"):
            stack.extend(vars(item).values())
    return strings, blobs


def test_the_recognizer_holds_no_plain_value_only_names_and_digests(
    recognizer: KnownRecordRecognizer,
) -> None:
    assert recognizer.loaded == 14  # seven fields of two pupils; the third's are too short
    strings, blobs = reachable(recognizer)
    fields = {"name", "nhs_number", "address", "postcode", "nino", "phone", "school"}
    assert strings == fields | {"pupils.csv"}
    assert {len(blob) for blob in blobs} == {16, 32}  # digests, and the key
    held = b"|".join(blobs).lower()
    for value in PLAIN_VALUES:
        if len(value) >= 4:
            assert value.lower().encode() not in held
            assert value.lower().replace(" ", "").encode() not in held


def test_the_hash_key_is_drawn_anew_for_each_load(pupils: Path) -> None:
    first, second = KnownRecordRecognizer([pupils]), KnownRecordRecognizer([pupils])
    assert first.loaded == second.loaded
    assert set(first._records).isdisjoint(second._records)


def test_create_reads_the_files_and_min_chars_from_config(pupils: Path) -> None:
    config = config_from_dict(
        {"detect": {"known_records": {"files": [str(pupils)], "min_chars": 10}}}
    )
    recognizer = create(config)
    assert recognizer.name == "known_record"
    assert found(recognizer, "Amy Jones and 4857773457") == [("4857773457", "nhs_number")]


def test_with_no_files_nothing_is_found() -> None:
    assert list(KnownRecordRecognizer().analyze("Amy Jones 4857773457", TextContext())) == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        (b"", "empty"),
        ("name\nJosé\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_an_unusable_file_is_a_config_error_naming_it(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "staff.csv"
    if content is not None:
        path.write_bytes(content)
    config = config_from_dict({"detect": {"known_records": {"files": [str(path)]}}})
    with pytest.raises(ConfigError, match=problem) as error:
        create(config)
    assert "staff.csv" in str(error.value)


def test_finds_records_planted_at_the_end_of_long_prose_among_5000(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    firsts = ("Amy", "Ben", "Chloe", "Daniel", "Ella", "Grace", "Harry", "Isla", "Jack", "Noah")
    lasts = ("Jones", "Smith", "Patel", "Khan", "Brown", "Taylor", "Wilson", "Evans", "Hall")
    rows = [
        (
            f"{rng.choice(firsts)} {rng.choice(lasts)}-{n}",
            str(rng.randrange(10**9, 10**10)),
            f"{rng.randrange(1, 300)} {rng.choice(lasts)} Road, Leeds",
        )
        for n in range(5000)
    ]
    path = tmp_path / "records.csv"
    path.write_text(
        "name,nhs_number,address\n" + "".join(f'{a},{b},"{c}"\n' for a, b, c in rows),
        encoding="utf-8",
    )
    recognizer = KnownRecordRecognizer([path])
    planted = [rows[10][0], rows[20][1], rows[30][2]]
    prose = "The committee met on Tuesday and agreed the minutes of the last meeting. " * 3000
    text = prose + " " + " and ".join(planted)
    matches = list(recognizer.analyze(text, TextContext()))
    assert [text[m.start : m.end] for m in matches] == planted


def test_only_the_columns_named_are_loaded(tmp_path: Path) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text("Name,Gender,Town\nEllie Marsh,Female,Leeds\n", encoding="utf-8")
    recognizer = KnownRecordRecognizer([path], columns=["name"])
    text = "Ellie Marsh is a female pupil from Leeds."
    assert [text[m.start : m.end] for m in recognizer.analyze(text, TextContext())] == [
        "Ellie Marsh"
    ]
    with pytest.raises(ConfigError, match="no column 'nhs_number'"):
        KnownRecordRecognizer([path], columns=["nhs_number"])
