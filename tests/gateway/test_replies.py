"""The reply table: codes agree with their enhanced codes; our own failures are temporary."""

from __future__ import annotations

import pytest

from mailwarden.gateway.replies import INTERNAL_FAILURES, Reply


@pytest.mark.parametrize("reply", list(Reply), ids=lambda r: r.name)
def test_class_digit_matches_enhanced_code(reply: Reply) -> None:
    assert str(reply.code)[0] == reply.enhanced.split(".")[0]
    assert reply.name.startswith(f"S{reply.code}_")
    assert str(reply).startswith(f"{reply.code} {reply.enhanced} ")


@pytest.mark.parametrize("reply", INTERNAL_FAILURES, ids=lambda r: r.name)
def test_internal_failures_are_temporary(reply: Reply) -> None:
    assert reply.is_temporary


def test_reason_is_one_line() -> None:
    line = Reply.S550_REFUSED.with_reason("marked SECRET;\r\n not cleared")
    assert line == "550 5.7.1 Refused by the organisation's mail policy: marked SECRET; not cleared"
