"""What the rules judge by: thresholds, partners and clearances from the policy file, falling
back to an older config's [recipients] and [markings] keys, then to the built-in defaults."""

from __future__ import annotations

from tests.policy.test_decide import verdicts as explained
from tests.rules.story import POLICE, Mail, finding, judge, to, town
from tests.rules.test_bulk_personal_data import PUPILS, pastoral_list
from tests.rules.test_exposed_recipients import SUPPORT_GROUP, VICTIMS

from mailwarden.config import Config, config_from_dict
from mailwarden.detect.finding import FindingType
from mailwarden.policy import (
    RecipientClass,
    default_policy,
    parse_policy,
    policy_settings,
    recipient_class,
)
from mailwarden.rules import PolicySettings

OLDER_CONFIG = config_from_dict(
    {
        "organisation": {"domains": [POLICE]},
        "recipients": {"partner_domains": ["Greenfield.sch.uk"], "bulk_people": 5},
        "markings": {
            "clearances": {"@Northshire.gov.uk": "OFFICIAL-SENSITIVE"},
            "internal_clearance": "OFFICIAL-SENSITIVE",
        },
    }
)
"""A config written before the policy file held these settings."""


def test_an_older_config_still_applies_without_a_policy_and_under_the_shipped_default() -> None:
    for policy in (None, default_policy()):
        settings = policy_settings(policy, OLDER_CONFIG)
        assert settings.bulk_people == 5
        assert settings.is_partner("a.lowe@greenfield.sch.uk")
        assert settings.clearance("p.nair@northshire.gov.uk", internal=False) == (
            "OFFICIAL-SENSITIVE"
        )
        assert settings.clearance(f"b.hughes@{POLICE}", internal=True) == "OFFICIAL-SENSITIVE"


def test_each_setting_the_policy_gives_wins_and_the_rest_keep_the_configs() -> None:
    policy = parse_policy(
        '[thresholds]\nexposed_min_external = 6\n[markings]\ndefault_clearance = "SECRET"\n'
    )
    settings = policy_settings(policy, OLDER_CONFIG)
    assert (settings.bulk_people, settings.exposed_min_external) == (5, 6)
    assert settings.lookalike_max_distance == 2  # neither says: the default
    assert (settings.internal_clearance, settings.default_clearance) == (
        "OFFICIAL-SENSITIVE",
        "SECRET",
    )
    assert settings.is_partner("a.lowe@greenfield.sch.uk")  # no [partners]: the config's


def test_partners_in_the_policy_replace_the_configs_partners_and_clearances_together() -> None:
    policy = parse_policy('[partners."northmoor.gov.uk"]\ncleared = "OFFICIAL-SENSITIVE"\n')
    settings = policy_settings(policy, OLDER_CONFIG)
    assert settings.partners == frozenset({"northmoor.gov.uk"})
    assert not settings.is_partner("a.lowe@greenfield.sch.uk")
    assert settings.clearance("p.nair@northshire.gov.uk", internal=False) == "OFFICIAL"
    assert settings.clearance("duty@childrens.northmoor.gov.uk", False) == "OFFICIAL-SENSITIVE"
    cleared_only = parse_policy('[markings.cleared]\n"cps.gov.uk" = "SECRET"\n')
    settings = policy_settings(cleared_only, OLDER_CONFIG)
    assert settings.partners == frozenset()
    assert settings.clearances == {"cps.gov.uk": "SECRET"}
    none_at_all = policy_settings(parse_policy("[partners]  # none\n"), OLDER_CONFIG)
    assert (none_at_all.partners, none_at_all.clearances) == (frozenset(), {})


def test_an_address_entry_wins_over_its_domains_and_a_domain_covers_its_sub_domains() -> None:
    policy = parse_policy(
        '[partners."northmoor.gov.uk"]\ncleared = "SECRET"\n'
        '[partners."temp.clerk@northmoor.gov.uk"]\ncleared = "OFFICIAL"\n'
        '[partners."head@oakwood.sch.uk"]\n'
    )
    settings = policy_settings(policy, Config())
    assert settings.clearance("duty@mash.northmoor.gov.uk", False) == "SECRET"
    assert settings.clearance("Temp.Clerk@northmoor.gov.uk", False) == "OFFICIAL"
    assert settings.is_partner("head@oakwood.sch.uk")
    assert not settings.is_partner("office@oakwood.sch.uk")  # one address, not its domain
    assert not settings.is_partner("someone@gov.uk")  # a parent is not covered by its child


def test_with_nothing_said_the_rules_see_the_built_in_defaults() -> None:
    assert policy_settings(None, Config()) == PolicySettings()
    assert policy_settings(default_policy(), Config()) == PolicySettings()


# --- what it changes: verdicts, and the line that decided them --------------------------------


def verdicts(mail: Mail, policy_text: str) -> dict[str, str]:
    """Each recipient's verdict and deciding line, as `policy explain` shows them, with the
    rules judging by this policy's own settings."""
    settings = policy_settings(parse_policy(policy_text, "p.toml"), Config())
    return explained(mail, policy_text, settings=settings)


BULK = '[actions.bulk_personal_data]\nnew = "reject"\n'


def test_the_policys_bulk_threshold_turns_six_pupils_into_bulk() -> None:
    """Below the threshold another rule holds the list (the school's pupils are not this
    parent's); at it, the bulk line of the policy decides."""
    six = pastoral_list("parent.rep@gmail.com", PUPILS[:6])
    assert verdicts(six, BULK)["parent.rep@gmail.com"] == "hold by rule default severity"
    strict = verdicts(six, BULK + "[thresholds]\nbulk_people = 6\n")
    assert strict["parent.rep@gmail.com"] == (
        'reject by p.toml:2 [actions.bulk_personal_data] new = "reject"'
    )


EXPOSED = '[actions.exposed_recipients]\nknown = "reject"\nnew = "reject"\n'


def test_the_policys_exposed_threshold_lets_four_households_see_each_other() -> None:
    assert verdicts(SUPPORT_GROUP, EXPOSED)[VICTIMS[1]] == (
        'reject by p.toml:3 [actions.exposed_recipients] new = "reject"'
    )
    relaxed = verdicts(SUPPORT_GROUP, "[thresholds]\nexposed_min_external = 5\n" + EXPOSED)
    assert set(relaxed.values()) == {"deliver by no rule fired"}


SENSITIVE = "OFFICIAL-SENSITIVE"
MARKED = f"{SENSITIVE}\n\nThe strategy meeting for the Oakfield Road burglaries is moved."
PARTNERS = """\
[partners."northshire.gov.uk"]    # the council
cleared = "OFFICIAL-SENSITIVE"
[partners."greenfield.sch.uk"]    # a school: cleared for OFFICIAL only

[actions.protective_marking]
partner = "reject"
"""


def test_a_partners_clearance_lets_official_sensitive_through_to_it_and_not_another() -> None:
    mail = Mail(
        to=("r.patel@northshire.gov.uk", "a.lowe@greenfield.sch.uk"),
        body=MARKED,
        found=(finding(FindingType.PROTECTIVE_MARKING, SENSITIVE, category=SENSITIVE),),
    )
    subject = judge(mail, town(), policy_settings(parse_policy(PARTNERS), Config()))
    for address in ("r.patel@northshire.gov.uk", "a.lowe@greenfield.sch.uk"):
        assert recipient_class(subject, to(subject, address)) is RecipientClass.PARTNER
    result = verdicts(mail, PARTNERS)
    assert result["r.patel@northshire.gov.uk"] == "deliver by no rule fired"
    assert result["a.lowe@greenfield.sch.uk"] == (
        'reject by p.toml:6 [actions.protective_marking] partner = "reject"'
    )


def test_without_the_policys_partners_the_school_is_a_known_correspondent() -> None:
    mail = Mail(to=("a.lowe@greenfield.sch.uk",), body="The meeting is moved.")
    subject = judge(mail, town(), PolicySettings())
    assert recipient_class(subject, to(subject, "a.lowe@greenfield.sch.uk")) is (
        RecipientClass.KNOWN
    )
