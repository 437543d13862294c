//! The `cumulus` command as a user runs it.

use std::process::Command;

fn cumulus(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cumulus")).args(args).output().expect("cumulus runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_generates_missing_data_then_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let (ok, out, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--quiet"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("generating the tiny data"), "{out}");
    assert!(out.contains("era5_2021_10N40N_100E140E.zarr"), "{out}");
    assert!(out.contains("temperature"), "{out}");
    let (ok, out, err) = cumulus(&["demo", "--preset", "tiny", "--data", data, "--quiet"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("using the tiny stores already in"), "{out}");
    // Part 1: the lazy dataset and the T850 June mean at 25N 121E.
    assert!(out.contains("Dimensions:") && out.contains("time: 288"), "{out}");
    let line = out.lines().find(|l| l.starts_with("T850 mean of 2019-06 nearest 25N 121E:")).expect("T850 line");
    let kelvin: f64 = line.rsplit(':').next().unwrap().trim().trim_end_matches(" K").parse().unwrap();
    // The generator's 850 hPa temperature at 24N in late June is about 288 K (model.rs).
    assert!((280.0..300.0).contains(&kelvin), "{line}");
}

#[test]
fn gen_reports_bad_input_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("o");
    let (ok, _, err) = cumulus(&["gen", "--preset", "tiny", "--out", out_dir.to_str().unwrap(), "--vars", "ozone"]);
    assert!(!ok);
    assert!(err.contains("unknown variable \"ozone\""), "{err}");
    assert!(!out_dir.exists());
}
