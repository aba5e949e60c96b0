//! `msxca info`: what a file is, without writing anything.

use crate::io::{read_input, write_output, Failure};
use msxca::{Decompressor, Format};
use std::path::Path;

/// Appends one line to a report (formatting into a String cannot fail).
macro_rules! say {
    ($report:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($report, $($arg)*);
    }};
}

pub(crate) fn info(path: &Path, size: Option<u64>) -> Result<(), Failure> {
    let data = read_input(path)?;
    let mut report = String::new();
    let name = path.display();
    say!(report, "{name}: {} bytes", data.len());
    if data.starts_with(&msxca::mam::SIGNATURE) {
        let header = msxca::mam::read_header(&data).map_err(|e| Failure(format!("{name}: {e}")))?;
        say!(report, "container: MAM (Windows prefetch / SysMain), header {} bytes", header.data_offset);
        say!(report, "format: {}", header.format);
        say!(report, "uncompressed size: {}", header.uncompressed_size);
        let check = msxca::mam::decompress(&data, msxca::DEFAULT_OUTPUT_LIMIT);
        match (header.crc, &check) {
            (Some(crc), Ok(_)) => say!(report, "crc-32: {crc:#010x}, matches"),
            (Some(crc), Err(msxca::Error::ChecksumMismatch { actual, .. })) => {
                say!(report, "crc-32: {crc:#010x}, MISMATCH (data gives {actual:#010x})")
            }
            (Some(crc), Err(_)) => say!(report, "crc-32: {crc:#010x}"),
            (None, _) => say!(report, "crc-32: none"),
        }
        say!(report, "stream: {}", check.map_or_else(|e| format!("does not decode: {e}"), |_| "decodes".to_string()));
    } else if data.starts_with(&msxca::api::MAGIC) {
        let header = msxca::api::read_header(&data).map_err(|e| Failure(format!("{name}: {e}")))?;
        say!(report, "container: Compression API buffer mode, header 24 bytes, checksum ok");
        say!(report, "format: {}", header.format);
        say!(report, "uncompressed size: {}", header.uncompressed_size);
        say!(report, "block size: {}", header.block_size);
        for (index, block) in msxca::api::blocks(&data, &header).map_while(Result::ok).enumerate() {
            let kind = if block.is_stored() { "stored" } else { "compressed" };
            let (len, size, at) = (block.uncompressed_len, block.stored_len, block.offset);
            say!(report, "block {index}: {len} bytes, {kind} in {size} at offset {at:#x}");
        }
        let check = msxca::api::decompress(header.format, msxca::api::Mode::Buffer, &data, msxca::DEFAULT_OUTPUT_LIMIT);
        say!(report, "stream: {}", check.map_or_else(|e| format!("does not decode: {e}"), |_| "decodes".to_string()));
    } else if msxca::wim::is_wim(&data) {
        let wim = msxca::wim::Wim::parse(&data).map_err(|e| Failure(format!("{name}: {e}")))?;
        let header = wim.header();
        say!(report, "container: WIM, version {:#x}, {} image(s)", header.version, header.image_count);
        say!(report, "compression: {:?}, chunks of {} bytes", wim.compression(), header.chunk_size);
        match wim.blobs() {
            Ok(blobs) => {
                for blob in blobs {
                    let r = blob.resource;
                    let kind = if r.flags & msxca::wim::RESOURCE_METADATA != 0 { "metadata" } else { "file data" };
                    let stored = if r.is_compressed() { "compressed" } else { "stored" };
                    let check = match wim.read_resource(&r) {
                        Ok(_) => "decodes".to_string(),
                        Err(e) => format!("does not decode: {e}"),
                    };
                    say!(
                        report,
                        "resource at {:#x}: {kind}, {} bytes, {stored} in {}, sha-1 {}: {check}",
                        r.offset,
                        r.size,
                        r.stored_size,
                        blob.sha1.iter().map(|b| format!("{b:02x}")).collect::<String>()
                    );
                }
            }
            Err(e) => say!(report, "blob table: does not decode: {e}"),
        }
    } else if msxca::smb2::is_transform(&data) {
        let limits = msxca::smb2::Limits::new(msxca::DEFAULT_OUTPUT_LIMIT);
        match msxca::smb2::parse(&data, &limits) {
            Ok(msxca::smb2::Message::Unchained { segment_size, algorithm, offset }) => {
                say!(report, "container: SMB2 compression transform, unchained");
                say!(
                    report,
                    "algorithm: {algorithm:?}; {offset} bytes kept as they are, then {segment_size} compressed"
                );
            }
            Ok(msxca::smb2::Message::Chained { segment_size, payloads }) => {
                say!(report, "container: SMB2 compression transform, chained, {segment_size} bytes in all");
                for p in payloads {
                    say!(report, "payload at {:#x}: {:?}, {} bytes -> {}", p.offset, p.algorithm, p.length, p.size);
                }
            }
            Err(e) => say!(report, "container: SMB2 compression transform, malformed: {e}"),
        }
        let check = msxca::smb2::decompress(&data, &limits);
        say!(
            report,
            "message: {}",
            check.map_or_else(|e| format!("does not reassemble: {e}"), |m| format!("reassembles to {} bytes", m.len()))
        );
    } else if let (Some(size), false) = (size, data.starts_with(&msxca::write::FRAME_MAGIC)) {
        say!(report, "container: a WOF (Compact OS) stream of a {size}-byte file, as -s says");
        for algorithm in
            [msxca::wof::Algorithm::Xpress4K, msxca::wof::Algorithm::Xpress8K, msxca::wof::Algorithm::Xpress16K]
        {
            match msxca::wof::Reader::new(&data, algorithm, size) {
                Ok(mut reader) => {
                    let chunks = reader.chunks();
                    let mut out = vec![0u8; usize::try_from(size).unwrap_or(0).min(msxca::DEFAULT_OUTPUT_LIMIT)];
                    let check = if out.len() as u64 == size { reader.decompress_into(&mut out) } else { Ok(()) };
                    match check {
                        Ok(()) => say!(report, "as {}: {chunks} chunk(s), decodes", algorithm.name()),
                        Err(e) => say!(report, "as {}: no ({e})", algorithm.name()),
                    }
                }
                Err(e) => say!(report, "as {}: no ({e})", algorithm.name()),
            }
        }
    } else if data.starts_with(&msxca::write::FRAME_MAGIC) {
        let mut decoder = msxca::read::Decoder::new(&data[..]);
        let mut total = 0u64;
        let result = std::io::copy(&mut decoder, &mut std::io::sink()).map(|n| total = n);
        say!(report, "container: msxca frame");
        if let Some(format) = decoder.format() {
            say!(report, "format: {format}");
        }
        match result {
            Ok(()) => say!(report, "uncompressed size: {total}\nstream: decodes, all block checksums match"),
            Err(e) => say!(report, "stream: does not decode: {e}"),
        }
    } else {
        say!(report, "container: none (a raw stream, or not compressed data)");
        let mut out = vec![0u8; msxca::DEFAULT_OUTPUT_LIMIT.min(data.len().saturating_mul(64).max(1 << 16))];
        for format in [Format::Lznt1, Format::Xpress] {
            match Decompressor::new(format).decompress_into_ex(&data, &mut out) {
                Ok((0, _)) if data.len() > 4 => say!(report, "as {format}: no (nothing before its end)"),
                Ok((n, used)) if used < data.len() => {
                    say!(
                        report,
                        "as {format}: decodes to {n} bytes from the first {used} bytes ({} follow)",
                        data.len() - used
                    )
                }
                Ok((n, _)) => say!(report, "as {format}: decodes to {n} bytes"),
                Err(e) => say!(report, "as {format}: no ({e})"),
            }
        }
        say!(report, "as xpress-huff: needs the uncompressed size; try msxca decompress -f xpress-huff -s SIZE");
    }
    write_output(Path::new("-"), report.as_bytes())
}
