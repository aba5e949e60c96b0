//! Arbitrary WOF streams, algorithm and size (see `msxca::fuzzing::check_wof`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_wof(data));
