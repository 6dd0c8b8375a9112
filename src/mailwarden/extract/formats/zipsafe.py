"""Zip containers read under the message's limits: archives, and the office formats built on zip.

Nothing here extracts to a path. Before a member is decompressed we check what
the archive declares (member count, the member's size and compression ratio,
encryption, the total against what is left of the message's budget); while it
is decompressed we count the bytes that actually come out, in chunks, because
declared sizes can lie, and stop at the first limit.

DOCX, XLSX, PPTX and ODF are XML inside zip, so both bombs stack: `verify_package`
decompresses every part under the limits above and refuses any XML part that
declares a DTD or entities before a library's XML parser sees it. Office files
never contain either; the billion-laughs bomb (and external-entity tricks) live
there. The libraries then parse with entity resolution off as well (python-docx
and python-pptx: lxml with resolve_entities=False; openpyxl: defusedxml).
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import olefile  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from mailwarden.extract.errors import BombDetected, CorruptFile, EncryptedFile, ExtractionError
from mailwarden.extract.formats.sniff import OLE_MAGIC
from mailwarden.extract.limits import Budget

DOCX, XLSX, PPTX, ODF = "docx", "xlsx", "pptx", "odf"

CHUNK = 1024 * 1024
_RATIO_FLOOR = 1024 * 1024
"""As in `Budget.check_ratio`: members smaller than this may compress as well as they like."""

_XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
_EMBEDDINGS = "/embeddings/"


def _in_any_encoding(marker: str) -> tuple[bytes, ...]:
    """The marker as it appears in UTF-8 (and ASCII-compatible) XML, and in UTF-16 either way."""
    return (marker.encode(), marker.encode("utf-16-le"), marker.encode("utf-16-be"))


_ENTITY_DECLARATION = _in_any_encoding("<!ENTITY")
_DOCTYPE = _in_any_encoding("<!DOCTYPE")

_MAIN_PART_KINDS = (
    ("wordprocessingml", DOCX),
    ("ms-word.", DOCX),
    ("spreadsheetml", XLSX),
    ("ms-excel.", XLSX),
    ("presentationml", PPTX),
    ("ms-powerpoint.", PPTX),
)
_ODF_MIMETYPE = "application/vnd.oasis.opendocument."


@dataclass(slots=True)
class SafeZip:
    """An opened zip whose members are read only through `read`, under the budget."""

    archive: zipfile.ZipFile
    members: list[zipfile.ZipInfo]
    """File members in archive order (directory entries left out)."""
    budget: Budget
    what: str
    """The archive's location, for messages."""

    def where(self, info: zipfile.ZipInfo) -> str:
        return f"{self.what}/{info.filename}"

    def check(self, info: zipfile.ZipInfo) -> None:
        """What can be refused from the headers alone: encryption, ratio (the surer sign), size."""
        where = self.where(info)
        if info.flag_bits & 0x1:
            raise EncryptedFile(f"{where} is password-protected")
        self.budget.check_ratio(info.file_size, info.compress_size, where)
        limit = self.budget.limits.max_file_bytes
        if info.file_size > limit:
            raise BombDetected(
                f"{where} declares {info.file_size:,} bytes uncompressed "
                f"(limit {limit:,} bytes per file)"
            )

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, counted and charged as they come out, stopping at a limit."""
        self.check(info)
        where = self.where(info)
        limits = self.budget.limits
        ratio_cap = max(_RATIO_FLOOR, int(limits.max_compression_ratio * info.compress_size))
        chunks: list[bytes] = []
        produced = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    produced += len(chunk)
                    if produced > limits.max_file_bytes:
                        raise BombDetected(
                            f"{where} decompresses to over {limits.max_file_bytes:,} bytes "
                            f"(limit per file), whatever its header says"
                        )
                    if produced > ratio_cap:
                        raise BombDetected(
                            f"{where} decompresses at over {limits.max_compression_ratio:g}:1 "
                            f"(limit {limits.max_compression_ratio:g}:1), whatever its header says"
                        )
                    self.budget.charge_bytes(len(chunk), where)
                    self.budget.check_time()
                    chunks.append(chunk)
        except ExtractionError:
            raise
        except Exception as exc:  # zipfile, zlib, bz2, lzma: all mean the bytes are bad
            raise CorruptFile(f"{where} cannot be decompressed: {exc}") from exc
        return b"".join(chunks)

    def member(self, name: str) -> zipfile.ZipInfo | None:
        for info in self.members:
            if info.filename == name:
                return info
        return None

    def package_kind(self) -> str | None:
        """`docx`, `xlsx`, `pptx` or `odf` when the zip is an office file, whatever its name."""
        mimetype = self.member("mimetype")
        if mimetype is not None and mimetype.file_size < 256:  # ODF names its type first
            declared = self.read(mimetype).decode("ascii", "replace").strip()
            if declared.startswith(_ODF_MIMETYPE):
                return ODF
        types = self.member("[Content_Types].xml")
        if types is not None:
            root = parse_xml(self.read(types), self.where(types))
            for override in root:
                content_type = override.get("ContentType", "")
                if not content_type.endswith(".main+xml"):
                    continue
                for marker, kind in _MAIN_PART_KINDS:
                    if marker in content_type:
                        return kind
        if self.member("content.xml") is not None and self.member("META-INF/manifest.xml"):
            return ODF
        return None


def open_zip(data: bytes, budget: Budget, what: str) -> SafeZip:
    """Open a zip after checking its member count and declared total size against the limits."""
    declared = _declared_entry_count(data)
    if declared is not None:  # refuse before the central directory is even parsed
        budget.check_members(declared, what)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, and the odd ValueError/OSError on mangled headers
        raise CorruptFile(f"{what} is not a readable zip file: {exc}") from exc
    entries = archive.infolist()
    budget.check_members(len(entries), what)
    members = [info for info in entries if not info.is_dir()]
    total = sum(info.file_size for info in members)
    room = budget.limits.max_total_bytes - budget.bytes_used
    if total > room:
        raise BombDetected(
            f"{what} declares {total:,} bytes uncompressed in all, more than the {room:,} left "
            f"of the limit of {budget.limits.max_total_bytes:,} bytes per message"
        )
    return SafeZip(archive, members, budget, what)


def open_office(data: bytes, budget: Budget, what: str) -> SafeZip:
    """Open a zip-based office file; in its place an OLE file is password-protected or legacy."""
    if data.startswith(OLE_MAGIC):
        raise office_in_ole(data, what)
    return open_zip(data, budget, what)


def verify_package(package: SafeZip) -> dict[str, bytes]:
    """Decompress every part of an office file under the limits; refuse XML parts with a DTD.

    Returns the objects embedded in an OOXML file (`word/embeddings/...`: a
    spreadsheet pasted into a report), which the caller reads as files of their own.
    """
    embedded: dict[str, bytes] = {}
    for info in package.members:
        data = package.read(info)
        name = info.filename
        if name.lower().endswith(_XML_PART_SUFFIXES):
            refuse_dtd(data, package.where(info))
        elif _EMBEDDINGS in name:
            embedded[name] = data
    return embedded


def refuse_dtd(data: bytes, where: str) -> None:
    """Raise when an XML part declares entities (a bomb) or a DTD (never in office files)."""
    if any(marker in data for marker in _ENTITY_DECLARATION):
        raise BombDetected(
            f"{where} declares XML entities, which office files never do "
            "(an entity-expansion bomb or an external-entity attack?); refused unparsed"
        )
    if any(marker in data for marker in _DOCTYPE):
        raise CorruptFile(f"{where} has a DTD (<!DOCTYPE>), which office files never have; refused")


def parse_xml(data: bytes, where: str) -> Element:
    """Parse an XML part with defusedxml: no DTD, no entities, no external references."""
    refuse_dtd(data, where)
    try:
        root: Element = _defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise BombDetected(f"{where}: refused XML construct ({exc})") from exc
    except ParseError as exc:
        raise CorruptFile(f"{where} is not well-formed XML: {exc}") from exc
    return root


def office_in_ole(data: bytes, label: str) -> ExtractionError:
    """Why an office file came as an OLE compound file: a password, or a legacy binary format."""
    try:
        ole = olefile.OleFileIO(data)
        try:
            encrypted = bool(ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"))
        finally:
            ole.close()
    except Exception as exc:  # olefile raises OSError and friends on a damaged file
        return CorruptFile(f"{label} is a damaged compound file: {exc}")
    if encrypted:
        return EncryptedFile(f"{label} is password-protected")
    return CorruptFile(f"{label} is in a legacy binary (OLE) format, which is not read")


def _declared_entry_count(data: bytes) -> int | None:
    """The member count the end-of-central-directory record declares, or None if not found."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            (count,) = struct.unpack_from("<Q", data, offset + 32)
    return int(count)
