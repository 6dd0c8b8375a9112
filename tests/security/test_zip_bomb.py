"""Zip bombs: refused from what the archive declares, before the bytes are inflated, and fast.

The bombs are built here, not downloaded: a deflate stream of N zeros is a
1 KiB block repeated (each block flushed to a byte boundary), written into a zip
by hand with its true CRC and sizes, so a 200 MB member costs milliseconds to
make and ~200 KB to store. Every test checks the guard stops in well under a
second and that the problem it records names the limit.
"""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
import zlib

from mailwarden.extract import ExtractionResult, extract_message
from mailwarden.message import Message, Part

MiB = 1024 * 1024


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes (a multiple of 1 MiB), and their CRC-32."""
    assert size % MiB == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(bytes(MiB), crc)
    return block * (size // MiB) + final, crc


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflate stream, CRC-32, declared uncompressed size), written by hand."""
    out = io.BytesIO()
    central = b""
    for name, stream, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded + stream)
        central += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(central)
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0
        )
    )
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def extract(data: bytes, name: str) -> tuple[ExtractionResult, float]:
    started = time.monotonic()
    result = extract_message(Message(parts=[Part("application/zip", data, name)]))
    return result, time.monotonic() - started


def test_a_single_member_of_200_mb_of_zeros_is_stopped_by_its_compression_ratio() -> None:
    stream, crc = deflated_zeros(200 * MiB)
    bomb = raw_zip([("invoice.pdf", stream, crc, 200 * MiB)])
    assert len(bomb) < 300_000

    result, seconds = extract(bomb, "invoice.zip")

    assert seconds < 1
    assert result.segments == []
    [problem] = result.problems
    assert problem.location == "attachment:invoice.zip/invoice.pdf"
    assert problem.kind == "limit"
    assert "has compression ratio" in problem.detail
    assert problem.detail.endswith("(limit 100:1)")


def test_a_42_zip_style_nested_bomb_is_stopped_at_the_first_bomb_it_reaches() -> None:
    """16 zips of 16 zips of ... of 16 files of 200 MB each: 16⁵ × 3.2 GB if inflated."""
    stream, crc = deflated_zeros(200 * MiB)
    layer = raw_zip([(f"{n:x}.dll", stream, crc, 200 * MiB) for n in range(16)])
    for level in ("page", "doc", "chapter", "book", "lib"):
        packed, packed_crc, size = deflated(layer)
        layer = raw_zip([(f"{level}{n:x}.zip", packed, packed_crc, size) for n in range(16)])
    assert len(layer) < 100_000

    result, seconds = extract(layer, "42.zip")

    assert seconds < 1
    assert result.segments == []
    [problem] = result.problems  # recorded once, where it was hit; the rest is not walked
    assert problem.location.startswith("attachment:42.zip/lib0.zip/book0.zip/")
    assert problem.kind == "limit"
    assert "has compression ratio" in problem.detail
    assert problem.detail.endswith("(limit 100:1)")


def test_a_member_that_understates_its_size_yields_no_more_than_it_declared() -> None:
    """Declared sizes can lie; the bytes that come out are capped at the declaration and counted."""
    stream, _ = deflated_zeros(50 * MiB)
    liar = raw_zip([("notes.txt", stream, zlib.crc32(bytes(1000)), 1000)])

    result, seconds = extract(liar, "notes.zip")

    assert seconds < 1
    assert sum(len(segment.text) for segment in result.segments) <= 1000


def test_more_members_than_the_limit_are_refused_before_any_is_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2001):
            archive.writestr(f"pupil-{number}.txt", "x")

    result, seconds = extract(buffer.getvalue(), "pupils.zip")

    assert seconds < 1
    assert result.segments == []
    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:pupils.zip", "limit")
    assert problem.detail == "attachment:pupils.zip has 2001 members (limit 2000)"


def test_members_declaring_more_than_the_message_may_inflate_are_refused_up_front() -> None:
    noise = os.urandom(MiB)  # does not compress: each member's ratio is a modest 60:1
    members = [(f"scan-{n}.pdf", noise, zlib.crc32(noise), 60 * MiB) for n in range(5)]

    result, seconds = extract(raw_zip(members), "scans.zip")

    assert seconds < 1
    [problem] = result.problems
    assert problem.kind == "limit"
    assert "declares 314,572,800 bytes uncompressed in all" in problem.detail
    assert "limit of 268,435,456 bytes per message" in problem.detail


def test_zips_nested_deeper_than_the_limit_are_not_followed() -> None:
    layer = b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bottom.txt", "Ellie Marsh")
    layer = buffer.getvalue()
    for depth in range(7):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"level{depth}.zip", layer)
        layer = buffer.getvalue()

    result, seconds = extract(layer, "deep.zip")

    assert seconds < 1
    assert "Ellie Marsh" not in [segment.text for segment in result.segments]
    [problem] = result.problems
    assert problem.kind == "limit"
    assert "nested 6 levels deep (limit 5)" in problem.detail
