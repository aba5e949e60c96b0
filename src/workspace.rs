//! The encoders' working memory, sized as Windows sizes it: the one home
//! of the workspace numbers `RtlGetCompressionWorkSpaceSize` reports, and
//! of the entry point that runs an encoder in a workspace. A
//! [`Compressor`](crate::Compressor) runs it in memory of its own;
//! [`rtl::compress_buffer`](crate::rtl::compress_buffer) in its caller's.
//! Either way the encoder allocates nothing more, and writes the same
//! bytes.

use crate::error::{Error, Result};
use crate::format::{EncoderKind, Format, Level, SpaceCheck};
use crate::{lznt1, xpress, xpress_huff};

/// The workspace sizes x64 Windows (`wide`) or x86 Windows reports for
/// `format`: `(compress, fragment)`, where the fragment
/// workspace is what `RtlDecompressFragment` and `RtlDecompressBufferEx`
/// take.
/// (`maximum` for `COMPRESSION_ENGINE_MAXIMUM`, else the standard engine).
pub(crate) fn windows_sizes_on(format: Format, maximum: bool, wide: bool) -> (u32, u32) {
    match (format, maximum, wide) {
        (Format::Lznt1, false, true) => (65568, 4096),
        (Format::Lznt1, false, false) => (32784, 4096),
        (Format::Lznt1, true, true) => (32, 4096),
        (Format::Lznt1, true, false) => (16, 4096),
        (Format::Xpress, false, true) => (61223, 0),
        (Format::Xpress, false, false) => (30611, 0),
        (Format::Xpress, true, true) => (393223, 0),
        (Format::Xpress, true, false) => (196611, 0),
        (Format::XpressHuff, false, true) => (166495, 5161),
        (Format::XpressHuff, false, false) => (123575, 5157),
        (Format::XpressHuff, true, true) => (1415999, 5161),
        (Format::XpressHuff, true, false) => (748327, 5157),
    }
}

/// [`windows_sizes_on`] for this target: the x64 sizes on 64-bit targets,
/// the x86 ones elsewhere.
pub(crate) fn windows_sizes(format: Format, maximum: bool) -> (u32, u32) {
    windows_sizes_on(format, maximum, cfg!(target_pointer_width = "64"))
}

/// Bytes of working memory the encoder for `format` at `level` uses:
/// for Windows' engines, Windows' workspace size for this target, so that
/// `rtl` runs the same encoder in the workspace its caller sized that way
/// (LZNT1's maximum engine needs none: Windows asks for 32 bytes); for the
/// greedy levels, the standard engine's size on x64; for the others, the
/// tables of their own size.
pub(crate) fn encoder_size(format: Format, level: Level) -> usize {
    encoder_size_on(format, level, cfg!(target_pointer_width = "64"))
}

/// [`encoder_size`] on x64 (`wide`) or x86.
fn encoder_size_on(format: Format, level: Level, wide: bool) -> usize {
    match (format, level.encoder(format)) {
        (Format::Lznt1, EncoderKind::NearOptimal(_)) => lznt1::encode::MAXIMUM_WORKSPACE,
        (Format::Lznt1, EncoderKind::Chains(_)) => lznt1::encode::CHAINS_WORKSPACE,
        (Format::Xpress, EncoderKind::Chains(_)) => xpress::encode::CHAINS_WORKSPACE,
        (Format::XpressHuff, EncoderKind::Chains(_)) => xpress_huff::encode::CHAINS_WORKSPACE,
        (Format::Xpress, EncoderKind::NearOptimal(_)) => xpress::encode::OPTIMAL_WORKSPACE,
        (Format::XpressHuff, EncoderKind::NearOptimal(_)) => xpress_huff::encode::OPTIMAL_WORKSPACE,
        (_, EncoderKind::WindowsMaximum) => windows_sizes_on(format, true, wide).0 as usize,
        (_, EncoderKind::WindowsStandard) => windows_sizes_on(format, false, wide).0 as usize,
        // x64's size on every target: a numbered level writes the same
        // bytes whatever the pointer width.
        (_, EncoderKind::Greedy(_)) => windows_sizes_on(format, false, true).0 as usize,
    }
}

/// Compresses `input` into `output` as a raw stream, with the encoder's
/// tables in `workspace` (Windows' size, x86's or x64's, is enough), and
/// returns the compressed size. `space` is how the output is found not to
/// fit.
pub(crate) fn compress(
    format: Format,
    level: Level,
    input: &[u8],
    output: &mut [u8],
    space: SpaceCheck,
    workspace: &mut [u8],
) -> Result<usize> {
    if input.len() as u64 >= u64::from(u32::MAX) {
        return Err(Error::LimitExceeded { what: "input", size: input.len() as u64, limit: u64::from(u32::MAX) - 1 });
    }
    match format {
        Format::Lznt1 => lznt1::encode::compress(input, output, level, workspace),
        Format::Xpress => xpress::encode::compress(input, output, level, space, workspace),
        Format::XpressHuff => xpress_huff::encode::compress(input, output, level, space, workspace),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decompress, max_compressed_size};

    /// The numbered levels' tables, and so their output, are the same on
    /// every target.
    #[test]
    fn numbered_levels_take_the_same_workspace_on_x86_and_x64() {
        for format in Format::ALL {
            for level in Level::NUMBERED {
                assert_eq!(
                    encoder_size_on(format, level, false),
                    encoder_size_on(format, level, true),
                    "{format} {level}"
                );
            }
        }
    }

    /// On 32-bit targets `rtl` hands the encoders Windows' x86 workspace
    /// sizes; every engine works in them (and misaligned by up to 3 bytes).
    #[test]
    fn encoders_fit_the_x86_and_x64_workspaces() {
        // Words in a varying order (many matches per position, so the
        // optimal parser's pieces end early), then bytes with few matches.
        let words = ["the ", "workspace ", "holds ", "every ", "table ", "of ", "an ", "encoder, "];
        let mut data = Vec::new();
        let mut x = 1u32;
        while data.len() < 200_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            data.extend_from_slice(words[(x >> 16) as usize % words.len()].as_bytes());
        }
        data.extend((0..100_000u32).map(|i| (i.wrapping_mul(i) >> 9) as u8 ^ (i >> 12) as u8));
        for format in Format::ALL {
            for level in Level::ALL.into_iter().chain(Level::NUMBERED) {
                for wide in [false, true] {
                    let mut workspace = vec![0u8; encoder_size_on(format, level, wide) + 3];
                    let mut out = vec![0u8; max_compressed_size(format, data.len())];
                    let n = compress(format, level, &data, &mut out, SpaceCheck::Exact, &mut workspace[3..]).unwrap();
                    let back = decompress(format, &out[..n], data.len()).unwrap();
                    assert!(back == data, "{format} {level} wide {wide}");
                }
            }
        }
    }
}
