//! The msxca frame format's layout, which [`read`](crate::read) decodes and
//! [`write`](crate::write) encodes (the grammar is in `write`'s
//! documentation). All integers are little-endian.

use crate::bytes::u32_at;
use crate::error::{Error, Result};
use crate::format::Format;

/// Magic bytes of the frame format.
pub const FRAME_MAGIC: [u8; 4] = *b"MSXF";
/// Uncompressed size of the blocks the encoder writes.
pub const FRAME_BLOCK_SIZE: usize = 256 * 1024;
/// The largest block a reader accepts.
pub const FRAME_BLOCK_MAX: usize = 1 << 20;

/// The container's name in errors.
pub(crate) const CONTAINER: &str = "msxca frame";
/// The only version.
const VERSION: u8 = 1;
/// Bytes of the frame header.
pub(crate) const HEADER_SIZE: usize = 8;
/// Bytes of a block's uncompressed length, which alone (as 0) ends the
/// frame.
pub(crate) const LENGTH_SIZE: usize = 4;
/// Bytes of a block header after its length: the stored length and the
/// CRC-32.
pub(crate) const BLOCK_REST_SIZE: usize = 8;

/// The frame header for `format`.
pub(crate) fn header(format: Format) -> [u8; HEADER_SIZE] {
    let [m0, m1, m2, m3] = FRAME_MAGIC;
    [m0, m1, m2, m3, VERSION, format.windows_id() as u8, 0, 0]
}

/// The format a frame header names.
pub(crate) fn parse_header(header: &[u8; HEADER_SIZE]) -> Result<Format> {
    let bad = |offset, problem| Error::BadHeader { container: CONTAINER, offset, problem };
    if header[..4] != FRAME_MAGIC || header[4] != VERSION {
        return Err(bad(0, "not an msxca frame, or a newer version"));
    }
    Format::from_windows_id(u16::from(header[5])).ok_or_else(|| bad(5, "unknown format"))
}

/// What a block header says, past its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockHeader {
    /// Uncompressed length: 1 to [`FRAME_BLOCK_MAX`].
    pub(crate) len: usize,
    /// Bytes of payload: `len` when the block is stored, else a raw stream.
    pub(crate) stored: usize,
    /// CRC-32 of the uncompressed bytes.
    pub(crate) crc: u32,
}

impl BlockHeader {
    /// The 12 bytes of a block header.
    pub(crate) fn to_bytes(self) -> [u8; LENGTH_SIZE + BLOCK_REST_SIZE] {
        let mut bytes = [0u8; LENGTH_SIZE + BLOCK_REST_SIZE];
        bytes[..4].copy_from_slice(&(self.len as u32).to_le_bytes());
        bytes[4..8].copy_from_slice(&(self.stored as u32).to_le_bytes());
        bytes[8..].copy_from_slice(&self.crc.to_le_bytes());
        bytes
    }

    /// Parses the block header at `offset` of the frame, of uncompressed
    /// length `len` (not 0) and with `rest` after it, for `format`.
    /// Refuses a block that no encoder writes before its payload is read.
    pub(crate) fn parse(len: u32, rest: &[u8; BLOCK_REST_SIZE], offset: usize, format: Format) -> Result<Self> {
        let len = len as usize;
        let stored = u32_at(rest, 0) as usize;
        let bad = |offset, problem| Error::BadHeader { container: CONTAINER, offset, problem };
        if len > FRAME_BLOCK_MAX {
            return Err(bad(offset, "block longer than 1 MiB"));
        }
        if stored > crate::max_compressed_size(format, len).max(len) {
            return Err(bad(offset + LENGTH_SIZE, "stored size beyond what the block's length compresses to"));
        }
        Ok(BlockHeader { len, stored, crc: u32_at(rest, 4) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back_as_written() {
        for format in Format::ALL {
            assert_eq!(parse_header(&header(format)), Ok(format));
        }
        let mut bad = header(Format::Xpress);
        bad[4] = 2;
        assert!(matches!(parse_header(&bad), Err(Error::BadHeader { offset: 0, .. })));
        let block = BlockHeader { len: 1000, stored: 700, crc: 0xDEAD_BEEF };
        let bytes = block.to_bytes();
        let rest: &[u8; BLOCK_REST_SIZE] = bytes[4..].try_into().unwrap();
        assert_eq!(BlockHeader::parse(u32_at(&bytes, 0), rest, 8, Format::Lznt1), Ok(block));
        let err = BlockHeader::parse(FRAME_BLOCK_MAX as u32 + 1, rest, 8, Format::Lznt1).unwrap_err();
        assert!(matches!(err, Error::BadHeader { offset: 8, .. }), "{err}");
    }
}
