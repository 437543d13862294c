//! libFuzzer target: see `cumulus_store_fuzz::run`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cumulus_store_fuzz::run(data));
