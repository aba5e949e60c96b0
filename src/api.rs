//! The Windows Compression API (cabinet.dll `Compress`/`Decompress`) for
//! XPRESS and XPRESS_HUFF: buffer mode, with its 24-byte header and 64 MiB
//! blocks (as `compressapi.h`'s `Compress` writes them), and raw mode (`COMPRESS_RAW`), a single
//! stream that is the input itself when compressing does not shrink it.
//!
//! Levels map to the engines: API level 0 is [`Level::Standard`], level 1
//! [`Level::Maximum`]. As on Windows, empty input cannot be compressed.

use crate::bytes::{get_u32, u64_at};
use crate::crc32::crc32;
use crate::error::{container_truncated, Error, Result};
use crate::format::{Format, Level};
use crate::{Compressor, Decompressor};
use alloc::{vec, vec::Vec};

/// How the Compression API frames its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The default mode: a 24-byte header, then blocks of at most 64 MiB,
    /// each with its compressed size.
    Buffer,
    /// `COMPRESS_RAW`: one raw stream, or the input verbatim when
    /// compression does not make it smaller. The reader must know the size.
    Raw,
}

/// The header's magic number.
pub const MAGIC: [u8; 4] = [0x0A, 0x51, 0xE5, 0xC0];
/// Size of the buffer-mode header.
pub const HEADER_SIZE: usize = 24;
/// Uncompressed size of a buffer-mode block (XPRESS, XPRESS_HUFF), each a
/// whole raw stream.
pub const BLOCK_SIZE: usize = 1 << 26;
/// The largest input raw mode takes.
pub const RAW_LIMIT: usize = 1 << 30;

pub(crate) const CONTAINER: &str = "compression api";

/// A parsed buffer-mode header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The stream format of the blocks.
    pub format: Format,
    /// Size of the whole original data.
    pub uncompressed_size: u64,
    /// Uncompressed size of each block (the last may be shorter).
    pub block_size: u64,
}

fn algorithm_id(format: Format) -> Result<u8> {
    match format {
        Format::Xpress => Ok(3),
        Format::XpressHuff => Ok(4),
        Format::Lznt1 => Err(Error::Unsupported { what: "lznt1 in the compression api" }),
    }
}

/// Low byte of the CRC-32 of the header without its checksum byte.
fn header_checksum(header: &[u8; HEADER_SIZE]) -> u8 {
    crc32(crc32(0, &header[..6]), &header[7..]) as u8
}

/// The buffer-mode header of `size` bytes of `format`.
pub(crate) fn header(format: Format, size: u64) -> Result<[u8; HEADER_SIZE]> {
    let mut header = [0u8; HEADER_SIZE];
    header[..4].copy_from_slice(&MAGIC);
    header[4] = HEADER_SIZE as u8;
    header[7] = algorithm_id(format)?;
    header[8..16].copy_from_slice(&size.to_le_bytes());
    header[16..24].copy_from_slice(&size.min(BLOCK_SIZE as u64).to_le_bytes());
    header[6] = header_checksum(&header);
    Ok(header)
}

/// Parses and checks a buffer-mode header.
///
/// # Errors
/// [`Error::ContainerTruncated`] for fewer than 24 bytes, [`Error::BadHeader`] for a
/// wrong magic, size or block size, [`Error::ChecksumMismatch`] when the
/// checksum byte is wrong, [`Error::Unsupported`] for MSZIP and LZMS.
pub fn read_header(input: &[u8]) -> Result<Header> {
    let Some(bytes) = input.get(..HEADER_SIZE) else {
        return Err(container_truncated(CONTAINER, input.len(), HEADER_SIZE - input.len(), input.len()));
    };
    let header: &[u8; HEADER_SIZE] = bytes.try_into().unwrap_or(&[0; HEADER_SIZE]);
    let bad = |offset, problem| Error::BadHeader { container: CONTAINER, offset, problem };
    if header[..4] != MAGIC {
        return Err(bad(0, "no compression api magic"));
    }
    if header[4..6] != [HEADER_SIZE as u8, 0] {
        return Err(bad(4, "header size is not 24"));
    }
    let expected = header_checksum(header);
    if header[6] != expected {
        return Err(Error::ChecksumMismatch {
            container: CONTAINER,
            offset: 6,
            expected: u32::from(header[6]),
            actual: u32::from(expected),
        });
    }
    let format = match header[7] {
        3 => Format::Xpress,
        4 => Format::XpressHuff,
        2 => return Err(Error::Unsupported { what: "mszip" }),
        5 => return Err(Error::Unsupported { what: "lzms" }),
        _ => return Err(bad(7, "unknown algorithm")),
    };
    let uncompressed_size = u64_at(header, 8);
    let block_size = u64_at(header, 16);
    if block_size == 0 && uncompressed_size != 0 {
        return Err(bad(16, "block size is 0"));
    }
    Ok(Header { format, uncompressed_size, block_size })
}

/// One block of a buffer-mode stream, as [`blocks`] finds it: a 4-byte
/// stored size at `offset`, then that many bytes of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Where the block's size field is in the stream.
    pub offset: usize,
    /// The size of its data in the stream.
    pub stored_len: usize,
    /// What it decodes to.
    pub uncompressed_len: u64,
}

impl Block {
    /// Where the block's data is in the stream.
    pub fn data(&self) -> core::ops::Range<usize> {
        self.offset + 4..self.offset + 4 + self.stored_len
    }

    /// Whether the data is the original bytes themselves (stored because
    /// compressing did not make them smaller), not a raw stream.
    pub fn is_stored(&self) -> bool {
        self.stored_len as u64 == self.uncompressed_len
    }
}

/// The blocks of the buffer-mode stream `input`, whose header is
/// `header`, in order, each checked to be within `input`. An error ends
/// the walk where the input is cut short.
pub fn blocks<'a>(input: &'a [u8], header: &Header) -> Blocks<'a> {
    Blocks { input, at: HEADER_SIZE, left: header.uncompressed_size, block_size: header.block_size }
}

/// The iterator [`blocks`] returns.
#[derive(Clone, Debug)]
pub struct Blocks<'a> {
    input: &'a [u8],
    /// Where the next block's size field is.
    at: usize,
    /// Uncompressed bytes still to come.
    left: u64,
    block_size: u64,
}

impl Iterator for Blocks<'_> {
    type Item = Result<Block>;

    fn next(&mut self) -> Option<Result<Block>> {
        if self.left == 0 {
            return None;
        }
        let input = self.input;
        let Some(stored_len) = get_u32(input, self.at) else {
            self.left = 0;
            return Some(Err(container_truncated(CONTAINER, input.len(), self.at + 4 - input.len(), input.len())));
        };
        let block = Block {
            offset: self.at,
            stored_len: stored_len as usize,
            uncompressed_len: self.left.min(self.block_size),
        };
        let end = (self.at + 4).saturating_add(block.stored_len);
        if end > input.len() {
            self.left = 0;
            return Some(Err(container_truncated(CONTAINER, input.len(), end - input.len(), input.len())));
        }
        self.at = end;
        self.left -= block.uncompressed_len;
        Some(Ok(block))
    }
}

/// A size that is always enough for [`compress_into`]'s output.
pub fn compress_bound(mode: Mode, len: usize) -> usize {
    match mode {
        Mode::Raw => len,
        Mode::Buffer => HEADER_SIZE + len + 4 * len.div_ceil(BLOCK_SIZE),
    }
}

/// Compresses `input` as the Compression API does, into a new vector.
///
/// # Errors
/// As [`compress_into`].
pub fn compress(format: Format, level: Level, mode: Mode, input: &[u8]) -> Result<Vec<u8>> {
    let mut out = vec![0u8; compress_bound(mode, input.len())];
    let n = compress_into(format, level, mode, input, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// The room the encoder gets for a stretch of `len` bytes: one byte less
/// than the stretch, under Windows' own space rule; `None` when that is
/// under the 300 bytes `RtlCompressBuffer` asks for XPRESS_HUFF, so that
/// the stretch is stored.
pub(crate) fn stretch_room(format: Format, len: usize) -> Option<usize> {
    let room = len.saturating_sub(1);
    (format != Format::XpressHuff || room >= 300).then_some(room)
}

/// Compresses one stretch as a raw-mode stream, or stores it when the
/// stream would not be smaller. The encoder gets one byte less than the
/// input as room, under Windows' own space rule, which is why XPRESS_HUFF
/// inputs of 300 bytes or fewer are always stored, as on Windows.
pub(crate) fn compress_stretch(compressor: &mut Compressor, input: &[u8], out: &mut [u8]) -> usize {
    let room = stretch_room(compressor.format(), input.len());
    if let Some(room) = room {
        if let Ok(n) = compressor.compress_into_windows_rules(input, &mut out[..room]) {
            return n;
        }
    }
    out[..input.len()].copy_from_slice(input);
    input.len()
}

/// Compresses `input` into `output` as `Compress` does and returns the
/// size written.
///
/// # Errors
/// [`Error::OutputTooSmall`] whose `needed` is a size that guarantees
/// success (the API's size query); [`Error::Unsupported`] for empty input
/// or LZNT1; [`Error::LimitExceeded`] for raw input over 1 GiB.
pub fn compress_into(format: Format, level: Level, mode: Mode, input: &[u8], output: &mut [u8]) -> Result<usize> {
    algorithm_id(format)?;
    if input.is_empty() {
        return Err(Error::Unsupported { what: "compressing empty input" });
    }
    if mode == Mode::Raw && input.len() > RAW_LIMIT {
        return Err(Error::LimitExceeded { what: "raw-mode input", size: input.len() as u64, limit: RAW_LIMIT as u64 });
    }
    let bound = compress_bound(mode, input.len());
    if output.len() < bound {
        return Err(Error::OutputTooSmall { format, capacity: output.len(), needed: bound as u64 });
    }
    let mut compressor = Compressor::new(format, level);
    match mode {
        Mode::Raw => Ok(compress_stretch(&mut compressor, input, output)),
        Mode::Buffer => {
            output[..HEADER_SIZE].copy_from_slice(&header(format, input.len() as u64)?);
            let mut op = HEADER_SIZE;
            for block in input.chunks(BLOCK_SIZE) {
                let n = compress_stretch(&mut compressor, block, &mut output[op + 4..]);
                output[op..op + 4].copy_from_slice(&(n as u32).to_le_bytes());
                op += 4 + n;
            }
            Ok(op)
        }
    }
}

/// The original size recorded in a buffer-mode stream (the API's
/// `Decompress` size query).
///
/// # Errors
/// As [`read_header`].
pub fn uncompressed_size(input: &[u8]) -> Result<u64> {
    read_header(input).map(|h| h.uncompressed_size)
}

/// Decompresses as the Compression API does. In buffer mode the size comes
/// from the header (`uncompressed_size` is only a limit); in raw mode it
/// must be the exact original size.
///
/// # Errors
/// As [`decompress_into`], and [`Error::LimitExceeded`] when the size is
/// over `limit`.
pub fn decompress(format: Format, mode: Mode, input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let size = match mode {
        // The algorithm is checked by `decompress_into`.
        Mode::Buffer => read_header(input)?.uncompressed_size,
        Mode::Raw => limit as u64,
    };
    if size > limit as u64 {
        return Err(Error::LimitExceeded { what: "uncompressed size", size, limit: limit as u64 });
    }
    let mut out = vec![0u8; size as usize];
    let n = decompress_into(format, mode, input, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// Decodes one stretch of known size: stored when its compressed size
/// equals that size, else a raw stream that must produce exactly it.
pub(crate) fn decompress_stretch(decompressor: &mut Decompressor, input: &[u8], out: &mut [u8]) -> Result<()> {
    if input.len() == out.len() {
        out.copy_from_slice(input);
        return Ok(());
    }
    let n = decompressor.decompress_into(input, out)?;
    if n != out.len() {
        return Err(Error::OutputTooSmall { format: decompressor.format(), capacity: n, needed: out.len() as u64 });
    }
    Ok(())
}

/// Decompresses into `output` as `Decompress` does and returns the size
/// written. Raw mode needs `output.len()` to be the exact original size.
///
/// # Errors
/// Buffer mode: header errors as [`read_header`]; [`Error::OutputTooSmall`]
/// (with the original size as `needed`) when `output` is shorter than it;
/// [`Error::ContainerTruncated`] when blocks are missing. Either mode: the stream
/// decoders' errors for corrupt blocks, with offsets into `input`.
pub fn decompress_into(format: Format, mode: Mode, input: &[u8], output: &mut [u8]) -> Result<usize> {
    algorithm_id(format)?;
    let mut decompressor = Decompressor::new(format);
    match mode {
        Mode::Raw => {
            decompress_stretch(&mut decompressor, input, output)?;
            Ok(output.len())
        }
        Mode::Buffer => {
            let header = read_header(input)?;
            if header.format != format {
                return Err(Error::BadHeader {
                    container: CONTAINER,
                    offset: 7,
                    problem: "algorithm differs from the one asked for",
                });
            }
            let total = header.uncompressed_size;
            if total > output.len() as u64 {
                return Err(Error::OutputTooSmall { format, capacity: output.len(), needed: total });
            }
            let mut op = 0usize;
            for block in blocks(input, &header) {
                let block = block?;
                let out = &mut output[op..op + block.uncompressed_len as usize];
                decompress_stretch(&mut decompressor, &input[block.data()], out)
                    .map_err(|e| e.shifted(block.data().start))?;
                op += out.len();
            }
            Ok(op)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checksum_matches_the_observed_header() {
        // A header Windows wrote: `0A 51 E5 C0 18 00 A4 03`, sizes 1 MiB / 1 MiB.
        let mut header = [0u8; HEADER_SIZE];
        header[..8].copy_from_slice(&[0x0A, 0x51, 0xE5, 0xC0, 0x18, 0x00, 0xA4, 0x03]);
        header[8..16].copy_from_slice(&0x10_0000u64.to_le_bytes());
        header[16..24].copy_from_slice(&0x10_0000u64.to_le_bytes());
        assert_eq!(header_checksum(&header), 0xA4);
        assert_eq!(
            read_header(&header).unwrap(),
            Header { format: Format::Xpress, uncompressed_size: 0x10_0000, block_size: 0x10_0000 }
        );
    }

    /// A buffer-mode stream of 25 bytes in 10-byte stored blocks, built by
    /// hand (Windows' 64 MiB blocks are too large for a unit test).
    fn stored_stream() -> Vec<u8> {
        let mut header = [0u8; HEADER_SIZE];
        header[..4].copy_from_slice(&MAGIC);
        header[4] = HEADER_SIZE as u8;
        header[7] = 4;
        header[8..16].copy_from_slice(&25u64.to_le_bytes());
        header[16..24].copy_from_slice(&10u64.to_le_bytes());
        header[6] = header_checksum(&header);
        let mut stream = header.to_vec();
        for block in b"0123456789abcdefghijKLMNO".chunks(10) {
            stream.extend_from_slice(&(block.len() as u32).to_le_bytes());
            stream.extend_from_slice(block);
        }
        stream
    }

    #[test]
    fn blocks_are_walked_with_their_sizes_and_cut_short_with_an_error() {
        let stream = stored_stream();
        let header = read_header(&stream).unwrap();
        let found: Vec<Block> = blocks(&stream, &header).map(Result::unwrap).collect();
        let block = |offset, len| Block { offset, stored_len: len, uncompressed_len: len as u64 };
        assert_eq!(found, [block(24, 10), block(38, 10), block(52, 5)]);
        assert!(found.iter().all(Block::is_stored));
        assert_eq!(&stream[found[2].data()], b"KLMNO");
        let mut out = [0u8; 25];
        assert_eq!(decompress_into(Format::XpressHuff, Mode::Buffer, &stream, &mut out), Ok(25));
        assert_eq!(&out, b"0123456789abcdefghijKLMNO");

        let cut = &stream[..stream.len() - 1];
        let walked: Vec<Result<Block>> = blocks(cut, &header).collect();
        assert_eq!(walked.len(), 3);
        let truncated =
            Error::ContainerTruncated { container: CONTAINER, offset: cut.len(), needed: 1, input_len: cut.len() };
        assert_eq!(walked[2], Err(truncated.clone()));
        assert_eq!(decompress_into(Format::XpressHuff, Mode::Buffer, cut, &mut out), Err(truncated));
    }
}
