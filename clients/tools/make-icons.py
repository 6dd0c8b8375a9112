"""Draw the add-ins' icons (a white tick on a blue shield) as PNG files, with the standard library only.

Run from clients/: python3 tools/make-icons.py. The PNGs are committed; this records how they were made.
"""

import struct
import zlib
from pathlib import Path

BLUE = (22, 74, 140, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def inside_shield(x: float, y: float) -> bool:
    """The shield in unit coordinates: a flat top, straight sides, a curved point at the bottom."""
    if y < 0.08 or y > 0.94 or x < 0.12 or x > 0.88:
        return False
    if y < 0.55:
        return True
    half = 0.38 * (1 - ((y - 0.55) / 0.39) ** 2) ** 0.5
    return abs(x - 0.5) <= half


def on_tick(x: float, y: float) -> bool:
    """Two strokes: (0.30,0.50)→(0.45,0.66)→(0.72,0.34), about 0.07 wide."""

    def near(ax: float, ay: float, bx: float, by: float) -> bool:
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        return ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) ** 0.5 < 0.065

    return near(0.30, 0.50, 0.45, 0.66) or near(0.45, 0.66, 0.72, 0.34)


def pixel(size: int, px: int, py: int) -> tuple[int, int, int, int]:
    samples = [((px + (i + 0.5) / 4) / size, (py + (j + 0.5) / 4) / size) for i in range(4) for j in range(4)]
    colours = [WHITE if on_tick(x, y) else BLUE if inside_shield(x, y) else CLEAR for x, y in samples]
    return tuple(round(sum(c[k] for c in colours) / len(colours)) for k in range(4))  # type: ignore[return-value]


def png(size: int) -> bytes:
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(size, x, y)) for x in range(size)) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for size in (16, 32, 64, 80, 128):
        Path(f"outlook/assets/icon-{size}.png").write_bytes(png(size))
    for size in (32, 48, 96):
        Path(f"thunderbird/icons/icon-{size}.png").write_bytes(png(size))
