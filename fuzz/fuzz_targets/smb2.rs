//! Arbitrary SMB2 compression transform messages, and round trips of
//! arbitrary messages (see `msxca::fuzzing::check_smb2`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| msxca::fuzzing::check_smb2(data));
