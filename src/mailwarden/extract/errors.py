"""The extract stage's errors. Third-party exceptions are mapped into these at the edge.

ExtractionError                 anything that stopped a file being read
├── CorruptFile                 the bytes are not a valid file of that format
├── EncryptedFile               password-protected: cannot be read without the key
└── LimitExceeded               a hostile-input limit stopped the work
    ├── BombDetected            decompressed size or ratio over the limit (zip/XML bomb)
    ├── TooDeep                 nesting deeper than the limit
    ├── TooManyParts            more members or parts than the limit
    └── TimeLimitExceeded       the message's time budget ran out
"""

from __future__ import annotations


class ExtractionError(Exception):
    """A file could not be read; the message says why in plain words."""


class CorruptFile(ExtractionError):
    """The bytes are not a valid file of the format they claim."""


class EncryptedFile(ExtractionError):
    """The file is password-protected and cannot be read."""


class LimitExceeded(ExtractionError):
    """A limit against hostile input stopped the work."""


class BombDetected(LimitExceeded):
    """Decompressed size or compression ratio over the limit."""


class TooDeep(LimitExceeded):
    """Nesting of archives or attached messages deeper than the limit."""


class TooManyParts(LimitExceeded):
    """More archive members or message parts than the limit."""


class TimeLimitExceeded(LimitExceeded):
    """The time budget for the message ran out."""
