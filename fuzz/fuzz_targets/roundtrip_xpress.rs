//! Compress then decompress; the first byte picks the level.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_roundtrip(msxca::Format::Xpress, data));
