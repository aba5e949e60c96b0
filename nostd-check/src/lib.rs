//! Built by `.ci/run` (`cargo build -p msxca-nostd-check`): a `#![no_std]`
//! library, as a kernel, UEFI or embedded agent would link msxca, that
//! round-trips data through the codecs and the `rtl` mirror with `alloc`
//! alone.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;
use msxca::{Format, Level};

/// Compresses `data` with Windows' standard engine and decodes it back;
/// `true` when it comes back the same, for every format.
pub fn round_trips(data: &[u8]) -> bool {
    Format::ALL.into_iter().all(|format| {
        let packed: Vec<u8> = msxca::compress(format, Level::Standard, data);
        msxca::decompress(format, &packed, data.len()).is_ok_and(|back| back == data)
    })
}

/// The same through `rtl`, as code ported from Windows calls it.
pub fn rtl_round_trips(data: &[u8]) -> bool {
    let (mut workspace_size, mut fragment) = (0u32, 0u32);
    let format = msxca::rtl::COMPRESSION_FORMAT_XPRESS_HUFF;
    if msxca::rtl::get_compression_workspace_size(format, &mut workspace_size, &mut fragment)
        != msxca::rtl::NtStatus::SUCCESS
    {
        return false;
    }
    let mut workspace = vec![0u8; workspace_size as usize];
    let mut packed = vec![0u8; data.len() + 1024];
    let mut size = 0u32;
    let status = msxca::rtl::compress_buffer(format, data, &mut packed, 4096, &mut size, &mut workspace);
    let mut back = vec![0u8; data.len()];
    let mut back_size = 0u32;
    let mut fragment_space = vec![0u8; fragment as usize];
    status == msxca::rtl::NtStatus::SUCCESS
        && msxca::rtl::decompress_buffer_ex(
            format,
            &mut back,
            &packed[..size as usize],
            &mut back_size,
            Some(&mut fragment_space),
        ) == msxca::rtl::NtStatus::SUCCESS
        && back == data
}
