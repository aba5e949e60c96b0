//! `rtl::decompress_buffer_ex` and the core decoder agree on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_rtl_vs_core(data));
