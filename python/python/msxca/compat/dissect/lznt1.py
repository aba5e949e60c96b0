"""dissect.util.compression.lznt1.decompress, on msxca."""

from ... import _msxca
from . import Source, read_source


def decompress(src: Source) -> bytes:
    """LZNT1 data (bytes or a file object read to its end), decompressed."""
    return _msxca.decompress(read_source(src), 2)
