"""The SMB 3.1.1 compression transform (MS-SMB2 2.2.42): reassembly with
every receiver check, and building, unchained or chained.

    >>> import msxca
    >>> message = b"\\xfeSMB" + b"a READ response " * 100 + bytes(200)
    >>> packed = msxca.smb2.compress(message, "xpress-huff", chained=True)
    >>> packed[:4], msxca.smb2.decompress(packed) == message
    (b'\\xfcSMB', True)
"""

from typing import Union

from . import _msxca

Buffer = Union[bytes, bytearray, memoryview]


def decompress(message: Buffer, max_size: int = 16 << 20) -> bytes:
    """The SMB2 message a compression transform message carries."""
    return _msxca.smb2_decompress(message, max_size)


def compress(
    message: Buffer,
    format: Union[int, str],
    chained: bool = False,
    level: Union[int, str] = "standard",
    uncompressed_prefix: int = 0,
) -> bytes:
    """A compression transform message of message (or message itself when it
    would not shrink)."""
    return _msxca.smb2_compress(message, format, chained, level, uncompressed_prefix)
