"""pyfwnt's decompression functions, on msxca: ``from msxca.compat.pyfwnt
import lznt1_decompress`` in place of ``from pyfwnt import ...``.

As in pyfwnt, the size is an output capacity: decoding stops at the end
of the input or when the output is full, and the result holds what was
produced (a size of 0 gives b""). Bad data raises OSError.
"""

from typing import Union

from .. import _msxca

Buffer = Union[bytes, bytearray, memoryview]


def _decompress(data: Buffer, format: int, size: int) -> bytes:
    if size < 0:
        raise ValueError("invalid uncompressed data size value less than zero")
    if size == 0:
        return b""
    try:
        return _msxca.decompress_capacity(data, format, size)
    except _msxca.Error as error:
        raise OSError(f"unable to decompress data: {error}") from error


def lznt1_decompress(compressed_data: Buffer, uncompressed_data_size: int = 0) -> bytes:
    """LZNT1 data, decompressed into at most uncompressed_data_size bytes."""
    return _decompress(compressed_data, 2, uncompressed_data_size)


def lzxpress_decompress(compressed_data: Buffer, uncompressed_data_size: int = 0) -> bytes:
    """Plain LZ77 data, decompressed into at most uncompressed_data_size bytes."""
    return _decompress(compressed_data, 3, uncompressed_data_size)


def lzxpress_huffman_decompress(compressed_data: Buffer, uncompressed_data_size: int = 0) -> bytes:
    """LZ77+Huffman data, decompressed into at most uncompressed_data_size bytes."""
    return _decompress(compressed_data, 4, uncompressed_data_size)
