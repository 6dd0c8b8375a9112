"""One module per file format; `ALL_EXTRACTORS` is the order they are tried in.

Specific before generic: formats known by their magic bytes (PDF, zip, RTF)
come before the text formats that go by name, so a PDF named notes.txt is read
as a PDF; the zip-based office formats come before the generic zip; plain text
is last. `sniff` and `zipsafe` are shared helpers, not extractors.
"""

from mailwarden.extract.base import Extractor
from mailwarden.extract.formats import (
    archive,
    csv,
    docx,
    html,
    msg,
    odf,
    pdf,
    plain,
    pptx,
    rfc822,
    rtf,
    xlsx,
)

ALL_EXTRACTORS: tuple[Extractor, ...] = (
    pdf.EXTRACTOR,  # %PDF- whatever the name
    msg.EXTRACTOR,  # Outlook .msg (an OLE compound file)
    docx.EXTRACTOR,  # the office formats, before the zip they are made of
    xlsx.EXTRACTOR,
    pptx.EXTRACTOR,
    odf.EXTRACTOR,
    archive.EXTRACTOR,  # any other zip, and office files under other names
    rtf.EXTRACTOR,  # {\rtf whatever the name
    csv.EXTRACTOR,  # .csv/.tsv, before plain text that a CSV is often labelled as
    rfc822.EXTRACTOR,
    html.EXTRACTOR,
    plain.EXTRACTOR,
)

__all__ = ["ALL_EXTRACTORS"]
