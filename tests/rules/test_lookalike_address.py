"""lookalike_address: the autocomplete slip and the typo, named against the contact meant."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailwarden.rules import Verdict
from mailwarden.rules.lookalike_address import LookalikeAddress, distance

from .story import POLICE, SETTINGS, Mail, judge, to, town

RULE = LookalikeAddress()
UPDATE = "Dear John,\n\nThe CCTV for AB/25/0071 shows the car being damaged."


def check(recipient: str, *looks_like: str) -> str | None:
    """The rule's explanation for a mail to `recipient`, which the store finds like `looks_like`."""
    address = _address(recipient)
    world = town()
    for known in looks_like:
        if _address(known) not in world.correspondents:
            name = known.partition(" <")[0] if "<" in known else ""
            world.contact(_address(known), *([name] if name else []))
    world.lookalike(address, *map(_address, looks_like))
    subject = judge(Mail(to=(recipient,), body=UPDATE), world)
    reason = RULE.check(subject, to(subject, address))
    if reason is not None:
        assert reason.action is Verdict.HOLD
        assert reason.evidence[0] == address
    return None if reason is None else reason.explanation


def _address(written: str) -> str:
    return written.rpartition("<")[2].rstrip(">")


def test_the_car_owners_name_on_another_domain_is_held_and_names_the_contact_meant() -> None:
    assert check("John Smith <j.smith@example.com>", "j.smith@example.net") == (
        "j.smith@example.com has never been written to, and looks like j.smith@example.net "
        "(John Smith), a known contact: the same name at example.com instead of example.net."
    )


@pytest.mark.parametrize(
    ("recipient", "known", "why"),
    [
        (
            "safeguarding@greenfeild.sch.uk",
            "safeguarding@greenfield.sch.uk",
            "the domain greenfeild.sch.uk looks like a misspelling of greenfield.sch.uk",
        ),
        ("j.smtih@example.net", "j.smith@example.net", "the name before the @ differs by one"),
        ("p.nair@gmail.com", "p.nair@northshire.gov.uk", "same name on a personal webmail"),
        (
            "Priya Nair <priyanair1984@hotmail.co.uk>",
            "p.nair@northshire.gov.uk",
            "the same name, Priya Nair, on a different address on a personal webmail address",
        ),
        (
            "priya.nair@outlook.com",
            "p.nair@northshire.gov.uk",
            "a personal webmail address made of the same person's name",
        ),
        ("j.smith@exampel.nte", "j.smith@example.net", "misspelling of example.net"),
        ("a.kahn@khanlaw.co.uk", "a.khan@khanlaw.co.uk", "differs by one character"),
        ("Kate Ahmed <kate.ahmed@gmail.com>", "k.ahmed@example.police.uk", "Kate Ahmed"),
    ],
)
def test_each_way_an_address_can_resemble_a_known_one(recipient: str, known: str, why: str) -> None:
    explanation = check(recipient, known)
    assert explanation is not None and why in explanation


@pytest.mark.parametrize(
    ("recipient", "known"),
    [
        ("office@oakwood.sch.uk", "office@greenfield.sch.uk"),
        ("safeguarding@oakwood.sch.uk", "safeguarding@greenfield.sch.uk"),
        ("j.smithson@example.net", "j.smith@example.net"),
        ("ab@example.net", "jo@example.net"),
        ("Safeguarding Team <dsl@oakwood.sch.uk>", "safeguarding@greenfield.sch.uk"),
    ],
)
def test_addresses_that_only_look_alike_to_a_search_index_pass(recipient: str, known: str) -> None:
    assert check(recipient, known) is None


def test_a_new_colleague_of_a_known_contact_named_in_the_message_is_not_a_typo() -> None:
    known = "Emma Lewis <emma.lewis@northshire.gov.uk>"
    assert check("Gemma Lewis <gemma.lewis@northshire.gov.uk>", known) is None
    assert check("Emma Lewis <gemma.lewis@northshire.gov.uk>", known) is not None
    assert check("gemma.lewis@northshire.gov.uk", known) is not None


def test_a_contact_the_store_already_knows_is_not_a_lookalike() -> None:
    world = (
        town()
        .contact("j.smith@example.com", "John Smith")
        .lookalike("j.smith@example.com", "j.smith@example.net")
    )
    subject = judge(Mail(to=("John Smith <j.smith@example.com>",), body=UPDATE), world)
    assert RULE.check(subject, to(subject, "j.smith@example.com")) is None


def test_a_colleagues_new_address_is_trusted() -> None:
    world = town().lookalike(f"k.ahmed2@{POLICE}", f"k.ahmed@{POLICE}")
    subject = judge(Mail(to=(f"k.ahmed2@{POLICE}",), body=UPDATE), world)
    assert RULE.check(subject, to(subject, f"k.ahmed2@{POLICE}")) is None


def test_the_allowed_distance_comes_from_the_policy() -> None:
    world = town().lookalike("safeguarding@grenfeild.sch.uk", "safeguarding@greenfield.sch.uk")
    mail = Mail(to=("safeguarding@grenfeild.sch.uk",), body=UPDATE)
    subject = judge(mail, world)
    assert RULE.check(subject, to(subject, "safeguarding@grenfeild.sch.uk")) is not None
    subject = judge(mail, world, replace(SETTINGS, lookalike_max_distance=1))
    assert RULE.check(subject, to(subject, "safeguarding@grenfeild.sch.uk")) is None


def test_without_a_store_the_rule_says_nothing() -> None:
    subject = judge(Mail(to=("j.smith@example.com",), body=UPDATE))
    assert RULE.check(subject, to(subject, "j.smith@example.com")) is None


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("greenfield", "greenfield", 0),
        ("greenfield", "greenfeld", 1),
        ("greenfield", "greenfeild", 1),
        ("smith", "smyth", 1),
        ("gmail.com", "gmial.con", 2),
        ("example.net", "example.com", 3),
        ("a", "abcdef", 3),
    ],
)
def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_limit(
    a: str, b: str, edits: int
) -> None:
    assert distance(a, b, limit=2) == min(edits, 3)
    assert distance(b, a, limit=2) == min(edits, 3)
