//! `rtl::decompress_buffer_ex` and the core decoder agree on every input:
//! success with the same bytes, or failure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msxca::rtl::{decompress_buffer_ex, NtStatus};
use msxca::{Decompressor, Format};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let format = Format::ALL[usize::from(data[0] % 3)];
    let size = usize::from(u16::from_le_bytes([data[1], data[2]]));
    let input = &data[3..];
    let mut core_out = vec![0u8; size];
    let core = Decompressor::new(format).decompress_into(input, &mut core_out);
    let mut rtl_out = vec![0u8; size];
    let mut final_size = 0xDEAD_BEEF;
    let mut workspace = vec![0u8; 8192];
    let status = decompress_buffer_ex(format.windows_id(), &mut rtl_out, input, &mut final_size, Some(&mut workspace));
    match core {
        Ok(n) => {
            assert_eq!(status, NtStatus::SUCCESS);
            assert_eq!(final_size as usize, n);
            assert_eq!(core_out[..n], rtl_out[..n]);
        }
        Err(_) => {
            assert_eq!(status, NtStatus::BAD_COMPRESSION_BUFFER);
            assert_eq!(final_size, 0xDEAD_BEEF);
        }
    }
});
