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
