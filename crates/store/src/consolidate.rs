//! Group metadata and consolidated metadata, written last.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::StoreError;
use crate::spec::ZarrFormat;
use crate::writer::write_json;

/// Writes the root group's metadata, then the consolidated metadata built from the metadata
/// files as they are on disk (so it can never disagree with them).
pub(crate) fn write_group_and_consolidate(
    root: &Path,
    store: &Path,
    format: ZarrFormat,
    attrs: &Map<String, Value>,
    arrays: &[&str],
) -> Result<(), StoreError> {
    match format {
        ZarrFormat::V2 => {
            write_json(&root.join(".zgroup"), &json!({"zarr_format": 2}))?;
            write_json(&root.join(".zattrs"), &Value::Object(attrs.clone()))?;
            let mut metadata = Map::new();
            for key in [".zattrs", ".zgroup"] {
                metadata.insert(key.into(), read_json(root, store, key)?);
            }
            for name in arrays {
                for file in [".zarray", ".zattrs"] {
                    let key = format!("{name}/{file}");
                    metadata.insert(key.clone(), read_json(root, store, &key)?);
                }
            }
            let consolidated = json!({"metadata": metadata, "zarr_consolidated_format": 1});
            write_json(&root.join(".zmetadata"), &consolidated)
        }
        ZarrFormat::V3 => {
            let mut metadata = Map::new();
            for name in arrays {
                metadata.insert((*name).to_owned(), read_json(root, store, &format!("{name}/zarr.json"))?);
            }
            let group = json!({
                "zarr_format": 3,
                "node_type": "group",
                "attributes": attrs,
                "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": metadata},
            });
            write_json(&root.join("zarr.json"), &group)
        }
    }
}

fn read_json(root: &Path, store: &Path, key: &str) -> Result<Value, StoreError> {
    let path = root.join(key);
    let text = std::fs::read_to_string(&path).map_err(|e| StoreError::io("read", &path, e))?;
    serde_json::from_str(&text).map_err(|source| StoreError::Json {
        store: store.to_owned(),
        file: key.to_owned(),
        source,
    })
}
