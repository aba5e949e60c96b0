//! The `MAM` wrapper of Windows 8.1+ prefetch (`.pf`) and SysMain files:
//! `"MAM"`, a byte whose low nibble is the format and whose high bit says
//! a CRC-32 follows, the uncompressed size, the optional CRC, then one raw
//! stream.
//!
//! The CRC covers the 8 header bytes, four zero bytes in place of the CRC
//! field, and the compressed data.

use crate::bytes::{get_u32, u32_at};
use crate::crc32::crc32;
use crate::error::{container_truncated, Error, Result};
use crate::format::{Format, Level};
use crate::{Compressor, Decompressor};
use alloc::{vec, vec::Vec};

/// The signature.
pub const SIGNATURE: [u8; 3] = *b"MAM";
/// Bit of the fourth byte that marks a CRC-32 field.
pub const CRC_FLAG: u8 = 0x80;
/// Where the CRC-32 field is, when there is one.
const CRC_OFFSET: usize = 8;

const CONTAINER: &str = "mam";

/// A parsed `MAM` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The stream format (`MAM\x04` prefetch files are LZ77+Huffman).
    pub format: Format,
    /// Size of the original data.
    pub uncompressed_size: u32,
    /// The stored CRC-32, if the header has one.
    pub crc: Option<u32>,
    /// Where the compressed stream starts (8 or 12).
    pub data_offset: usize,
}

/// Parses a `MAM` header.
///
/// # Errors
/// [`Error::ContainerTruncated`] if the header is cut short, [`Error::BadHeader`]
/// for a missing signature or a format nibble other than 2, 3 or 4.
pub fn read_header(input: &[u8]) -> Result<Header> {
    let bad = |offset, problem| Error::BadHeader { container: CONTAINER, offset, problem };
    if input.len() < 8 {
        if !input.starts_with(&SIGNATURE[..input.len().min(3)]) {
            return Err(bad(0, "no MAM signature"));
        }
        return Err(container_truncated(CONTAINER, input.len(), 8 - input.len(), input.len()));
    }
    if input[..3] != SIGNATURE {
        return Err(bad(0, "no MAM signature"));
    }
    let format = Format::from_windows_id(u16::from(input[3] & 0x0F)).ok_or_else(|| bad(3, "unknown format nibble"))?;
    let uncompressed_size = u32_at(input, 4);
    let (crc, data_offset) = if input[3] & CRC_FLAG != 0 {
        let Some(crc) = get_u32(input, CRC_OFFSET) else {
            return Err(container_truncated(CONTAINER, input.len(), 12 - input.len(), input.len()));
        };
        (Some(crc), 12)
    } else {
        (None, 8)
    };
    Ok(Header { format, uncompressed_size, crc, data_offset })
}

/// The CRC-32 a `MAM` file with a CRC field carries.
fn file_crc(input: &[u8], data_offset: usize) -> u32 {
    crc_of(&input[..8], &input[data_offset..])
}

/// The CRC-32 of a file whose first 8 bytes are `head` and whose stream is
/// `stream`.
fn crc_of(head: &[u8], stream: &[u8]) -> u32 {
    crc32(crc32(crc32(0, head), &[0; 4]), stream)
}

/// Parses the header of the whole `MAM` file `input` and checks its CRC,
/// when it has one, before anything is decoded.
///
/// # Errors
/// As [`read_header`]; [`Error::ChecksumMismatch`] naming the stored and
/// computed CRCs.
pub fn verify(input: &[u8]) -> Result<Header> {
    let header = read_header(input)?;
    if let Some(expected) = header.crc {
        let actual = file_crc(input, header.data_offset);
        if actual != expected {
            return Err(Error::ChecksumMismatch { container: CONTAINER, offset: CRC_OFFSET, expected, actual });
        }
    }
    Ok(header)
}

/// The header of the `MAM` file of `size` bytes of data whose `format`
/// stream is `stream` (which follows it), with a CRC-32 field when
/// `with_crc`.
///
/// # Errors
/// [`Error::LimitExceeded`] for a size of 4 GiB or more.
pub fn header_for(format: Format, size: u64, stream: &[u8], with_crc: bool) -> Result<Vec<u8>> {
    let size =
        u32::try_from(size).map_err(|_| Error::LimitExceeded { what: "input", size, limit: u64::from(u32::MAX) })?;
    let mut header = vec![0u8; if with_crc { 12 } else { 8 }];
    header[..3].copy_from_slice(&SIGNATURE);
    header[3] = format.windows_id() as u8 | if with_crc { CRC_FLAG } else { 0 };
    header[4..8].copy_from_slice(&size.to_le_bytes());
    if with_crc {
        let crc = crc_of(&header[..8], stream);
        header[8..12].copy_from_slice(&crc.to_le_bytes());
    }
    Ok(header)
}

/// Decompresses a whole `MAM` file, checking its CRC when it has one.
///
/// # Errors
/// Header errors as [`read_header`]; [`Error::ChecksumMismatch`] naming the
/// stored and computed CRCs; [`Error::LimitExceeded`] when the declared size
/// is over `limit`; the stream decoder's errors, with offsets into the file.
pub fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let header = verify(input)?;
    let size = header.uncompressed_size as usize;
    if size > limit {
        return Err(Error::LimitExceeded { what: "uncompressed size", size: size as u64, limit: limit as u64 });
    }
    let mut out = vec![0u8; size];
    let n = Decompressor::new(header.format)
        .decompress_into(&input[header.data_offset..], &mut out)
        .map_err(|e| e.shifted(header.data_offset))?;
    out.truncate(n);
    Ok(out)
}

/// Wraps `input`, compressed in `format`, in a `MAM` header, with a CRC-32
/// field when `with_crc` (as SysMain writes `MAM\x84`).
///
/// # Errors
/// [`Error::LimitExceeded`] for inputs of 4 GiB or more (the size field is
/// 32 bits).
pub fn compress(format: Format, level: Level, input: &[u8], with_crc: bool) -> Result<Vec<u8>> {
    if u32::try_from(input.len()).is_err() {
        return Err(Error::LimitExceeded { what: "input", size: input.len() as u64, limit: u64::from(u32::MAX) });
    }
    let mut stream = vec![0u8; crate::max_compressed_size(format, input.len())];
    let n = Compressor::new(format, level).compress_into(input, &mut stream)?;
    let mut file = header_for(format, input.len() as u64, &stream[..n], with_crc)?;
    file.extend_from_slice(&stream[..n]);
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_and_without_crc() {
        let data = b"prefetch trace: C:\\WINDOWS\\SYSTEM32\\NTDLL.DLL ".repeat(50);
        for with_crc in [false, true] {
            let file = compress(Format::XpressHuff, Level::Standard, &data, with_crc).unwrap();
            assert_eq!(&file[..4], if with_crc { b"MAM\x84" } else { b"MAM\x04" });
            assert_eq!(decompress(&file, 1 << 20).unwrap(), data);
        }
    }

    #[test]
    fn a_wrong_crc_names_both_values() {
        let mut file = compress(Format::XpressHuff, Level::Standard, b"some data to wrap", true).unwrap();
        let last = file.len() - 1;
        file[last] ^= 1;
        let err = decompress(&file, 1 << 20).unwrap_err();
        assert!(matches!(err, Error::ChecksumMismatch { .. }));
        let message = err.to_string();
        assert!(message.contains("header says 0x") && message.contains("data gives 0x"), "{message}");
    }

    #[test]
    fn bad_headers_are_rejected() {
        assert!(read_header(b"MAX\x04\0\0\0\0").is_err());
        assert!(read_header(b"MAM\x07\0\0\0\0").is_err());
        assert!(read_header(b"MAM\x84\0\0\0\0\0").is_err());
        assert!(read_header(b"MA").is_err());
    }
}
