"""The policy schema: the shipped default is valid; every error names its line and key."""

from __future__ import annotations

from datetime import date

import pytest

from mailwarden.policy import PolicyError, default_policy, line_of, parse_policy
from mailwarden.rules import DEFAULT_RULES, Verdict

GOOD = """\
# a small policy
[actions.wrong_thread]
internal = "deliver"
partner = "hold"
known = "hold"
new = "reject"

[actions]
too_large = "hold"
lookalike_address = { new = "reject" }

[[allow]]
domain = "greenfield.sch.uk"
rule = "wrong_thread"
expires = 2026-12-31

[[allow]]
address = "head@greenfield.sch.uk"
expires = 2027-01-31

[notices]
held = "Held for {recipient}: {reasons}"
"""


def test_the_shipped_default_is_valid_and_names_every_rule() -> None:
    policy = default_policy()
    assert {r.name for r in DEFAULT_RULES} <= set(policy.model.actions)
    assert policy.model.allow == []


def test_a_good_file_parses_every_section() -> None:
    model = parse_policy(GOOD, "good.toml").model
    assert model.actions["too_large"] is Verdict.HOLD
    assert model.allow[0].domain == "greenfield.sch.uk"
    assert model.allow[1].expires == date(2027, 1, 31)
    assert model.notices.held.startswith("Held for")


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("actions", "wrong_thread", "new"), 6),
        (("actions", "wrong_thread"), 2),
        (("actions", "too_large"), 9),
        (("actions", "lookalike_address", "new"), 10),  # an inline table: the key's own line
        (("allow", 0, "expires"), 15),
        (("allow", 1, "address"), 18),
        (("allow", 1), 17),
        (("notices", "held"), 22),
        (("notices", "refused"), 21),  # absent: the table's header
        (("nowhere", "at_all"), 1),
    ],
)
def test_line_of_finds_the_key_or_its_table(loc: tuple[str | int, ...], line: int) -> None:
    assert line_of(GOOD, loc) == line


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('new = "reject"', 'new = "maybe"'), "bad.toml:6: actions.wrong_thread.new: "),
        (
            ("[actions.wrong_thread]", "[actions.wrong_thred]"),
            "bad.toml:2: actions.wrong_thred: unknown rule",
        ),
        (('partner = "hold"', 'partners = "hold"'), "bad.toml:4: actions.wrong_thread.partners:"),
        (("expires = 2026-12-31", 'expires = "soon"'), "bad.toml:15: allow.0.expires: "),
        (('rule = "wrong_thread"', 'rule = "typo"'), "bad.toml:14: allow.0.rule: unknown rule"),
        (
            ('domain = "greenfield.sch.uk"', 'domain = "g.sch.uk"\naddress = "a@g.sch.uk"'),
            "bad.toml:12: allow.0: give exactly one of address or domain",
        ),
        (("{reasons}", "{secret}"), "bad.toml:22: notices.held: unknown placeholder {secret}"),
        (("[notices]", "[notice]"), "bad.toml:21: notice: unknown setting"),
        (("expires = 2027-01-31", "expires = 2027-01-31 ="), "bad.toml:19: not valid TOML"),
    ],
)
def test_each_error_names_the_line_and_the_key(edit: tuple[str, str], expected: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(GOOD.replace(*edit), "bad.toml")
    assert str(caught.value).startswith(expected), str(caught.value)


def test_the_example_in_docs_policy_md_is_a_valid_policy() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text()
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    model = parse_policy(example, "policy.md").model
    assert model.allow[0].rule == "wrong_thread"
    assert set(model.actions) == {"wrong_thread", "too_large", "too_slow", "bulk_personal_data"}
    assert model.thresholds.exposed_min_external == 3
    assert model.partners is not None and model.partners["northmoor.gov.uk"].cleared == (
        "OFFICIAL-SENSITIVE"
    )
    assert model.markings.cleared == {"press.office@northmoor.police.uk": "OFFICIAL"}


SETTINGS = """\
[thresholds]
bulk_people = 5
exposed_min_external = 4

[partners."greenfield.sch.uk"]    # a school
[partners."Northmoor.gov.uk"]     # the council
cleared = "OFFICIAL-SENSITIVE"
[partners."temp.clerk@northmoor.gov.uk"]
cleared = "OFFICIAL"

[markings]
default_clearance = "OFFICIAL"
[markings.cleared]
"press.office@example.police.uk" = "OFFICIAL"
"""


def test_thresholds_partners_and_markings_parse() -> None:
    model = parse_policy(SETTINGS, "s.toml").model
    assert (model.thresholds.bulk_people, model.thresholds.lookalike_max_distance) == (5, None)
    assert model.partners is not None
    assert {k: p.cleared for k, p in model.partners.items()} == {
        "greenfield.sch.uk": None,
        "northmoor.gov.uk": "OFFICIAL-SENSITIVE",
        "temp.clerk@northmoor.gov.uk": "OFFICIAL",
    }
    assert model.markings.cleared == {"press.office@example.police.uk": "OFFICIAL"}
    assert model.markings.internal_clearance is None  # left to the config, then the default


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("thresholds", "exposed_min_external"), 3),
        (("partners", "Northmoor.gov.uk", "cleared"), 7),
        (("partners", "temp.clerk@northmoor.gov.uk"), 8),
        (("partners", "greenfield.sch.uk"), 5),  # a quoted name with dots in a header
        (("markings", "cleared", "press.office@example.police.uk"), 14),
    ],
)
def test_line_of_reads_quoted_table_names(loc: tuple[str | int, ...], line: int) -> None:
    assert line_of(SETTINGS, loc) == line


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("bulk_people = 5", "bulk_people = 0"),
            "bad.toml:2: thresholds.bulk_people: Input should be greater than 0",
        ),
        (
            ("exposed_min_external = 4", "exposed_minimum = 4"),
            "bad.toml:3: thresholds.exposed_minimum: unknown setting",
        ),
        (
            ('cleared = "OFFICIAL-SENSITIVE"', 'cleared = "SENSITIVE"'),
            "bad.toml:7: partners.\"Northmoor.gov.uk\".cleared: Input should be 'OFFICIAL'",
        ),
        (
            ('cleared = "OFFICIAL-SENSITIVE"', 'clearance = "OFFICIAL-SENSITIVE"'),
            'bad.toml:7: partners."Northmoor.gov.uk".clearance: unknown setting',
        ),
        (
            ('[partners."greenfield.sch.uk"]', "[partners.greenfield]"),
            "bad.toml:5: partners.greenfield: 'greenfield' is not a mail domain or address",
        ),
        (
            ('[partners."temp.clerk@northmoor.gov.uk"]', '[partners."GreenField.sch.uk"]'),
            'bad.toml:8: partners."GreenField.sch.uk": already listed under [partners]',
        ),
        (
            ('"press.office@example.police.uk"', '"@northmoor.gov.uk"'),
            'bad.toml:14: markings.cleared."@northmoor.gov.uk": already listed under [partners]',
        ),
        (
            ('default_clearance = "OFFICIAL"', 'default_clearance = "PUBLIC"'),
            "bad.toml:12: markings.default_clearance: Input should be 'OFFICIAL'",
        ),
    ],
)
def test_errors_in_thresholds_partners_and_markings_name_the_line(
    edit: tuple[str, str], expected: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(SETTINGS.replace(*edit), "bad.toml")
    assert str(caught.value).startswith(expected), str(caught.value)
