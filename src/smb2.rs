//! The SMB 3.1.1 compression transform (MS-SMB2 §2.2.42): a message that
//! starts with `FC 'SMB'`, unchained (some bytes kept as they are, the rest
//! one compressed stream) or chained (a run of payloads: raw, compressed
//! with LZNT1, Plain LZ77 or LZ77+Huffman, or a Pattern_V1 run).
//!
//! [`decompress`] is the receiver: it makes every check of MS-SMB2
//! §3.1.5.3, with checked arithmetic throughout (CVE-2020-0796 was an
//! overflow of `Offset + OriginalCompressedSegmentSize`), each a typed
//! error ([`Smb2Problem`]), and never reassembles more than the caller's
//! limit. [`compress`] is the sender, shaped as Windows' test suite builds
//! messages: a Pattern_V1 payload for a run of 64 bytes or more at the
//! front and at the end of a chained message.
//!
//! LZ4 (algorithm 5) is not an MS-XCA format, and MS-SMB2 names it without
//! pinning its frame or block format: it is refused as unsupported.
//!
//! ```
//! use msxca::smb2::{self, Algorithm, Limits, Options};
//! let mut message = b"\xfeSMB".to_vec();
//! message.extend(b"header and a READ response's data, ".repeat(40));
//! message.extend([0u8; 300]);
//! let options = Options { chained: true, ..Options::default() };
//! let packed = smb2::compress(&message, Algorithm::Lz77Huffman, &options)?;
//! assert!(packed.starts_with(b"\xfcSMB") && packed.len() < message.len());
//! assert_eq!(smb2::decompress(&packed, &Limits::new(1 << 20))?, message);
//! # Ok::<(), msxca::Error>(())
//! ```

use crate::bytes::{get_u16, get_u32};
pub use crate::error::Smb2Problem;
use crate::error::{container_truncated, Error, Result};
use crate::format::{Format, Level};
use crate::{Compressor, Decompressor};
use alloc::{boxed::Box, vec, vec::Vec};

const CONTAINER: &str = "smb2";

/// `ProtocolId` of a compression transform message.
pub const TRANSFORM_ID: [u8; 4] = [0xFC, b'S', b'M', b'B'];
/// `ProtocolId` of an SMB2 message, which a reassembled one starts with.
pub const SMB2_ID: [u8; 4] = [0xFE, b'S', b'M', b'B'];

/// The header's size: unchained 16 bytes, chained 8 before the payloads.
const UNCHAINED_HEADER: usize = 16;
const CHAINED_HEADER: usize = 8;
/// A chained payload's header, without and with `OriginalPayloadSize`.
const PAYLOAD_HEADER: usize = 8;
/// `SMB2_COMPRESSION_FLAG_CHAINED`, on a chained message's first payload.
const FLAG_CHAINED: u16 = 1;
/// Runs this long or longer become Pattern_V1 payloads.
pub const MIN_PATTERN_RUN: usize = 64;

/// A compression algorithm id of MS-SMB2 §2.2.3.1.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// 0: no compression (chained payloads only).
    None,
    /// 1: LZNT1.
    Lznt1,
    /// 2: Plain LZ77.
    Lz77,
    /// 3: LZ77+Huffman.
    Lz77Huffman,
    /// 4: Pattern_V1 (chained payloads only).
    PatternV1,
    /// 5: LZ4 (not MS-XCA; refused).
    Lz4,
}

impl Algorithm {
    /// Every algorithm, by id.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::None,
        Algorithm::Lznt1,
        Algorithm::Lz77,
        Algorithm::Lz77Huffman,
        Algorithm::PatternV1,
        Algorithm::Lz4,
    ];

    /// The algorithm with this id.
    pub fn from_id(id: u16) -> Option<Algorithm> {
        Algorithm::ALL.get(usize::from(id)).copied()
    }

    /// Its id.
    pub fn id(self) -> u16 {
        Algorithm::ALL.iter().position(|&a| a == self).expect("every algorithm is listed") as u16
    }

    /// The MS-XCA format of its compressed bodies, if it has one.
    pub fn format(self) -> Option<Format> {
        match self {
            Algorithm::Lznt1 => Some(Format::Lznt1),
            Algorithm::Lz77 => Some(Format::Xpress),
            Algorithm::Lz77Huffman => Some(Format::XpressHuff),
            _ => None,
        }
    }

    /// The algorithm that compresses with `format`.
    pub fn for_format(format: Format) -> Algorithm {
        match format {
            Format::Lznt1 => Algorithm::Lznt1,
            Format::Xpress => Algorithm::Lz77,
            Format::XpressHuff => Algorithm::Lz77Huffman,
        }
    }
}

fn problem(offset: usize, problem: Smb2Problem) -> Error {
    Error::BadMessage { offset, problem }
}

/// What a receiver accepts: the algorithms negotiated, and the largest
/// reassembled message (MS-SMB2: 256 bytes plus the header plus the
/// largest of `MaxReadSize`, `MaxWriteSize` and `MaxTransactSize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest reassembled message, in bytes.
    pub max_size: usize,
    /// The algorithms negotiated, by [`Algorithm::id`] bit (NONE is always
    /// accepted in chained payloads).
    pub negotiated: u8,
}

impl Limits {
    /// Every algorithm negotiated, messages up to `max_size` bytes.
    pub fn new(max_size: usize) -> Limits {
        Limits { max_size, negotiated: 0x3F }
    }

    /// These algorithms negotiated, messages up to `max_size` bytes.
    pub fn negotiated(max_size: usize, algorithms: &[Algorithm]) -> Limits {
        Limits { max_size, negotiated: algorithms.iter().fold(0, |bits, a| bits | 1 << a.id()) }
    }

    fn allows(&self, algorithm: Algorithm) -> bool {
        self.negotiated & 1 << algorithm.id() != 0
    }
}

/// One payload of a chained message, as [`parse`] lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payload {
    /// Its algorithm.
    pub algorithm: Algorithm,
    /// Its flags.
    pub flags: u16,
    /// Where its header starts in the message.
    pub offset: usize,
    /// Its `Length`: the bytes after the 8-byte header.
    pub length: u32,
    /// What it expands to: `OriginalPayloadSize`, a NONE payload's length,
    /// or a Pattern_V1 payload's repetitions.
    pub size: u64,
}

/// A compression transform message's layout, as [`parse`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// One compressed stream after `offset` bytes kept as they are.
    Unchained {
        /// `OriginalCompressedSegmentSize`: what the stream decodes to.
        segment_size: u32,
        /// Its algorithm.
        algorithm: Algorithm,
        /// `Offset`: the bytes after the header kept as they are.
        offset: u32,
    },
    /// A run of payloads.
    Chained {
        /// `OriginalCompressedSegmentSize`: the whole message's size.
        segment_size: u32,
        /// The payloads.
        payloads: Vec<Payload>,
    },
}

impl Message {
    /// The size of the reassembled message.
    pub fn original_size(&self) -> u64 {
        match self {
            Message::Unchained { segment_size, offset, .. } => u64::from(*segment_size) + u64::from(*offset),
            Message::Chained { segment_size, .. } => u64::from(*segment_size),
        }
    }
}

/// Whether `message` starts with the compression transform's id.
pub fn is_transform(message: &[u8]) -> bool {
    message.starts_with(&TRANSFORM_ID)
}

fn need(message: &[u8], at: usize, n: usize) -> Result<()> {
    match at.checked_add(n) {
        Some(end) if end <= message.len() => Ok(()),
        _ => Err(container_truncated(CONTAINER, message.len(), at.saturating_add(n) - message.len(), message.len())),
    }
}

fn u16_field(message: &[u8], at: usize) -> Result<u16> {
    need(message, at, 2)?;
    Ok(get_u16(message, at).expect("checked"))
}

fn u32_field(message: &[u8], at: usize) -> Result<u32> {
    need(message, at, 4)?;
    Ok(get_u32(message, at).expect("checked"))
}

fn algorithm_at(message: &[u8], at: usize, limits: &Limits) -> Result<Algorithm> {
    let id = u16_field(message, at)?;
    let algorithm = Algorithm::from_id(id).ok_or_else(|| problem(at, Smb2Problem::UnknownAlgorithm(id)))?;
    if algorithm != Algorithm::None && !limits.allows(algorithm) {
        return Err(problem(at, Smb2Problem::NotNegotiated(id)));
    }
    Ok(algorithm)
}

/// Reads the layout of a compression transform message, checking its
/// headers (but decoding nothing) against `limits`.
///
/// # Errors
/// [`Error::BadMessage`] for a failed check, [`Error::ContainerTruncated`]
/// for a message cut short, [`Error::LimitExceeded`] for a message larger
/// than `limits.max_size`.
pub fn parse(message: &[u8], limits: &Limits) -> Result<Message> {
    need(message, 0, CHAINED_HEADER)?;
    if !is_transform(message) {
        return Err(problem(0, Smb2Problem::NotTransform));
    }
    let segment_size = u32_field(message, 4)?;
    let too_large = |size: u64| Error::LimitExceeded { what: "SMB2 message", size, limit: limits.max_size as u64 };
    if u16_field(message, 10)? & FLAG_CHAINED == 0 {
        let algorithm = algorithm_at(message, 8, limits)?;
        if algorithm.format().is_none() && algorithm != Algorithm::Lz4 || u16_field(message, 10)? != 0 {
            return Err(problem(8, Smb2Problem::BadUnchainedHeader));
        }
        let offset = u32_field(message, 12)?;
        let total = u64::from(segment_size) + u64::from(offset);
        if total > limits.max_size as u64 {
            return Err(too_large(total));
        }
        if offset as usize > message.len() - UNCHAINED_HEADER {
            return Err(problem(12, Smb2Problem::OffsetPastEnd));
        }
        return Ok(Message::Unchained { segment_size, algorithm, offset });
    }
    if u64::from(segment_size) > limits.max_size as u64 {
        return Err(too_large(u64::from(segment_size)));
    }
    let mut payloads = Vec::new();
    let mut at = CHAINED_HEADER;
    while at < message.len() {
        let algorithm = algorithm_at(message, at, limits)?;
        let flags = u16_field(message, at + 2)?;
        if payloads.is_empty() && flags & FLAG_CHAINED == 0 {
            return Err(problem(at + 2, Smb2Problem::NotChained));
        }
        let length = u32_field(message, at + 4)?;
        let body = at + PAYLOAD_HEADER;
        let end = body.checked_add(length as usize).filter(|&end| end <= message.len());
        let Some(end) = end else { return Err(problem(at + 4, Smb2Problem::PayloadPastEnd)) };
        let size = match algorithm {
            Algorithm::None => {
                if length > segment_size {
                    return Err(problem(at + 4, Smb2Problem::RawPayloadTooLong));
                }
                u64::from(length)
            }
            Algorithm::PatternV1 => {
                if length != 8 || message[body + 1] != 0 || u16_field(message, body + 2)? != 0 {
                    return Err(problem(at + 4, Smb2Problem::BadPattern));
                }
                let repetitions = u32_field(message, body + 4)?;
                if repetitions > segment_size {
                    return Err(problem(body + 4, Smb2Problem::PatternTooLong));
                }
                u64::from(repetitions)
            }
            _ => {
                if length < 4 {
                    return Err(problem(at + 4, Smb2Problem::PayloadPastEnd));
                }
                u64::from(u32_field(message, body)?)
            }
        };
        payloads.push(Payload { algorithm, flags, offset: at, length, size });
        at = end;
    }
    let actual: u64 = payloads.iter().map(|p| p.size).sum();
    if actual != u64::from(segment_size) {
        return Err(problem(4, Smb2Problem::SizeMismatch { expected: u64::from(segment_size), actual }));
    }
    Ok(Message::Chained { segment_size, payloads })
}

/// Decodes a compressed body of `algorithm` into `out`, exactly.
fn decode_body(algorithm: Algorithm, body: &[u8], at: usize, out: &mut [u8], index: u64) -> Result<()> {
    let Some(format) = algorithm.format() else {
        return Err(Error::Unsupported { what: "SMB2's LZ4 compression (not an MS-XCA format)" });
    };
    Decompressor::new(format).decompress_chunk(body, out).map_err(|e| Error::InChunk {
        container: CONTAINER,
        chunk: index,
        source: Box::new(e.shifted(at)),
    })
}

/// Reassembles a compression transform message: checks it as a receiver
/// does (MS-SMB2 §3.1.5.3) and returns the SMB2 message.
///
/// # Errors
/// As [`parse`]; [`Error::InChunk`] naming the payload (0 for an
/// unchained message's stream) that does not decode; [`Error::Unsupported`]
/// for LZ4; [`Error::BadMessage`] with [`Smb2Problem::NotSmb2`] when the
/// result is not an SMB2 message. Errors past the headers come in
/// [`Error::PartialOutput`], saying how much of the message was rebuilt.
pub fn decompress(message: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    let layout = parse(message, limits)?;
    let mut out = Vec::with_capacity(layout.original_size() as usize);
    let partial = |out: &Vec<u8>, error: Error| Error::PartialOutput { valid: out.len(), source: Box::new(error) };
    match layout {
        Message::Unchained { segment_size, algorithm, offset } => {
            let kept = UNCHAINED_HEADER + offset as usize;
            out.extend_from_slice(&message[UNCHAINED_HEADER..kept]);
            out.resize(kept - UNCHAINED_HEADER + segment_size as usize, 0);
            let (head, tail) = out.split_at_mut(kept - UNCHAINED_HEADER);
            if let Err(error) = decode_body(algorithm, &message[kept..], kept, tail, 0) {
                let valid = head.len();
                out.truncate(valid);
                return Err(partial(&out, error));
            }
        }
        Message::Chained { payloads, .. } => {
            for (index, p) in payloads.iter().enumerate() {
                let body = p.offset + PAYLOAD_HEADER;
                match p.algorithm {
                    Algorithm::None => out.extend_from_slice(&message[body..body + p.length as usize]),
                    Algorithm::PatternV1 => out.resize(out.len() + p.size as usize, message[body]),
                    algorithm => {
                        let start = out.len();
                        out.resize(start + p.size as usize, 0);
                        let data = &message[body + 4..body + p.length as usize];
                        if let Err(error) = decode_body(algorithm, data, body + 4, &mut out[start..], index as u64) {
                            out.truncate(start);
                            return Err(partial(&out, error));
                        }
                    }
                }
            }
        }
    }
    if !out.starts_with(&SMB2_ID) {
        return Err(problem(0, Smb2Problem::NotSmb2));
    }
    Ok(out)
}

/// How [`compress`] builds a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The chained form (with Pattern_V1 payloads for runs), rather than
    /// the unchained one.
    pub chained: bool,
    /// Bytes at the front kept as they are (the SMB2 header and a READ or
    /// WRITE's fixed part, typically): the unchained form's `Offset`, the
    /// chained form's leading NONE payload.
    pub uncompressed_prefix: usize,
    /// The encoder's level.
    pub level: Level,
}

impl Default for Options {
    fn default() -> Self {
        Options { chained: false, uncompressed_prefix: 0, level: Level::Standard }
    }
}

/// The length of the run of `data`'s first byte at its front.
fn leading_run(data: &[u8]) -> usize {
    data.first().map_or(0, |&b| data.iter().take_while(|&&x| x == b).count())
}

/// Compresses `data` with `algorithm`, or `None` where that does not
/// shrink it.
fn compress_body(data: &[u8], format: Format, level: Level) -> Option<Vec<u8>> {
    let mut out = vec![0u8; crate::max_compressed_size(format, data.len())];
    let n = Compressor::new(format, level).compress_into(data, &mut out).ok()?;
    (n < data.len()).then(|| {
        out.truncate(n);
        out
    })
}

fn push_payload(out: &mut Vec<u8>, algorithm: Algorithm, first: bool, body: &[u8], size: Option<usize>) {
    let extra = if size.is_some() { 4 } else { 0 };
    out.extend_from_slice(&algorithm.id().to_le_bytes());
    out.extend_from_slice(&(if first { FLAG_CHAINED } else { 0 }).to_le_bytes());
    out.extend_from_slice(&((body.len() + extra) as u32).to_le_bytes());
    if let Some(size) = size {
        out.extend_from_slice(&(size as u32).to_le_bytes());
    }
    out.extend_from_slice(body);
}

/// Builds a compression transform message of `message` with `algorithm`
/// (LZNT1, LZ77 or LZ77+Huffman). The unchained form keeps
/// `options.uncompressed_prefix` bytes and compresses the rest; the
/// chained form sends the prefix as a NONE payload, a run of 64 bytes or
/// more at the front and at the end of the rest as Pattern_V1 payloads,
/// and the middle compressed (or raw, where compressing does not shrink
/// it). Where the result would not be smaller than `message`, `message`
/// itself is returned, as a sender would send it uncompressed.
///
/// # Errors
/// [`Error::Unsupported`] for an algorithm other than the three;
/// [`Error::LimitExceeded`] for a message of 4 GiB or more.
pub fn compress(message: &[u8], algorithm: Algorithm, options: &Options) -> Result<Vec<u8>> {
    let Some(format) = algorithm.format() else {
        return Err(Error::Unsupported {
            what: "compressing SMB2 messages other than with LZNT1, LZ77 or LZ77+Huffman",
        });
    };
    if u32::try_from(message.len()).is_err() {
        return Err(Error::LimitExceeded {
            what: "SMB2 message",
            size: message.len() as u64,
            limit: u64::from(u32::MAX),
        });
    }
    let prefix = options.uncompressed_prefix.min(message.len());
    let (head, rest) = message.split_at(prefix);
    let mut out = TRANSFORM_ID.to_vec();
    if !options.chained {
        let Some(body) = compress_body(rest, format, options.level) else { return Ok(message.to_vec()) };
        out.extend_from_slice(&(rest.len() as u32).to_le_bytes());
        out.extend_from_slice(&algorithm.id().to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(prefix as u32).to_le_bytes());
        out.extend_from_slice(head);
        out.extend_from_slice(&body);
    } else {
        out.extend_from_slice(&(message.len() as u32).to_le_bytes());
        let mut first = true;
        let mut push = |out: &mut Vec<u8>, algorithm, body: &[u8], size| {
            push_payload(out, algorithm, first, body, size);
            first = false;
        };
        if !head.is_empty() {
            push(&mut out, Algorithm::None, head, None);
        }
        let front = leading_run(rest);
        let (front, rest) = if front >= MIN_PATTERN_RUN { rest.split_at(front) } else { rest.split_at(0) };
        let back = rest.iter().rev().take_while(|&&b| Some(&b) == rest.last()).count();
        let (middle, back) =
            if back >= MIN_PATTERN_RUN { rest.split_at(rest.len() - back) } else { (rest, &rest[..0]) };
        for (i, run) in [front, middle, back].into_iter().enumerate() {
            if run.is_empty() {
                continue;
            }
            if i != 1 {
                let mut pattern = [0u8; 8];
                pattern[0] = run[0];
                pattern[4..].copy_from_slice(&(run.len() as u32).to_le_bytes());
                push(&mut out, Algorithm::PatternV1, &pattern, None);
            } else {
                match compress_body(run, format, options.level) {
                    Some(body) => push(&mut out, algorithm, &body, Some(run.len())),
                    None => push(&mut out, Algorithm::None, run, None),
                }
            }
        }
    }
    Ok(if out.len() < message.len() { out } else { message.to_vec() })
}
