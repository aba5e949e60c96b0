"""Windows 8.1+ prefetch and SysMain files: the MAM header around an
LZ77+Huffman stream.

    >>> import msxca
    >>> pf = msxca.mam.compress(b"trace " * 100, crc=True)
    >>> pf[:4], msxca.mam.read_header(pf).uncompressed_size
    (b'MAM\\x84', 600)
    >>> msxca.mam.decompress(pf) == b"trace " * 100
    True
"""

from typing import NamedTuple, Optional, Union

from . import _msxca

Buffer = Union[bytes, bytearray, memoryview]


class Header(NamedTuple):
    """A parsed MAM header."""

    format: int
    uncompressed_size: int
    crc: Optional[int]
    data_offset: int


def read_header(data: Buffer) -> Header:
    """The header of a MAM file."""
    return Header(*_msxca.mam_read_header(data))


def decompress(data: Buffer, max_size: int = _msxca.DEFAULT_MAX_SIZE) -> bytes:
    """The original data of a MAM file, its CRC-32 checked when it has one."""
    return _msxca.mam_decompress(data, max_size)


def compress(data: Buffer, format: Union[int, str] = 4, level: Union[int, str] = "standard", crc: bool = False) -> bytes:
    """A MAM file of data (MAM\\x04, or MAM\\x84 with a CRC-32 when crc)."""
    return _msxca.mam_compress(data, format, level, crc)
