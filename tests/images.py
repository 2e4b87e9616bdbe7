"""Image files for the upload tests, written without holding the image in memory: a PNG's rows are compressed
one at a time, so a test can make the issue's 12000 × 12000 image (432 MB of pixels) in a few megabytes."""

import struct
import zlib
from pathlib import Path

# PNG colour types and their bytes per pixel (8 bits per sample).
GREY, RGB, PALETTE, RGBA = 0, 2, 3, 6
CHANNELS = {GREY: 1, RGB: 3, PALETTE: 1, RGBA: 4}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width: int, height: int, colour_type: int = RGB, *, transparent: bool = False) -> bytes:
    """A valid PNG of one colour (zero bytes) and the size given. ``transparent`` (palette images) adds a tRNS
    chunk, so the image has an alpha channel once converted."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * CHANNELS[colour_type])  # filter byte, then the samples
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    extra = b""
    if colour_type == PALETTE:
        extra = _chunk(b"PLTE", b"\x20\x60\xa0" * 2) + (_chunk(b"tRNS", b"\x00") if transparent else b"")
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def png_file(path: Path, width: int, height: int, colour_type: int = RGB, **kwargs) -> Path:
    path.write_bytes(png_bytes(width, height, colour_type, **kwargs))
    return path
