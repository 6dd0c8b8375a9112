"""The one question the scan pipeline asks of what the organisation knows."""

from __future__ import annotations

from typing import Protocol

from mailwarden.knowledge.features import Keyer, MessageFeatures
from mailwarden.knowledge.model import Knowledge
from mailwarden.message.model import Message


class KnowledgeSource(Protocol):
    """Something that knows correspondents, cases and threads: the store, or a test's table."""

    keyer: Keyer

    def knowledge_for(self, message: Message, features: MessageFeatures) -> Knowledge:
        """What is known about this message's sender, recipients, thread and keys."""
        ...
