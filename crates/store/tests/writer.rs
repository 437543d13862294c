//! The writer's guarantees: nothing looks complete before `finish`, bad chunks are named.

use cumulus_store::{ArraySpec, Compressor, DType, StoreError, StoreWriter, WriteMode, ZarrFormat, partial_path};

fn spec() -> ArraySpec {
    ArraySpec::new("t", DType::F32, &[("time", 5), ("latitude", 3)])
        .with_chunks(&[2, 3])
        .with_compressor(Compressor::blosc_lz4(5))
}

#[test]
fn an_unfinished_store_is_only_a_partial_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.zarr");
    let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create).unwrap();
    w.add_array(spec()).unwrap();
    w.write_chunk("t", &[0, 0], &[0.0f32; 6]).unwrap();
    drop(w); // as if the process died here
    assert!(!path.exists());
    assert!(partial_path(&path).join("t/.zarray").exists());
    assert!(!partial_path(&path).join(".zmetadata").exists());
    // The next writer starts over, and only `finish` makes the store appear.
    let mut w = StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create).unwrap();
    assert!(!partial_path(&path).join("t").exists());
    w.add_array(spec()).unwrap();
    for i in 0..3 {
        w.write_chunk("t", &[i, 0], &[i as f32; 6]).unwrap();
    }
    let done = w.finish().unwrap();
    assert_eq!(done, path);
    assert!(!partial_path(&path).exists());
    let z: serde_json::Value = serde_json::from_slice(&std::fs::read(path.join(".zmetadata")).unwrap()).unwrap();
    assert_eq!(z["metadata"]["t/.zattrs"]["_ARRAY_DIMENSIONS"], serde_json::json!(["time", "latitude"]));
    assert_eq!(z["metadata"]["t/.zarray"]["compressor"]["cname"], "lz4");
    assert!(matches!(
        StoreWriter::create(&path, ZarrFormat::V2, WriteMode::Create),
        Err(StoreError::AlreadyExists { .. })
    ));
}

#[test]
fn bad_chunks_and_specs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.zarr");
    let mut w = StoreWriter::create(&path, ZarrFormat::V3, WriteMode::Create).unwrap();
    w.add_array(spec()).unwrap();
    let msg = w.write_chunk("t", &[3, 0], &[0.0f32; 6]).unwrap_err().to_string();
    assert!(msg.contains("variable \"t\", chunk [3, 0]: index outside the chunk grid [3, 1]"), "{msg}");
    let msg = w.write_chunk("t", &[0, 0], &[0.0f32; 5]).unwrap_err().to_string();
    assert!(msg.contains("5 elements given, a chunk of shape [2, 3] has 6"), "{msg}");
    let msg = w.write_chunk("t", &[0, 0], &[0.0f64; 6]).unwrap_err().to_string();
    assert!(msg.contains("the array holds F32, the data are F64"), "{msg}");
    let msg = w.write_chunk("u", &[0, 0], &[0.0f32; 6]).unwrap_err().to_string();
    assert!(msg.contains("no variable \"u\"; the store has [\"t\"]"), "{msg}");
    let msg = w.add_array(spec()).unwrap_err().to_string();
    assert!(msg.contains("declared twice"), "{msg}");
    let msg = w.add_array(spec().with_chunks(&[0, 3])).unwrap_err().to_string();
    assert!(msg.contains("chunk size along \"time\" is 0"), "{msg}");
    let msg = w.add_array(ArraySpec::new("x", DType::F32, &[("a", 2)]).with_chunks(&[1, 1])).unwrap_err().to_string();
    assert!(msg.contains("disagree in length"), "{msg}");
    w.abort().unwrap();
    assert!(!partial_path(&path).exists() && !path.exists());
}
