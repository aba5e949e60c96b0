//! The properties the fuzz targets check, shared with the regression
//! tests that replay their findings (`corpus/regressions/`). Built only
//! with the `fuzzing` feature, and not part of the API: each function
//! panics when the property fails.

use crate::bytes::u16_at;
use crate::format::{Format, Level};
use crate::rtl::{decompress_buffer_ex, NtStatus};
use crate::{compress, decompress, max_compressed_size, Decompressor};

/// The largest output size the checks use. It already spans 16
/// LZ77+Huffman blocks and 256 LZNT1 chunks; larger outputs exercise
/// nothing new, and allocating and comparing them took most of the
/// fuzzers' time (the Plain LZ77 target ran under 200 inputs a second
/// when sizes went to 8 MiB).
const MAX_OUTPUT: usize = 1 << 20;

/// Splits a fuzz input into an output size (from the first three bytes,
/// at most [`MAX_OUTPUT`]) and the compressed stream.
fn sized(data: &[u8]) -> Option<(usize, &[u8])> {
    let (head, rest) = data.split_at_checked(3)?;
    let size = usize::from(u16_at(head, 0)) << (head[2] & 7);
    Some((size.min(MAX_OUTPUT), rest))
}

/// Decoding never panics, never writes past the output (nor, when it
/// succeeds, past the bytes it reports), and gives the same result
/// whatever the output buffer held before.
pub fn check_decompress(format: Format, data: &[u8]) {
    let Some((size, input)) = sized(data) else { return };
    let mut a = vec![0x00u8; size + 16];
    let mut b = vec![0xFFu8; size + 16];
    let ra = Decompressor::new(format).decompress_into(input, &mut a[..size]);
    let rb = Decompressor::new(format).decompress_into(input, &mut b[..size]);
    assert_eq!(ra, rb, "{format}: result depends on the buffer's old contents");
    assert!(
        a[size..].iter().all(|&x| x == 0x00) && b[size..].iter().all(|&x| x == 0xFF),
        "{format}: wrote past the output"
    );
    if let Ok(n) = ra {
        assert!(n <= size);
        assert_eq!(a[..n], b[..n], "{format}: output depends on the buffer's old contents");
        assert!(
            a[n..size].iter().all(|&x| x == 0x00) && b[n..size].iter().all(|&x| x == 0xFF),
            "{format}: wrote past the {n} bytes it produced"
        );
    }
}

/// Compressing then decompressing gives the input back; the first byte
/// picks the level: Windows' two, then 1 to 9.
pub fn check_roundtrip(format: Format, data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let levels = Level::ALL.into_iter().chain(Level::NUMBERED);
    let level = levels.clone().nth(usize::from(selector) % levels.count()).unwrap_or_default();
    let packed = compress(format, level, input);
    assert!(packed.len() <= max_compressed_size(format, input.len()), "{format} {level}: over the bound");
    assert_eq!(decompress(format, &packed, input.len()).as_deref(), Ok(input), "{format} {level}: round trip differs");
}

/// `rtl::decompress_buffer_ex` and the core decoder agree: success with
/// the same bytes and size, or failure with the final size untouched.
pub fn check_rtl_vs_core(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let format = Format::ALL[usize::from(selector % 3)];
    let Some((size, input)) = sized(rest) else { return };
    let mut core_out = vec![0u8; size];
    let core = Decompressor::new(format).decompress_into(input, &mut core_out);
    let mut rtl_out = vec![0u8; size];
    let mut final_size = 0xDEAD_BEEF;
    let mut workspace = vec![0u8; 8192];
    let status = decompress_buffer_ex(format.windows_id(), &mut rtl_out, input, &mut final_size, Some(&mut workspace));
    match core {
        Ok(n) => {
            assert_eq!(status, NtStatus::SUCCESS, "{format}");
            assert_eq!(final_size as usize, n, "{format}");
            assert_eq!(core_out[..n], rtl_out[..n], "{format}");
        }
        Err(_) => {
            assert_eq!(status, NtStatus::BAD_COMPRESSION_BUFFER, "{format}");
            assert_eq!(final_size, 0xDEAD_BEEF, "{format}: final size written on failure");
        }
    }
}

/// A WOF stream (the first byte picks XPRESS4K, 8K or 16K, the next three
/// the file's size): reading it never panics; a whole decode and reads of
/// two halves agree; an error says how much output is right, and that
/// much agrees with what the reads give.
pub fn check_wof(data: &[u8]) {
    use crate::wof::{self, Algorithm};
    let Some((&selector, rest)) = data.split_first() else { return };
    let algorithm = [Algorithm::Xpress4K, Algorithm::Xpress8K, Algorithm::Xpress16K][usize::from(selector % 3)];
    let Some((size, stream)) = sized(rest) else { return };
    let whole = wof::decompress(stream, algorithm, size as u64);
    let Ok(mut reader) = wof::Reader::new(stream, algorithm, size as u64) else {
        assert!(whole.is_err(), "{algorithm:?}: a stream the reader refuses decodes");
        return;
    };
    let mut halves = vec![0u8; size];
    let (first, second) = halves.split_at_mut(size / 2);
    let read = reader.read_at(0, first).and_then(|_| reader.read_at((size / 2) as u64, second));
    match (&whole, read) {
        (Ok(out), Ok(_)) => assert!(*out == halves, "{algorithm:?}: reads differ from the whole"),
        (Err(crate::Error::PartialOutput { valid, .. }), _) => assert!(*valid <= size, "{algorithm:?}"),
        (Err(_), _) => {}
        (Ok(_), Err(e)) => panic!("{algorithm:?}: the whole decodes but a read fails: {e}"),
    }
}

/// An SMB2 compression transform message: reassembling never panics, and
/// what it gives has the declared size and starts with `FE 'SMB'`; an SMB2
/// message (from the first byte on) round-trips through every form.
pub fn check_smb2(data: &[u8]) {
    use crate::smb2::{self, Algorithm, Limits, Options};
    let limits = Limits::new(MAX_OUTPUT);
    if let Ok(out) = smb2::decompress(data, &limits) {
        let layout = smb2::parse(data, &limits).expect("a message that reassembles parses");
        assert_eq!(out.len() as u64, layout.original_size());
        assert!(out.starts_with(&smb2::SMB2_ID));
    }
    let mut message = smb2::SMB2_ID.to_vec();
    message.extend_from_slice(&data[..data.len().min(MAX_OUTPUT / 4)]);
    for algorithm in [Algorithm::Lznt1, Algorithm::Lz77, Algorithm::Lz77Huffman] {
        for chained in [false, true] {
            let options = Options {
                chained,
                uncompressed_prefix: data.first().map_or(0, |&b| usize::from(b)),
                ..Options::default()
            };
            let packed = smb2::compress(&message, algorithm, &options).expect("the three compress");
            if smb2::is_transform(&packed) {
                assert_eq!(smb2::decompress(&packed, &limits).as_deref(), Ok(&message[..]), "{algorithm:?} {chained}");
            } else {
                assert_eq!(packed, message, "{algorithm:?} {chained}: sent as it is");
            }
        }
    }
}

/// A reader that hands out at most `step` bytes a call.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The library's error inside `e`, which the streaming decoders' errors
/// all are (the readers here do not fail).
fn library_error(e: std::io::Error) -> crate::Error {
    match e.get_ref().and_then(|e| e.downcast_ref::<crate::Error>()) {
        Some(inner) => inner.clone(),
        None => panic!("an I/O error that is not the library's: {e}"),
    }
}

/// Everything `reader` gives, or its error as the library's.
fn read_all(mut reader: impl std::io::Read) -> Result<Vec<u8>, crate::Error> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out).map_err(library_error)?;
    Ok(out)
}

/// The streaming decoders (`read`), the first byte picking the stream and
/// how it is read (threads, read sizes), the next three the size: they
/// never panic, and give what the one-shot decoders give, output or
/// error.
pub fn check_streams(data: &[u8]) {
    use crate::read::{ApiDecoder, MamDecoder, RawDecoder, WofDecoder};
    let Some((&selector, rest)) = data.split_first() else { return };
    let Some((size, input)) = sized(rest) else { return };
    let threads = 1 + usize::from(selector >> 7);
    let step = [1, 7, 4096, 1 << 20][usize::from(selector >> 5 & 3)];
    let trickle = Trickle { data: input, step };
    match selector % 6 {
        kind @ 0..=2 => {
            let format = Format::ALL[usize::from(kind)];
            let mut out = vec![0u8; size];
            let whole = Decompressor::new(format).decompress_into(input, &mut out).map(|n| out[..n].to_vec());
            let streamed = RawDecoder::new(trickle, format, Some(size as u64)).map(|d| d.with_threads(threads));
            let streamed = streamed.and_then(read_all);
            assert_eq!(whole, streamed, "{format}, {threads} threads, reads of {step}");
        }
        3 => {
            let algorithm = crate::wof::Algorithm::Xpress4K;
            let whole = crate::wof::decompress(input, algorithm, size as u64);
            let streamed = WofDecoder::new(trickle, algorithm, size as u64).map(|d| d.with_threads(threads));
            let streamed = streamed.and_then(read_all);
            match (&whole, &streamed) {
                (Ok(a), Ok(b)) => assert!(a == b, "wof: different output"),
                (Err(_), Err(_)) => {}
                _ => panic!("wof: whole {whole:?}, streamed {streamed:?}"),
            }
        }
        4 => {
            // Within the output the checks allow.
            if crate::api::uncompressed_size(input).is_ok_and(|n| n <= MAX_OUTPUT as u64) {
                let header = crate::api::read_header(input).expect("a header");
                let whole = crate::api::decompress(header.format, crate::api::Mode::Buffer, input, MAX_OUTPUT);
                let streamed = read_all(ApiDecoder::new(trickle));
                assert_eq!(whole, streamed, "api");
            }
        }
        _ => {
            if crate::mam::read_header(input).is_ok_and(|h| h.uncompressed_size as usize <= MAX_OUTPUT) {
                let whole = crate::mam::decompress(input, MAX_OUTPUT);
                let streamed = MamDecoder::new(trickle).map_err(library_error).and_then(read_all);
                assert_eq!(whole, streamed, "mam");
            }
        }
    }
}

/// Data from a recipe, to reach the stream encoders' seams (blocks of
/// 64 KiB, buffers slid, matches longer than the buffer) from a short fuzz
/// input: each 4 bytes `[kind, a, b, c]` add the bytes `a b c` (even
/// kinds), repeat the last `a % 64 + 1` bytes over `(b·256 + c)·8` more
/// (kinds 1 mod 4), or copy `c·256` bytes from `a·256 + b + 1` back (kinds
/// 3 mod 4); at most 4 MiB.
fn from_recipe(recipe: &[u8]) -> Vec<u8> {
    const MOST: usize = 4 << 20;
    let mut data = Vec::new();
    for step in recipe.chunks_exact(4) {
        let [kind, a, b, c] = [step[0], step[1], step[2], step[3]];
        if kind % 2 == 0 || data.is_empty() {
            data.extend_from_slice(&[a, b, c]);
        } else if kind % 4 == 3 {
            // A repeat from up to 64 KiB back, up to 64 KiB long.
            let dist = (usize::from(a) << 8 | usize::from(b)).min(data.len() - 1) + 1;
            let start = data.len() - dist;
            for i in 0..(usize::from(c) * 256).min(MOST.saturating_sub(data.len())) {
                data.push(data[start + i]);
            }
        } else {
            let period = (usize::from(a) % 64 + 1).min(data.len());
            let len = (usize::from(b) << 8 | usize::from(c)) * 8;
            let start = data.len() - period;
            for i in 0..len.min(MOST.saturating_sub(data.len())) {
                data.push(data[start + i % period]);
            }
        }
        if data.len() >= MOST {
            break;
        }
    }
    data
}

/// The streaming encoders (`write::RawEncoder`) write the one-shot bytes:
/// the first byte picks the format, the thread count and the size of the
/// writes; the rest is a recipe for the data ([`from_recipe`]).
pub fn check_stream_encoders(data: &[u8]) {
    use std::io::Write;
    let [selector, level, recipe @ ..] = data else { return };
    let input = from_recipe(recipe);
    let format = Format::ALL[usize::from(selector % 3)];
    let threads = 1 + usize::from(selector >> 7);
    let step = [1, 100, 4093, 65_536, 1 << 20][usize::from(selector >> 2 & 31) % 5];
    // Windows' engines, and a greedy, a lazy and a near-optimal level.
    let level = [Level::Standard, Level::Maximum, Level::NUMBERED[0], Level::NUMBERED[4], Level::NUMBERED[8]]
        [usize::from(*level) % 5];
    let whole = compress(format, level, &input);
    let mut encoder = crate::write::RawEncoder::new(Vec::new(), format, level).with_threads(threads);
    for piece in input.chunks(step) {
        encoder.write_all(piece).expect("a Vec takes everything");
    }
    let streamed = encoder.finish().expect("a Vec takes everything");
    assert!(streamed == whole, "{format} {level}, {} bytes, {threads} threads, writes of {step}", input.len());
}

/// Runs the check a fuzz target is named after on `data`; false for an
/// unknown target name.
pub fn check_target(target: &str, data: &[u8]) -> bool {
    match target {
        "decompress_lznt1" => check_decompress(Format::Lznt1, data),
        "decompress_xpress" => check_decompress(Format::Xpress, data),
        "decompress_xpress_huff" => check_decompress(Format::XpressHuff, data),
        "roundtrip_lznt1" => check_roundtrip(Format::Lznt1, data),
        "roundtrip_xpress" => check_roundtrip(Format::Xpress, data),
        "roundtrip_xpress_huff" => check_roundtrip(Format::XpressHuff, data),
        "rtl_vs_core" => check_rtl_vs_core(data),
        "wof" => check_wof(data),
        "smb2" => check_smb2(data),
        "streams" => check_streams(data),
        "stream_encoders" => check_stream_encoders(data),
        _ => return false,
    }
    true
}
