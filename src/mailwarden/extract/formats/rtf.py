"""Rich Text Format: the document's text, one segment per paragraph.

striprtf does the reading, but it is regex-based and two of its regexes go
quadratic on hostile input (measured: its hyperlink rewrite takes 0.8 s on an
84 KB line of `{\\field{\\*\\fldinst{`, its font-table regex 0.3 s on an 18 KB
table of `\\f1`, each growing with the square of the size). Before striprtf sees
the text we therefore (1) drop embedded binary (`\\binN` data and long hex runs of
pictures and objects, which striprtf would otherwise walk character by character),
(2) rewrite the font table into one short entry per font, and (3) put a space in
`\\fldinst{` so the hyperlink regex never starts. None of these changes the text
a reader sees. What is left is capped at `MAX_RTF_CHARS`, which striprtf's linear
main loop reads in about a second.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, Segment
from mailwarden.extract.errors import CorruptFile, ExtractionError, LimitExceeded
from mailwarden.extract.formats.sniff import RTF, magic_kind, recognise
from mailwarden.extract.formats.textcodec import decode_text

MAX_RTF_CHARS = 4_000_000
"""RTF markup read once pictures are dropped: Word's markup runs to ~10 characters per
character of text, so this is a long report; striprtf reads it in about 1.5 s."""

_MAX_FONTS = 4096
_BIN = re.compile(r"\\bin(\d{1,10}) ?")
_HEX_RUN = re.compile(r"(?<![0-9a-fA-F\r\n])[0-9a-fA-F\r\n]{512,}")
"""Pictures and objects are hex; the lookbehind makes each run be tried once, from its start."""
_FONTTBL = "\\fonttbl"
_STRAY_FONTTBL = "\\fonttbX"
"""Same length, and a control word striprtf does not know, so it is ignored."""
_STRIPRTF_FONTTBL = re.compile(r"\{[^{}]*\\fonttbl")
"""striprtf's own pattern for where the font table starts."""
_OWN_GROUP = re.compile(r"\{\s*\\fonttbl")
_FLDINST = re.compile(r"\\fldinst\{", re.IGNORECASE)
_BRACE = re.compile(r"[{}]")
_FONT_ID = re.compile(r"\\f(\d{1,6})")
_FONT_CHARSET = re.compile(r"\\fcharset(\d{1,3})")

_TYPES = frozenset({"application/rtf", "text/rtf", "application/x-rtf", "text/richtext"})


class RtfExtractor:
    name = "rtf"
    description = "Rich Text Format documents, one segment per paragraph."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(".rtf")
        return recognise(head, labelled, magic=frozenset({RTF}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        if magic_kind(data.lstrip()[:16]) != RTF:  # a text file named .rtf: read it as text
            text = decode_text(data, context.charset)
        else:
            text = rtf_text(data, context.location)
        context.budget.check_time()
        paragraphs = 0
        for line in text.splitlines():
            if line.strip():
                paragraphs += 1
                yield context.segment(line, f"paragraph {paragraphs}")


def rtf_text(data: bytes, where: str) -> str:
    """The text of an RTF document, read by striprtf once the hostile parts are defused."""
    from striprtf.striprtf import rtf_to_text

    # cp1252 maps every byte to one character, so \binN lengths stay right
    source = _defuse(data.decode("cp1252", "replace"))
    if len(source) > MAX_RTF_CHARS:
        raise LimitExceeded(
            f"{where} has {len(source):,} characters of RTF once pictures are dropped "
            f"(limit {MAX_RTF_CHARS:,})"
        )
    try:
        return str(rtf_to_text(source, errors="replace"))  # type: ignore[no-untyped-call]
    except ExtractionError:
        raise
    except Exception as exc:  # ValueError on a bad \u or \uc, LookupError on a bad codepage
        raise CorruptFile(f"{where} is not readable RTF: {exc}") from exc


def _defuse(text: str) -> str:
    # with every \binN gone, a "\bin" left is \binfsxn (a paper tray) or junk; renamed, it stops
    # striprtf's own \pict/\bin pass, which fails on \binfsxn and walks the text char by char
    text = _drop_binary(text).replace("\\bin", "\\xbin")
    text = _simplify_font_table(_HEX_RUN.sub("", text))
    return _FLDINST.sub(r"\\fldinst {", text)  # same meaning: the space ends the control word


def _drop_binary(text: str) -> str:
    """Remove each `\\binN` and the N raw bytes that follow it."""
    if "\\bin" not in text:
        return text
    kept: list[str] = []
    position = 0
    while (found := _BIN.search(text, position)) is not None:
        kept.append(text[position : found.start()])
        position = found.end() + int(found.group(1))
    kept.append(text[position:])
    return "".join(kept)


def _simplify_font_table(text: str) -> str:
    """Rewrite the font table striprtf will read as one short `{\\fN\\fcharsetC F;}` per font.

    striprtf takes the first `{...\\fonttbl` it finds and the group that brace
    opens; a `\\fonttbl` that does not open its own group (malformed) would make
    it take the whole enclosing group, so such strays are renamed out of its way.
    """
    strays: list[int] = []
    start = _STRIPRTF_FONTTBL.search(text)
    while start is not None and not _OWN_GROUP.fullmatch(start.group()):
        strays.append(start.end() - len(_FONTTBL))
        start = _STRIPRTF_FONTTBL.search(text, start.end())
    if strays:
        text = _rename_strays(text, strays)
    if start is None:
        return text
    depth, end = 1, len(text)
    for brace in _BRACE.finditer(text, start.end()):
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            end = brace.end()
            break
    fonts: dict[str, str] = {}
    for entry in text[start.end() : end].split(";"):
        font, charset = _FONT_ID.search(entry), _FONT_CHARSET.search(entry)
        if font is None or font.group(1) in fonts:
            continue
        fonts[font.group(1)] = charset.group(1) if charset and _known(charset.group(1)) else "0"
        if len(fonts) >= _MAX_FONTS:
            break
    table = "".join(f"{{\\f{font}\\fcharset{charset} F;}}" for font, charset in fonts.items())
    return f"{text[: start.start()]}{{{_FONTTBL}{table}}}{text[end:]}"


def _rename_strays(text: str, positions: list[int]) -> str:
    """Rename each stray `\\fonttbl` to an unknown control word of the same length."""
    pieces: list[str] = []
    previous = 0
    for at in positions:
        pieces += [text[previous:at], _STRAY_FONTTBL]
        previous = at + len(_FONTTBL)
    pieces.append(text[previous:])
    return "".join(pieces)


def _known(charset: str) -> bool:
    """Whether striprtf would map this charset to a codec Python has (mac_japanese it has not)."""
    from striprtf.striprtf import charset_map

    try:
        codecs.lookup(charset_map.get(int(charset), "cp1252"))
    except LookupError:
        return False
    return True


EXTRACTOR = RtfExtractor()
