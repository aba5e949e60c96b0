"""Microsoft's compression formats (MS-XCA), exactly as Windows does them.

LZNT1, Plain LZ77 (XPRESS) and LZ77+Huffman (XPRESS Huffman), from Rust,
with the GIL released while they run::

    >>> import msxca
    >>> packed = msxca.compress(b"hello hello hello hello", msxca.XPRESS_HUFF)
    >>> msxca.decompress(packed, "xpress-huff", 23)
    b'hello hello hello hello'

A format is its Windows number (2, 3, 4), a name ("lznt1", "xpress",
"xpress-huff") or a constant (LZNT1, XPRESS, XPRESS_HUFF). A level is
"standard" or "maximum" (Windows' own engines, byte for byte) or 1 to 9
(msxca's own, fastest to smallest). Input may be bytes, bytearray or
memoryview.

Errors are msxca.Error (a ValueError) subclasses: BadDataError,
TruncatedError, OutputTooSmallError, LimitExceededError, UnsupportedError;
each has .offset (where in the input, or None) and .valid (how many output
bytes were decoded right before it).

Containers: msxca.mam (prefetch), msxca.api (the Compression API's
framing), msxca.wof (Compact OS streams, as file objects) and msxca.smb2
(the SMB 3.1.1 compression transform). Drop-in layers for dissect.util and
pyfwnt users are in msxca.compat.
"""

from ._msxca import (
    DEFAULT_MAX_SIZE,
    BadDataError,
    Compressor,
    Decompressor,
    Error,
    LimitExceededError,
    OutputTooSmallError,
    TruncatedError,
    UnsupportedError,
    compress,
    decompress,
    decompress_ex,
    decompress_into,
    max_compressed_size,
)
from . import api, mam, smb2, wof

LZNT1 = 2
XPRESS = 3
XPRESS_HUFF = 4

__all__ = [
    "LZNT1",
    "XPRESS",
    "XPRESS_HUFF",
    "DEFAULT_MAX_SIZE",
    "Error",
    "BadDataError",
    "TruncatedError",
    "OutputTooSmallError",
    "LimitExceededError",
    "UnsupportedError",
    "Compressor",
    "Decompressor",
    "compress",
    "decompress",
    "decompress_ex",
    "decompress_into",
    "max_compressed_size",
    "api",
    "mam",
    "smb2",
    "wof",
]
