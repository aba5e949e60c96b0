//! `msxca decompress`.

use crate::args::{Container, Io};
use crate::io::{read_input, Failure, Progress};
use msxca::{Decompressor, Format};
use std::io::Read;

pub(crate) fn decompress(format: Option<Format>, size: Option<usize>, io: &Io) -> Result<Vec<u8>, Failure> {
    let data = read_input(&io.input)?;
    let name = io.input.display();
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let limit = msxca::DEFAULT_OUTPUT_LIMIT;
    let progress = Progress::new(io.quiet, data.len());
    progress.say(&format!("decompressing {name}..."));
    let out = match io.container {
        Container::Raw => {
            // The arguments require a format for raw streams.
            let format = format.ok_or_else(|| Failure("the stream format is needed".to_string()))?;
            let capacity = size.unwrap_or(limit);
            if capacity > limit {
                return Err(Failure(format!("size {capacity} exceeds the limit of {limit} bytes")));
            }
            let mut out = vec![0u8; capacity];
            let n = Decompressor::new(format).decompress_into(&data, &mut out).map_err(fail)?;
            out.truncate(n);
            out
        }
        Container::Mam => {
            let header = msxca::mam::read_header(&data).map_err(fail)?;
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            msxca::mam::decompress(&data, limit).map_err(fail)?
        }
        Container::Api => {
            let header = msxca::api::read_header(&data).map_err(fail)?;
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            msxca::api::decompress(header.format, msxca::api::Mode::Buffer, &data, limit).map_err(fail)?
        }
        Container::WofXpress4k | Container::WofXpress8k | Container::WofXpress16k => {
            let algorithm = io.container.wof().expect("a WOF container");
            // The arguments require the size for WOF streams.
            let size = size.ok_or_else(|| Failure("the uncompressed size is needed (-s SIZE)".to_string()))?;
            if size > limit {
                return Err(Failure(format!("size {size} exceeds the limit of {limit} bytes")));
            }
            msxca::wof::decompress(&data, algorithm, size as u64).map_err(fail)?
        }
        Container::Smb2 => msxca::smb2::decompress(&data, &msxca::smb2::Limits::new(limit)).map_err(fail)?,
        Container::Frame => {
            let mut out = Vec::new();
            let mut decoder = msxca::read::Decoder::new(&data[..]);
            decoder.read_to_end(&mut out).map_err(|e| Failure(format!("{name}: {e}")))?;
            out
        }
    };
    progress.say(&format!("decompressed {name}: {} -> {} bytes", data.len(), out.len()));
    progress.done();
    Ok(out)
}
