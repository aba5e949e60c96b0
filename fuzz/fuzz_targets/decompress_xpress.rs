//! Arbitrary input and output size (from the first three bytes): no panic,
//! nothing past the output, and the same result whatever the output buffer
//! held before. The check lives in `msxca::fuzzing` so that regression
//! tests replay findings with the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_decompress(msxca::Format::Xpress, data));
