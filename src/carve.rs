//! Carving prefetch and SysMain `MAM` streams out of disk and memory
//! images: a streaming scan for the signature that keeps what each stream
//! decodes to, all of it or as much as it can.
//!
//! A candidate is a `MAM` signature followed by the LZ77+Huffman nibble
//! (`MAM\x04`, or `MAM\x84` with a CRC-32), a size from 1 byte to the
//! carver's limit, and a first block whose 256-byte code-length table is a
//! complete prefix code: random bytes almost never pass the last check,
//! and nothing is decoded before it. The stream is then decoded as far as
//! it goes (as [`Decompressor::decompress_partial`] does, but stopping at
//! the stream's end, whatever follows it): a whole stream is a
//! [`Status::Complete`] find, with its CRC checked where it has one; a
//! stream cut short by the end of the image or by damage is
//! [`Status::Partial`], with the bytes decoded before the damage.
//!
//! The image is read in slices, and memory stays bounded by the limit,
//! whatever the image's size.
//!
//! ```
//! let prefetch = msxca::mam::compress(msxca::Format::XpressHuff, msxca::Level::Standard, b"trace ".repeat(100).as_slice(), false)?;
//! let mut image = vec![0u8; 1000];
//! image.extend(&prefetch);
//! image.extend([0u8; 500]);
//! let mut carver = msxca::carve::Carver::new(&image[..], 1 << 20);
//! let find = carver.next_find()?.expect("one stream");
//! assert_eq!((find.offset, find.data.len()), (1000, 600));
//! assert!(carver.next_find()?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::crc32::crc32;
use crate::error::Error;
use crate::format::Format;
use crate::mam::{self, Header, CRC_FLAG, SIGNATURE};
use crate::Decompressor;
use std::io::{self, Read};

/// The 256 bytes of an LZ77+Huffman block's code lengths.
const TABLE_BYTES: usize = 256;

/// How much of the image is read at a time, beyond what a stream can span.
const SLICE: usize = 8 << 20;

/// What became of a stream.
#[derive(Debug)]
pub enum Status {
    /// It decoded whole. `crc_matches` is `Some` when the header has a
    /// CRC-32, and says whether it matches.
    Complete {
        /// Whether the CRC-32 matches, when there is one.
        crc_matches: Option<bool>,
    },
    /// It stops early: the image ends inside it, or it is damaged. The
    /// find's data is what was decoded before.
    Partial {
        /// Why decoding stopped.
        error: Error,
    },
}

/// A stream found in the image.
#[derive(Debug)]
pub struct Find {
    /// Where its `MAM` header starts in the image.
    pub offset: u64,
    /// Its header.
    pub header: Header,
    /// The bytes of the image it takes, header and stream: for a partial
    /// find, all that was left of the image (or of the most a stream of
    /// its size can take).
    pub stored_len: usize,
    /// What it decodes to: the whole file, or as much as could be decoded.
    pub data: Vec<u8>,
    /// Whether it is whole.
    pub status: Status,
}

/// Scans an image for `MAM` streams, reading it a slice at a time.
pub struct Carver<R> {
    reader: R,
    /// What is read of the image from `base` on, and where the scan is in it.
    buf: Vec<u8>,
    base: u64,
    scan: usize,
    eof: bool,
    /// The largest uncompressed size taken as sane.
    max_size: usize,
    /// The most bytes of image a stream of that size can take.
    span: usize,
    decompressor: Decompressor,
}

impl<R: Read> Carver<R> {
    /// A carver of `reader`'s bytes that takes streams of up to `max_size`
    /// uncompressed bytes (prefetch files are well under a megabyte,
    /// SysMain databases some megabytes).
    pub fn new(reader: R, max_size: usize) -> Self {
        let span = 12 + crate::max_compressed_size(Format::XpressHuff, max_size);
        Carver {
            reader,
            buf: Vec::new(),
            base: 0,
            scan: 0,
            eof: false,
            max_size,
            span,
            decompressor: Decompressor::new(Format::XpressHuff),
        }
    }

    /// Reads until a stream at any candidate before the scan limit is
    /// whole in the buffer (or the image ends), dropping what was scanned.
    fn fill(&mut self) -> io::Result<()> {
        if self.scan > 0 {
            self.buf.drain(..self.scan);
            self.base += self.scan as u64;
            self.scan = 0;
        }
        let want = self.span + SLICE;
        while !self.eof && self.buf.len() < want {
            let at = self.buf.len();
            self.buf.resize(want, 0);
            let n = loop {
                match self.reader.read(&mut self.buf[at..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let n = n.inspect_err(|_| self.buf.truncate(at))?;
            self.buf.truncate(at + n);
            self.eof = n == 0;
        }
        Ok(())
    }

    /// The next stream in the image, or `None` at its end.
    ///
    /// # Errors
    /// Only the reader's: a candidate that is not a stream is passed over.
    pub fn next_find(&mut self) -> io::Result<Option<Find>> {
        let finder = memchr::memmem::Finder::new(&SIGNATURE);
        loop {
            self.fill()?;
            // Candidates this far into the buffer have their whole span in it.
            let scan_end = if self.eof { self.buf.len() } else { self.buf.len() - self.span.min(self.buf.len()) };
            let hit = finder.find(&self.buf[self.scan..scan_end.max(self.scan)]);
            let Some(at) = hit.map(|i| self.scan + i) else {
                if self.eof {
                    self.scan = self.buf.len();
                    return Ok(None);
                }
                // Keep the last two bytes: a signature may straddle.
                self.scan = scan_end.max(self.scan).saturating_sub(2).max(self.scan);
                continue;
            };
            self.scan = at + 1;
            if let Some(find) = self.candidate(at) {
                // Past a whole stream; a damaged one may hide another.
                if let Status::Complete { .. } = find.status {
                    self.scan = at + find.stored_len;
                }
                return Ok(Some(find));
            }
        }
    }

    /// The stream at `buf[at]`, if it is one.
    fn candidate(&mut self, at: usize) -> Option<Find> {
        let bytes = &self.buf[at..];
        let kind = *bytes.get(3)?;
        // LZ77+Huffman, with or without the CRC field, and nothing else.
        if kind & !CRC_FLAG != Format::XpressHuff.windows_id() as u8 {
            return None;
        }
        let header = mam::read_header(bytes).ok()?;
        let size = header.uncompressed_size as usize;
        if size == 0 || size > self.max_size {
            return None;
        }
        let stream = &bytes[header.data_offset..bytes.len().min(self.span)];
        if !complete_code(stream.get(..TABLE_BYTES)?) {
            return None;
        }
        let mut data = vec![0u8; size];
        let (status, stored_len) = match self.decompressor.decompress_exact(stream, &mut data) {
            Ok(used) => {
                // The decoder stops once the output is full; the file may
                // go on with the end-of-data symbol's bits, up to two words
                // more. With a CRC, the length it matches says where the
                // file ends.
                let crc_of = |len: usize| crc32(crc32(crc32(0, &bytes[..8]), &[0; 4]), &stream[..len]);
                let (crc_matches, used) = match header.crc {
                    None => (None, used),
                    Some(crc) => match [used, used + 2, used + 4]
                        .into_iter()
                        .find(|&len| len <= stream.len() && crc_of(len) == crc)
                    {
                        Some(len) => (Some(true), len),
                        None => (Some(false), used),
                    },
                };
                (Status::Complete { crc_matches }, header.data_offset + used)
            }
            Err(Error::PartialOutput { valid, source }) => {
                if valid == 0 {
                    return None;
                }
                data.truncate(valid);
                (Status::Partial { error: *source }, header.data_offset + stream.len())
            }
            Err(_) => return None,
        };
        Some(Find { offset: self.base + at as u64, header, stored_len, data, status })
    }
}

/// Whether the 256 bytes of 4-bit code lengths form a complete prefix
/// code, as a block's table must.
fn complete_code(table: &[u8]) -> bool {
    let kraft: u32 =
        table.iter().flat_map(|&b| [b & 15, b >> 4]).filter(|&len| len > 0).map(|len| 1u32 << (15 - len)).sum();
    kraft == 1 << 15
}
