"""The Windows Compression API's framing: buffer mode (a 24-byte header
and 64 MiB blocks) or raw mode (the stream alone, stored when it does not
shrink).

    >>> import msxca
    >>> framed = msxca.api.compress(b"abc" * 1000, "xpress")
    >>> msxca.api.decompress(framed) == b"abc" * 1000
    True
"""

from typing import Optional, Union

from . import _msxca

Buffer = Union[bytes, bytearray, memoryview]


def compress(data: Buffer, format: Union[int, str], level: Union[int, str] = "standard", mode: str = "buffer") -> bytes:
    """Compresses as CreateCompressor/Compress would (mode "buffer" or "raw")."""
    return _msxca.api_compress(data, format, level, mode)


def decompress(
    data: Buffer,
    format: Optional[Union[int, str]] = None,
    mode: str = "buffer",
    max_size: int = _msxca.DEFAULT_MAX_SIZE,
    size: Optional[int] = None,
) -> bytes:
    """Decompresses Compression API output. Buffer mode records its format
    and size; raw mode is the stream alone (as msxca.decompress takes it,
    with its size for xpress-huff)."""
    if mode == "raw":
        if format is None:
            raise ValueError("raw mode needs the format")
        return _msxca.decompress(data, format, size, max_size=max_size)
    return _msxca.api_decompress(data, format, mode, max_size)
