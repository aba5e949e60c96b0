"""dissect.util.compression's lznt1, lzxpress and lzxpress_huffman, on
msxca: ``from msxca.compat.dissect import lzxpress_huffman`` in place of
``from dissect.util.compression import lzxpress_huffman``."""

from typing import BinaryIO, Union

Source = Union[bytes, bytearray, memoryview, BinaryIO]


def read_source(src: Source) -> bytes:
    """The bytes of src: itself, or a binary file object read from its
    current position to the end, as dissect.util does."""
    if hasattr(src, "read"):
        return src.read()  # type: ignore[union-attr]
    return bytes(src)
