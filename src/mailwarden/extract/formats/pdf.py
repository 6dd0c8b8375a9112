"""PDF: the text of every page ("page N"), the values typed into its form fields, and the
files embedded in it (a PDF portfolio, an attached spreadsheet), each read as a file of its own.

A PDF encrypted with an empty user password (an "owner password only" PDF:
no copying or printing, but anyone can open it) is read; one that needs a
password to open is `EncryptedFile`. pypdf's own limits on decompressed streams
(`LimitReachedError`) are reported as `BombDetected`. The time budget is checked
before each page; one page pypdf cannot read is recorded and the others are read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from mailwarden.extract.base import ExtractContext, ExtractionProblem, Segment
from mailwarden.extract.errors import BombDetected, CorruptFile, EncryptedFile, ExtractionError
from mailwarden.extract.formats.sniff import PDF, recognise

_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat"})


class PdfExtractor:
    name = "pdf"
    description = "PDF documents: the text of each page and the values in form fields."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(".pdf")
        return recognise(head, labelled, magic=frozenset({PDF}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        context.budget.charge_bytes(len(data), context.location)
        where = context.location
        reader = _open(data, where)
        page_count = _edge(lambda: len(reader.pages), where)
        for number in range(1, page_count + 1):
            context.budget.check_time()
            try:
                text = _edge(lambda n=number: reader.pages[n - 1].extract_text(), where)
            except CorruptFile as exc:
                context.problems.append(
                    ExtractionProblem(where, "corrupt", f"page {number} cannot be read: {exc}")
                )
                continue
            if text.strip():
                yield context.segment(text, f"page {number}")
        context.budget.check_time()
        fields = _edge(lambda: reader.get_form_text_fields() or {}, where)
        for name, value in fields.items():
            if isinstance(value, str) and value.strip():
                yield context.segment(value, f"form field {name}")
        embedded = _edge(lambda: dict(reader.attachments), where)
        for name, contents in embedded.items():
            for data in contents:
                yield from context.nested(data, name)


def _open(data: bytes, where: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)  # tries the empty password itself
        if reader.is_encrypted and not reader.decrypt(""):  # NOT_DECRYPTED is 0
            raise EncryptedFile(f"{where} is password-protected")
    except (DependencyError, NotImplementedError) as exc:
        if b"/Encrypt" not in data:
            raise CorruptFile(f"{where} cannot be read: {exc}") from exc
        # an AES key without the crypto library, or a rights-management handler
        raise EncryptedFile(f"{where} is encrypted in a way that cannot be read: {exc}") from exc
    except ExtractionError:
        raise
    except LimitReachedError as exc:
        raise BombDetected(f"{where}: {exc}") from exc
    except Exception as exc:  # pypdf raises PdfReadError, and KeyError, ValueError... on junk
        raise CorruptFile(f"{where} is not a readable PDF: {exc}") from exc
    return reader


def _edge(read: Any, where: str) -> Any:
    """Call into pypdf, mapping its exceptions into ours."""
    try:
        return read()
    except ExtractionError:
        raise
    except LimitReachedError as exc:
        raise BombDetected(f"{where}: {exc}") from exc
    except Exception as exc:
        raise CorruptFile(f"{where}: {type(exc).__name__}: {exc}") from exc


EXTRACTOR = PdfExtractor()
