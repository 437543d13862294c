//! The class data for the exercises: the `tiny` preset, generated on first use. Every part's
//! exercise crate re-exports this as its `data` module.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cumulus::data_gen::GenArgs;
use cumulus::prelude::*;

/// The folder holding the `tiny` stores (`era5_2019_10N40N_100E140E.zarr`, 2020, 2021),
/// generated there the first time it is asked for: `exercises/data/tiny`, or the folder named
/// by the `CUMULUS_EXERCISE_DATA` environment variable.
///
/// Generation is deterministic and takes about a second. It writes into a temporary folder
/// and renames it into place, so a test run that is interrupted never leaves half a data set.
///
/// # Panics
/// If the data cannot be generated (an unwritable folder): nothing can be graded without it.
pub fn tiny() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var_os("CUMULUS_EXERCISE_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/tiny"));
        if let Err(e) = ensure(&dir) {
            panic!("cannot generate the class data in {}: {e}", dir.display());
        }
        dir
    })
}

/// The `tiny` store of one year.
pub fn store(year: i32) -> PathBuf {
    tiny().join(store_name(year))
}

/// All three `tiny` stores, 2019–2021.
pub fn stores() -> Vec<PathBuf> {
    [2019, 2020, 2021].into_iter().map(store).collect()
}

fn ensure(dir: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let cfg = GenConfig::preset(Preset::Tiny, dir);
    if cfg.years.iter().all(|&y| cfg.store_path(y).exists()) {
        return Ok(());
    }
    let tmp = dir.with_file_name(format!(
        "{}.generating-{}",
        dir.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    let args = GenArgs { quiet: true, overwrite: true, ..GenArgs::for_preset(Preset::Tiny, &tmp) };
    args.run()?;
    if dir.exists() {
        // Another process finished first, or an old partial folder: keep a complete one.
        let complete = cfg.years.iter().all(|&y| dir.join(store_name(y)).exists());
        if complete {
            std::fs::remove_dir_all(&tmp)?;
            return Ok(());
        }
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::rename(&tmp, dir)?;
    Ok(())
}
