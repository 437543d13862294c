//! Helpers shared by the data-gen integration tests: small configurations and a reader that
//! uses zarrs directly, independently of the writer under test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cumulus_data_gen::{GenConfig, Preset};
use zarrs::array::{Array, ArraySubset};
use zarrs::filesystem::FilesystemStore;

/// A small configuration: one year, `days` days from 30 June, 5° grid (7 × 9), small chunks.
pub fn small(out: &Path, days: u32) -> GenConfig {
    let mut cfg = GenConfig::preset(Preset::Tiny, out);
    cfg.first = "06-30".parse().expect("date");
    cfg = cfg.with_days(days).expect("valid days");
    cfg.years = vec![2019];
    cfg.step = 5.0;
    cfg.chunks = cfg.chunks.with_overrides("latitude=3,longitude=4,level=5").expect("chunks");
    cfg
}

/// Reads a whole array as f32 (shape, values in C order).
pub fn read_f32(store: &Path, name: &str) -> (Vec<u64>, Vec<f32>) {
    let fs = Arc::new(FilesystemStore::new(store).expect("store"));
    let a = Array::open(fs, &format!("/{name}")).expect("array opens");
    let shape = a.shape().to_vec();
    let v: Vec<f32> = a.retrieve_array_subset(&ArraySubset::new_with_shape(shape.clone())).expect("read");
    (shape, v)
}

/// Reads a whole array as i64.
pub fn read_i64(store: &Path, name: &str) -> Vec<i64> {
    let fs = Arc::new(FilesystemStore::new(store).expect("store"));
    let a = Array::open(fs, &format!("/{name}")).expect("array opens");
    let shape = a.shape().to_vec();
    a.retrieve_array_subset(&ArraySubset::new_with_shape(shape)).expect("read")
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("list") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("prefix").to_owned());
            }
        }
    }
    out.sort();
    out
}
