//! The streaming decoders against the one-shot ones (see
//! `msxca::fuzzing::check_streams`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_streams(data));
