"""unparseable_recipient: an address that will not parse strictly is held, never guessed."""

from __future__ import annotations

from mailwarden.message.model import Address, AddressField, Recipient
from mailwarden.rules import Verdict
from mailwarden.rules.unparseable_recipient import UnparseableRecipient

from .story import Mail, judge, someone

RULE = UnparseableRecipient()


def test_unparseable_recipient_is_held() -> None:
    broken = Recipient(Address("", "", "@@nowhere"), AddressField.TO)
    reason = RULE.check(judge(Mail()), broken)
    assert reason is not None and reason.action is Verdict.HOLD
    assert reason.evidence == ("@@nowhere",)
    assert RULE.check(judge(Mail()), someone("r.patel@gmail.com")) is None
