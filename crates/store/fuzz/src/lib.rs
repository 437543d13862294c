//! The fuzzed operation: open a Zarr store whose files are valid except for one edit chosen
//! by the fuzzer, then decode every chunk of every variable. Any result is fine (an error for
//! broken input, values when the edit happens to be valid); a panic, an abort or a hang is a
//! bug.
//!
//! The stores are built once with `cumulus-store`'s own writer, in four variants: Zarr v2
//! with Blosc zstd and consolidated metadata, v2 with gzip, v2 with Blosc lz4 and no
//! consolidated metadata (a scanned store), and v3. Each has a CF time coordinate, a
//! descending latitude, a float variable with edge chunks and an int16 variable packed with
//! `scale_factor`/`add_offset`/`_FillValue`, so the edits reach CF decoding and both
//! formats' metadata and codecs.
//!
//! An input is `[variant, file, operation, offset (2 bytes), payload...]`: the file is one of
//! the variant's keys (metadata documents and chunks), and the operation replaces the file
//! with the payload, overwrites or inserts the payload at the offset, truncates at the offset,
//! or deletes the file.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use cumulus_store::{
    ArraySpec, Compressor, DType, OpenOptions, StoreHandle, StoreWriter, WriteMode, ZarrFormat, open_zarr_in,
};
use zarrs::storage::store::MemoryStore;
use zarrs::storage::{StoreKey, WritableStorageTraits};

/// One store: its files as (key, bytes).
type Files = Vec<(String, Vec<u8>)>;

static STORES: LazyLock<Vec<Files>> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("cumulus-fuzz-{}", std::process::id()));
    let stores = [
        (ZarrFormat::V2, Compressor::blosc_zstd(3), true),
        (ZarrFormat::V2, Compressor::Gzip { level: 1 }, true),
        (ZarrFormat::V2, Compressor::blosc_lz4(5), false),
        (ZarrFormat::V3, Compressor::blosc_zstd(3), true),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(format, compressor, consolidated))| {
        let path = dir.join(format!("s{i}.zarr"));
        write_store(&path, format, compressor);
        let mut files = read_files(&path);
        if !consolidated {
            files.retain(|(k, _)| k != ".zmetadata");
        }
        files
    })
    .collect();
    let _ = std::fs::remove_dir_all(&dir);
    stores
});

fn write_store(path: &Path, format: ZarrFormat, compressor: Compressor) {
    let mut w = StoreWriter::create(path, format, WriteMode::Overwrite).expect("create");
    w.add_array(
        ArraySpec::new("time", DType::I64, &[("time", 5)])
            .with_attr("units", "hours since 2019-01-01 00:00:00")
            .with_attr("calendar", "proleptic_gregorian"),
    )
    .expect("time");
    w.add_array(ArraySpec::new("latitude", DType::F32, &[("latitude", 3)]).with_attr("units", "degrees_north"))
        .expect("latitude");
    w.add_array(
        ArraySpec::new("t", DType::F32, &[("time", 5), ("latitude", 3)])
            .with_chunks(&[2, 2])
            .with_compressor(compressor)
            .with_attr("units", "K"),
    )
    .expect("t");
    w.add_array(
        ArraySpec::new("p", DType::I16, &[("time", 5), ("latitude", 3)])
            .with_chunks(&[4, 3])
            .with_compressor(compressor)
            .with_fill_value(-32767.0)
            .with_attr("scale_factor", 0.01)
            .with_attr("add_offset", 300.0),
    )
    .expect("p");
    w.write_array("time", &[0_i64, 1, 2, 3, 4]).expect("time values");
    w.write_array("latitude", &[25.0_f32, 24.0, 23.0]).expect("latitude values");
    for ct in 0..3u64 {
        for cy in 0..2u64 {
            let chunk: Vec<f32> = (0..4).map(|i| 280.0 + (ct * 10 + cy * 4 + i) as f32).collect();
            w.write_chunk("t", &[ct, cy], &chunk).expect("t chunk");
        }
    }
    for ct in 0..2u64 {
        let chunk: Vec<i16> = (0..12).map(|i| i * 100 - 600 + ct as i16).collect();
        w.write_chunk("p", &[ct, 0], &chunk).expect("p chunk");
    }
    w.finish().expect("finish");
}

fn read_files(root: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let key = path.strip_prefix(root).expect("prefix").to_string_lossy().replace('\\', "/");
                out.push((key, std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Applies the input's edit to one of the stores, opens it and computes every variable.
pub fn run(data: &[u8]) {
    let [variant, file, op, hi, lo, payload @ ..] = data else { return };
    let stores = &*STORES;
    let mut files = stores[*variant as usize % stores.len()].clone();
    let which = *file as usize % files.len();
    let offset = usize::from(u16::from_be_bytes([*hi, *lo]));
    let bytes = &mut files[which].1;
    let at = offset.min(bytes.len());
    match op % 5 {
        0 => *bytes = payload.to_vec(),
        1 => {
            let end = (at + payload.len()).min(bytes.len());
            bytes[at..end].copy_from_slice(&payload[..end - at]);
        }
        2 => {
            bytes.splice(at..at, payload.iter().copied());
        }
        3 => bytes.truncate(at),
        _ => {
            files.remove(which);
        }
    }
    let mem = Arc::new(MemoryStore::new());
    for (key, bytes) in files {
        let key = StoreKey::new(key).expect("valid key");
        mem.set(&key, bytes.into()).expect("memory store");
    }
    let handle = StoreHandle::from_storage("fuzz.zarr", mem.clone(), Some(mem));
    let Ok(ds) = open_zarr_in(&handle, &OpenOptions::default()) else { return };
    let names: Vec<String> = ds.data_vars().iter().map(|s| s.to_string()).chain(["time".into()]).collect();
    for name in names {
        if let Ok(da) = ds.get(&name) {
            let _ = da.to_vec_f64();
        }
    }
}
