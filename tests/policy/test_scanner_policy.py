"""The scanner with a policy: too large and too slow messages are held by the default policy,
which otherwise gives every rule the severity it has built in."""

from __future__ import annotations

from mailwarden.config import config_from_dict
from mailwarden.policy import RecipientClass, default_policy, parse_policy
from mailwarden.rules import DEFAULT_RULES
from mailwarden.scan import Scanner

MESSAGE = (
    b"From: Kate Ahmed <k.ahmed@example.police.uk>\r\n"
    b"To: r.patel@gmail.com, desk@example.police.uk\r\n"
    b"Subject: Statement\r\n\r\n" + b"Nothing to see here. " * 20 + b"\r\n"
)
SMALL = config_from_dict(
    {"organisation": {"domains": ["example.police.uk"]}, "limits": {"max_message_bytes": 100}}
)


def verdicts(scanner: Scanner) -> dict[str, str]:
    report = scanner.scan_bytes(MESSAGE, "big.eml")
    return {
        d.recipient.mailbox.address: f"{d.verdict.value} {d.decided_by}" for d in report.decisions
    }


def test_the_default_policy_holds_a_message_too_large_to_scan() -> None:
    result = verdicts(Scanner(SMALL, policy=default_policy()))
    assert result["r.patel@gmail.com"].startswith("hold default_policy.toml:")
    assert result["r.patel@gmail.com"].endswith('[actions] too_large = "hold"')
    assert result["desk@example.police.uk"] == "deliver no rule fired"


def test_without_a_too_large_line_the_unscannable_content_row_applies() -> None:
    policy = parse_policy('[actions.unscannable_content]\nnew = "reject"\n', "p.toml")
    result = verdicts(Scanner(SMALL, policy=policy))
    assert (
        result["r.patel@gmail.com"]
        == 'reject p.toml:2 [actions.unscannable_content] new = "reject"'
    )


def test_without_a_policy_each_rule_keeps_its_severity() -> None:
    assert verdicts(Scanner(SMALL))["r.patel@gmail.com"] == "confirm rule default severity"


def test_the_default_policy_gives_every_rule_its_own_severity_for_every_class() -> None:
    policy = default_policy()
    for rule in DEFAULT_RULES:
        for cls in RecipientClass:
            found = policy.action(rule.name, cls)
            assert found is not None and found[0] is rule.severity, (rule.name, cls)


def test_the_default_policy_holds_a_message_whose_scan_ran_out_of_time() -> None:
    hurried = config_from_dict(
        {
            "organisation": {"domains": ["example.police.uk"]},
            "limits": {"seconds_per_message": 1e-9},
        }
    )
    result = verdicts(Scanner(hurried, policy=default_policy()))
    assert result["r.patel@gmail.com"].startswith("hold default_policy.toml:")
    assert result["r.patel@gmail.com"].endswith('[actions] too_slow = "hold"')


BRIEFING = (
    b"From: Kate Ahmed <k.ahmed@example.police.uk>\r\n"
    b"To: p.nair@northshire.gov.uk, safeguarding@greenfield.sch.uk\r\n"
    b"Subject: Strategy meeting\r\n\r\n"
    b"OFFICIAL-SENSITIVE\r\n\r\nThe strategy meeting for the Oakfield Road burglaries is moved "
    b"to Thursday at 10am.\r\n"
)
PARTNERS = """\
[partners."northshire.gov.uk"]    # the council
cleared = "OFFICIAL-SENSITIVE"
[partners."greenfield.sch.uk"]    # a school: the default clearance, OFFICIAL

[actions.protective_marking]
partner = "hold"
"""


def test_the_scanner_judges_by_the_policys_partners_and_their_clearances() -> None:
    """The council is cleared for the marking, the school is not; without a store, any marked
    message leaving asks the sender to confirm (sensitive_to_external)."""
    config = config_from_dict({"organisation": {"domains": ["example.police.uk"]}})
    scanner = Scanner(config, policy=parse_policy(PARTNERS, "partners.toml"))
    report = scanner.scan_bytes(BRIEFING, "briefing.eml")
    result = {
        d.recipient.mailbox.address: (d.verdict.value, d.decided_by, [r.rule for r in d.reasons])
        for d in report.decisions
    }
    assert result == {
        "p.nair@northshire.gov.uk": ("confirm", "rule default severity", ["sensitive_to_external"]),
        "safeguarding@greenfield.sch.uk": (
            "hold",
            'partners.toml:6 [actions.protective_marking] partner = "hold"',
            ["protective_marking", "sensitive_to_external"],
        ),
    }
    without = Scanner(config).scan_bytes(BRIEFING, "briefing.eml")
    assert [d.verdict.value for d in without.decisions] == ["hold", "hold"]
