"""One module per file format; `ALL_EXTRACTORS` is the order they are tried in."""

from mailwarden.extract.base import Extractor
from mailwarden.extract.formats import html, plain, rfc822

ALL_EXTRACTORS: tuple[Extractor, ...] = (
    rfc822.EXTRACTOR,
    html.EXTRACTOR,
    plain.EXTRACTOR,
)

__all__ = ["ALL_EXTRACTORS"]
