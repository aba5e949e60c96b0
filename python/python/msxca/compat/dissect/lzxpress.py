"""dissect.util.compression.lzxpress.decompress (Plain LZ77), on msxca."""

from ... import _msxca
from . import Source, read_source


def decompress(src: Source) -> bytes:
    """Plain LZ77 data (bytes or a file object read to its end), decompressed."""
    return _msxca.decompress(read_source(src), 3)
