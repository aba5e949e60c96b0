//! The streaming encoders against the one-shot ones on long data built
//! from a recipe (see `msxca::fuzzing::check_stream_encoders`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_stream_encoders(data));
