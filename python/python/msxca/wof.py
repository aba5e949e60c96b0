"""Compact OS "system compression": WofCompressedData streams.

A stream does not record the file's size (it is the unnamed $DATA
attribute's), so every call takes it. WofFile is a seekable, read-only
file object that decodes only the chunks a read touches::

    >>> import msxca
    >>> data = b"Compact OS chunk " * 2000
    >>> stream = msxca.wof.compress(data, "xpress8k")
    >>> f = msxca.wof.WofFile(stream, "xpress8k", len(data))
    >>> _ = f.seek(20000)
    >>> f.read(17) == data[20000:20017]
    True
"""

import io
from typing import Union

from . import _msxca

Buffer = Union[bytes, bytearray, memoryview]

XPRESS4K = 0
LZX = 1
XPRESS8K = 2
XPRESS16K = 3


def decompress(stream: Buffer, algorithm: Union[int, str], size: int) -> bytes:
    """The file of size bytes a WofCompressedData stream holds."""
    return _msxca.wof_decompress(stream, algorithm, size)


def compress(data: Buffer, algorithm: Union[int, str] = XPRESS8K, level: Union[int, str] = "standard") -> bytes:
    """A WofCompressedData stream of data."""
    return _msxca.wof_compress(data, algorithm, level)


class WofFile(io.RawIOBase):
    """A WofCompressedData stream as a seekable, read-only file object."""

    def __init__(self, stream: Buffer, algorithm: Union[int, str], size: int) -> None:
        super().__init__()
        self._stream = _msxca.WofStream(stream, algorithm, size)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._stream.size

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._stream.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._stream.read_at(self._pos, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = max(self._stream.size - self._pos, 0)
        data = self._stream.read_at(self._pos, size)
        self._pos += len(data)
        return data
