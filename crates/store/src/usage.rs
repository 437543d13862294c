//! How much room a store takes on disk.

use std::path::Path;

use crate::error::StoreError;

/// Total size in bytes of the files under `path` (a store, a variable folder or one file).
///
/// # Errors
/// [`StoreError::Io`] naming the path that could not be read.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a"), b"12345")?;
/// std::fs::create_dir(dir.path().join("sub"))?;
/// std::fs::write(dir.path().join("sub/b"), b"678")?;
/// assert_eq!(cumulus_store::disk_usage(dir.path())?, 8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn disk_usage(path: &Path) -> Result<u64, StoreError> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::io("read", path, e))?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(|e| StoreError::io("list", path, e))? {
        let entry = entry.map_err(|e| StoreError::io("list", path, e))?;
        total += disk_usage(&entry.path())?;
    }
    Ok(total)
}
