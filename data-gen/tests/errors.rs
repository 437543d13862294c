//! Bad input gets a clear error and leaves no files behind.

mod common;

use common::{files, small};
use cumulus_data_gen::{GenArgs, GenError, Preset, generate};
use indicatif::ProgressBar;

fn args(out: &std::path::Path) -> GenArgs {
    GenArgs { quiet: true, ..GenArgs::for_preset(Preset::Tiny, out) }
}

fn assert_err_nothing_written(a: GenArgs, expect: &str) {
    let out = a.out.clone();
    let err = a.run().expect_err("bad input must fail");
    let msg = err.to_string();
    assert!(msg.contains(expect), "message {msg:?} should mention {expect:?}");
    assert!(!out.exists(), "{} was created for bad input", out.display());
}

#[test]
fn unknown_preset_variable_and_compressor() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    assert_err_nothing_written(GenArgs { preset: "huge".into(), ..args(&out) }, "unknown preset \"huge\"");
    assert_err_nothing_written(
        GenArgs { vars: Some(vec!["temperature".into(), "ozone".into()]), ..args(&out) },
        "unknown variable \"ozone\"; known variables: temperature,",
    );
    assert_err_nothing_written(GenArgs { compressor: Some("brotli".into()), ..args(&out) }, "unknown compressor");
    assert_err_nothing_written(GenArgs { clevel: Some(12), ..args(&out) }, "level 12 is out of range");
    assert_err_nothing_written(GenArgs { zarr_format: Some(4), ..args(&out) }, "expected 2 or 3");
}

#[test]
fn dates_grid_and_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    assert_err_nothing_written(
        GenArgs { first: Some("07-10".into()), last: Some("07-01".into()), ..args(&out) },
        "the last day 07-01 comes before the first day 07-10",
    );
    assert_err_nothing_written(GenArgs { first: Some("06-31".into()), ..args(&out) }, "invalid date \"06-31\"");
    assert_err_nothing_written(
        GenArgs { years: Some(vec![2019]), first: Some("02-29".into()), days: Some(2), ..args(&out) },
        "02-29",
    );
    assert_err_nothing_written(GenArgs { step: Some(0.7), ..args(&out) }, "grid step 0.7");
    assert_err_nothing_written(GenArgs { chunks: Some("time=0".into()), ..args(&out) }, "at least 1");
    assert_err_nothing_written(GenArgs { chunks: Some("time=-4".into()), ..args(&out) }, "at least 1");
    assert_err_nothing_written(
        GenArgs { chunks: Some("height=4".into()), ..args(&out) },
        "unknown dimension \"height\"",
    );
    assert_err_nothing_written(GenArgs { days: Some(0), ..args(&out) }, "--days");
    assert_err_nothing_written(GenArgs { threads: Some(0), ..args(&out) }, "--threads");
}

#[test]
fn an_existing_store_needs_overwrite_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = small(&dir.path().join("o"), 1);
    generate(&cfg, &ProgressBar::hidden()).unwrap();
    let store = cfg.store_path(2019);
    let before: Vec<_> = files(&store).into_iter().map(|f| (std::fs::read(store.join(&f)).unwrap(), f)).collect();
    let mut again = cfg.clone();
    again.seed += 1;
    match generate(&again, &ProgressBar::hidden()) {
        Err(GenError::StoresExist { paths }) => assert_eq!(paths, vec![store.clone()]),
        other => panic!("expected StoresExist, got {other:?}"),
    }
    let after: Vec<_> = files(&store).into_iter().map(|f| (std::fs::read(store.join(&f)).unwrap(), f)).collect();
    assert_eq!(before, after);
    // With overwrite, the store is replaced and nothing temporary is left beside it.
    again.overwrite = true;
    generate(&again, &ProgressBar::hidden()).unwrap();
    let t_after: Vec<u8> = std::fs::read(store.join("temperature/0.0.0.0")).unwrap();
    assert_ne!(before.iter().find(|(_, f)| f.ends_with("temperature/0.0.0.0")).unwrap().0, t_after);
    let mut left: Vec<String> =
        std::fs::read_dir(&cfg.out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, vec!["era5_2019_10N40N_100E140E.zarr", "manifest.json"]);
}

#[test]
fn an_unwritable_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = args(&file.join("data")).run().expect_err("cannot create a folder under a file");
    assert!(err.to_string().contains("cannot write to the output folder"), "{err}");
    assert!(err.to_string().contains("a-file/data"), "{err}");
    let err = args(&file).run().expect_err("the output is a file");
    assert!(err.to_string().contains("it is a file, not a folder"), "{err}");
}

#[test]
#[cfg(not(feature = "netcdf"))]
fn netcdf_without_the_feature_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    assert_err_nothing_written(GenArgs { netcdf: true, ..args(&out) }, "build with `--features netcdf`");
}

#[test]
#[cfg(feature = "netcdf")]
fn netcdf_files_are_written_beside_the_stores_and_count_as_existing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let a = GenArgs { netcdf: true, years: Some(vec![2019]), days: Some(1), ..args(&out) };
    let report = a.run().unwrap();
    let nc = report.stores[0].netcdf.clone().expect("a NetCDF file");
    assert!(nc.exists() && nc.extension().is_some_and(|e| e == "nc"));
    // The NetCDF file alone blocks a second run without --overwrite.
    std::fs::remove_dir_all(&report.stores[0].path).unwrap();
    let err = GenArgs { netcdf: true, years: Some(vec![2019]), days: Some(1), ..args(&out) }.run().unwrap_err();
    assert!(err.to_string().contains(".nc"), "{err}");
}
