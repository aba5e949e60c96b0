"""dissect.util.compression.lzxpress_huffman.decompress, on msxca.

LZ77+Huffman does not record its size, and dissect.util's function takes
none: it decodes until the input ends. So does this one, with msxca's
strict decoder: whole 64 KiB blocks, then the last one to where its bits
end; the end-of-data symbol Windows writes last is not taken for data.
"""

from ... import _msxca
from . import Source, read_source


def decompress(src: Source) -> bytes:
    """LZ77+Huffman data (bytes or a file object read to its end), decompressed."""
    return _msxca.decompress_unsized_huffman(read_source(src))
