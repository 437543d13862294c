//! Bad stores never panic: random metadata and random chunk bytes give an error (or, for
//! bytes that happen to decode, values), whatever they are. A property test in the spirit of a
//! fuzz target, run with every `cargo test`.

use proptest::prelude::*;

/// A valid little store to corrupt: one 2-d float array with two chunks.
fn write_valid(dir: &std::path::Path) -> std::path::PathBuf {
    use cumulus_store::{ArraySpec, Compressor, DType, StoreWriter, WriteMode, ZarrFormat};
    let path = dir.join("s.zarr");
    let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create).unwrap();
    w.add_array(
        ArraySpec::new("x", DType::F32, &[("time", 4), ("latitude", 2)])
            .with_chunks(&[2, 2])
            .with_compressor(Compressor::blosc_zstd(3)),
    )
    .unwrap();
    w.write_chunk("x", &[0, 0], &[1.0_f32, 2., 3., 4.]).unwrap();
    w.write_chunk("x", &[1, 0], &[5.0_f32, 6., 7., 8.]).unwrap();
    w.finish().unwrap()
}

/// Opens and computes everything; any outcome but a panic is fine.
fn open_and_read(path: &std::path::Path) {
    if let Ok(ds) = cumulus_store::open_zarr(path) {
        for name in ds.data_vars() {
            if let Ok(da) = ds.get(name) {
                let _ = da.to_vec_f64();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_chunk_bytes_are_an_error_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_valid(dir.path());
        std::fs::write(path.join("x/0.0"), &bytes).unwrap();
        open_and_read(&path);
    }

    #[test]
    fn random_metadata_is_an_error_not_a_panic(
        which in 0usize..3,
        text in "\\PC{0,120}",
        field in prop_oneof![
            Just("shape"), Just("chunks"), Just("dtype"), Just("fill_value"), Just("compressor"), Just("order")
        ],
        value in prop_oneof![
            Just(serde_json::json!(null)), Just(serde_json::json!(-1)), Just(serde_json::json!([0, 0])),
            Just(serde_json::json!([1_000_000_000_000u64, 2])), Just(serde_json::json!("<f8")),
            Just(serde_json::json!("|b1")), Just(serde_json::json!({"id": "brotli"})), Just(serde_json::json!("F")),
            Just(serde_json::json!([2])), Just(serde_json::json!("NaN"))
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_valid(dir.path());
        match which {
            // Garbage text instead of a metadata file.
            0 => std::fs::write(path.join(".zmetadata"), &text).unwrap(),
            1 => {
                std::fs::remove_file(path.join(".zmetadata")).unwrap();
                std::fs::write(path.join("x/.zarray"), &text).unwrap();
            }
            // Valid JSON with one field set to something unexpected.
            _ => {
                let zmeta = path.join(".zmetadata");
                let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&zmeta).unwrap()).unwrap();
                meta["metadata"]["x/.zarray"][field] = value;
                std::fs::write(&zmeta, meta.to_string()).unwrap();
            }
        }
        open_and_read(&path);
    }
}

/// The case that aborted a CI run: a shape of 10^12 with chunks of 2 made a per-axis list of
/// 5·10^11 chunk lengths (4 TB). Now opening names the array and the grid.
#[test]
fn an_absurd_chunk_grid_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_valid(dir.path());
    let zmeta = path.join(".zmetadata");
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&zmeta).unwrap()).unwrap();
    meta["metadata"]["x/.zarray"]["shape"] = serde_json::json!([1_000_000_000_000u64, 2]);
    std::fs::write(&zmeta, meta.to_string()).unwrap();
    let err = cumulus_store::open_zarr(&path).unwrap_err().to_string();
    assert!(err.contains("\"x\"") && err.contains("500000000000 chunks along axis 0"), "{err}");
    // With chunks that make a grid one can hold, opening works and computing says it is too big.
    meta["metadata"]["x/.zarray"]["chunks"] = serde_json::json!([1u64 << 20, 2]);
    std::fs::write(&zmeta, meta.to_string()).unwrap();
    if let Ok(ds) = cumulus_store::open_zarr(&path) {
        let err = ds.get("x").unwrap().to_vec_f64().unwrap_err().to_string();
        assert!(err.contains("cannot compute"), "{err}");
    }
}
