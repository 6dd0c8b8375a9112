"""Zip archives: every member read by the extractor for its format, nested zips to the depth limit.

Members are decompressed in memory through `zipsafe` (never to a path), each
after its declared size and ratio pass and while its real output is counted,
and handed to `ExtractContext.nested`, which picks the member's extractor and
checks the depth. Directory entries are skipped. A password-protected or
damaged member is recorded against that member and the others are read.

A limit stops the archive: once a member, or anything nested in it, hits a
limit against hostile input (a bomb, too deep, too many members, time), the
archive is taken as hostile and its remaining members are not read. The limit
is recorded once, where it was hit. Without this a 42.zip-style bomb would be
walked branch by branch, every branch ending at the same limit.

A zip that is really an office file (a DOCX sent as .zip or with no name) is
read by that format's extractor.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailwarden.extract.base import ExtractContext, Extractor, Segment, problem_from_error
from mailwarden.extract.errors import CorruptFile, EncryptedFile, LimitExceeded
from mailwarden.extract.formats import docx, odf, pptx, xlsx, zipsafe
from mailwarden.extract.formats.sniff import ZIP, recognise

_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/x-zip", "multipart/x-zip"}
)
_OFFICE: dict[str, Extractor] = {
    zipsafe.DOCX: docx.EXTRACTOR,
    zipsafe.XLSX: xlsx.EXTRACTOR,
    zipsafe.PPTX: pptx.EXTRACTOR,
    zipsafe.ODF: odf.EXTRACTOR,
}


class ZipArchiveExtractor:
    name = "zip"
    description = "Zip archives: each member read as a file of its own format, recursively."

    def matches(self, content_type: str, filename: str, head: bytes) -> bool:
        labelled = content_type in _TYPES or filename.endswith(".zip")
        return recognise(head, labelled, magic=frozenset({ZIP}))

    def extract(self, data: bytes, context: ExtractContext) -> Iterator[Segment]:
        archive = zipsafe.open_zip(data, context.budget, context.location)
        kind = archive.package_kind()
        if kind is not None:
            yield from _OFFICE[kind].extract(data, context)
            return
        for info in archive.members:
            context.budget.check_time()
            try:
                member = archive.read(info)
            except (EncryptedFile, CorruptFile) as exc:
                context.problems.append(problem_from_error(archive.where(info), exc))
                continue
            except LimitExceeded as exc:
                context.problems.append(problem_from_error(archive.where(info), exc))
                return
            before = len(context.problems)
            yield from context.nested(member, info.filename, "")
            if any(problem.kind == "limit" for problem in context.problems[before:]):
                return


EXTRACTOR = ZipArchiveExtractor()
