//! Zarr format 3 output opens with zarrs and carries dimension names and consolidated metadata.

mod common;

use common::{read_f32, small};
use cumulus_data_gen::generate;
use cumulus_store::{Compressor, ZarrFormat};
use indicatif::ProgressBar;

#[test]
fn v3_store_has_the_same_values_as_v2() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = small(&dir.path().join("v2"), 1);
    let mut v3 = small(&dir.path().join("v3"), 1);
    v3.format = ZarrFormat::V3;
    v3.compressor = Compressor::Gzip { level: 4 };
    generate(&v2, &ProgressBar::hidden()).unwrap();
    generate(&v3, &ProgressBar::hidden()).unwrap();
    let store = v3.store_path(2019);
    assert!(!store.join(".zmetadata").exists());
    let root: serde_json::Value = serde_json::from_slice(&std::fs::read(store.join("zarr.json")).unwrap()).unwrap();
    let t = &root["consolidated_metadata"]["metadata"]["temperature"];
    assert_eq!(t["dimension_names"], serde_json::json!(["time", "level", "latitude", "longitude"]));
    assert_eq!(t["attributes"]["units"], "K");
    assert_eq!(t["codecs"][1]["name"], "gzip");
    assert!(store.join("temperature/c/0/0/0/0").exists());
    assert_eq!(read_f32(&store, "temperature"), read_f32(&v2.store_path(2019), "temperature"));
    assert_eq!(read_f32(&store, "k_index"), read_f32(&v2.store_path(2019), "k_index"));
}
