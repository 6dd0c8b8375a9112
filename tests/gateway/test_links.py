"""Links in sender notices: only the installation that made a link accepts it, and only
for its own held message, its own sender and its days of validity."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from mailwarden.gateway.links import LinkClaim, LinkError, LinkExpired, LinkSigner

KEY = bytes(range(32))
HOLD = "20250303T100400-0123456789abcdef"
SENDER = "a.officer@example.police.uk"
WEEK = timedelta(days=7)


def test_a_link_names_its_hold_and_sender_and_when_it_was_made() -> None:
    signer = LinkSigner(KEY)
    before = datetime.now(UTC).replace(microsecond=0)
    link = signer.url("https://review.example.police.uk/held/", HOLD, SENDER)

    base, _, token = link.rpartition("/")
    assert base == "https://review.example.police.uk/held"
    claim = signer.verify(token, WEEK)
    assert (claim.hold_id, claim.sender) == (HOLD, SENDER)
    assert before <= claim.issued_at <= datetime.now(UTC)
    assert claim.issued_at.tzinfo is not None


@pytest.mark.parametrize("sender", [SENDER, "o'brien+cases@example.police.uk", "x" * 200 + "@a.uk"])
def test_the_token_is_one_url_safe_path_segment(sender: str) -> None:
    """Long payloads are compressed (the token then starts with a dot); still one segment."""
    token = LinkSigner(KEY).token(HOLD, sender)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)
    assert LinkSigner(KEY).verify(token, WEEK).sender == sender


def test_another_installation_key_does_not_accept_it() -> None:
    token = LinkSigner(KEY).token(HOLD, SENDER)
    with pytest.raises(LinkError, match=r"^this is not a valid link$"):
        LinkSigner(bytes(range(1, 33))).verify(token, WEEK)


def test_the_installation_key_itself_does_not_sign_links() -> None:
    """A token signed with the hashing key (not the derived link key) is refused."""
    same_but_key = URLSafeTimedSerializer(
        KEY, salt=b"mailwarden.hold", signer_kwargs={"digest_method": hashlib.sha256}
    )
    raw_key = same_but_key.dumps([HOLD, SENDER])
    with pytest.raises(LinkError, match="not a valid link"):
        LinkSigner(KEY).verify(raw_key, WEEK)


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.parametrize(
    "position",
    [0, 10, -12, -1],
    ids=["payload-start", "payload-middle", "signature", "last-character"],
)
def test_a_changed_character_anywhere_makes_it_invalid(position: int) -> None:
    token = LinkSigner(KEY).token(HOLD, SENDER)
    i = position % len(token)
    flipped = B64[(B64.index(token[i]) + 16) % 64]  # high bits: a last character's count
    tampered = token[:i] + flipped + token[i + 1 :]
    with pytest.raises(LinkError, match="not a valid link") as caught:
        LinkSigner(KEY).verify(tampered, WEEK)
    assert not isinstance(caught.value, LinkExpired)


def test_a_link_for_one_hold_cannot_be_used_for_another() -> None:
    """Grafting another hold's payload onto this link's time stamp and signature fails."""
    signer = LinkSigner(KEY)
    mine = signer.token(HOLD, SENDER)
    other = signer.token("20250303T100500-fedcba9876543210", SENDER)
    grafted = other.rsplit(".", 2)[0] + "." + ".".join(mine.rsplit(".", 2)[1:])
    assert grafted != mine
    with pytest.raises(LinkError, match="not a valid link"):
        signer.verify(grafted, WEEK)
    assert signer.verify(other, WEEK).hold_id != signer.verify(mine, WEEK).hold_id


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b", "./../etc/passwd"])
def test_malformed_tokens_are_not_valid_links(token: str) -> None:
    with pytest.raises(LinkError, match="not a valid link"):
        LinkSigner(KEY).verify(token, WEEK)


def test_an_old_link_has_expired_and_still_says_which_hold() -> None:
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    token = LinkSigner(KEY, clock=lambda: eight_days_ago).token(HOLD, SENDER)

    with pytest.raises(LinkExpired, match=r"^this link has expired$") as caught:
        LinkSigner(KEY).verify(token, WEEK)
    assert isinstance(caught.value, LinkError)
    assert (caught.value.claim.hold_id, caught.value.claim.sender) == (HOLD, SENDER)


def test_a_link_on_its_last_day_is_still_valid() -> None:
    six_days_ago = time.time() - timedelta(days=6, hours=23).total_seconds()
    token = LinkSigner(KEY, clock=lambda: six_days_ago).token(HOLD, SENDER)
    assert isinstance(LinkSigner(KEY).verify(token, WEEK), LinkClaim)


def test_a_little_clock_skew_between_relays_is_tolerated_but_not_a_future_link() -> None:
    now = time.time()
    slightly_ahead = LinkSigner(KEY, clock=lambda: now + 60).token(HOLD, SENDER)
    far_ahead = LinkSigner(KEY, clock=lambda: now + 3600).token(HOLD, SENDER)
    assert LinkSigner(KEY).verify(slightly_ahead, WEEK).hold_id == HOLD
    with pytest.raises(LinkError, match="not a valid link"):
        LinkSigner(KEY).verify(far_ahead, WEEK)


def test_a_short_key_or_an_empty_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        LinkSigner(b"short")
    with pytest.raises(ValueError, match="hold ID"):
        LinkSigner(KEY).token("", SENDER)
