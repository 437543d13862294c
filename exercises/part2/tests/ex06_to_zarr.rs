//! Grades exercise 6: the store is complete, reads back equal, and is compressed with zstd.

use cumulus::prelude::*;
use cumulus::store::disk_usage;
use part2::data;
use part2::ex06_to_zarr::write_zstd;

#[test]
fn ex06_to_zarr() {
    let ds = open_zarr(data::store(2019))
        .expect("the class data cannot be opened")
        .select_vars(&["temperature", "total_precipitation"])
        .expect("the class data has no temperature or total_precipitation");
    let dir = std::env::temp_dir().join(format!("cumulus-ex06-{}", std::process::id()));
    let path = dir.join("written.zarr");
    std::fs::create_dir_all(&path).expect("cannot make a temporary folder");
    std::fs::write(path.join("left-over"), "an old file that mode `w` must remove").expect("cannot write");
    let size = write_zstd(&ds, &path).expect("write_zstd returned an error");
    let on_disk = disk_usage(&path).expect("the store cannot be measured");
    let back = open_zarr(&path).expect("the store cannot be opened again");
    let mut lines = vec![
        format!("reported size is the size on disk: {}", size == on_disk),
        format!("old files removed: {}", !path.join("left-over").exists()),
        format!("variables {:?}", back.data_vars()),
    ];
    for name in ["temperature", "total_precipitation"] {
        let a = ds.get(name).and_then(|v| v.to_vec_f64()).expect("the original cannot be read");
        let b = back.get(name).and_then(|v| v.to_vec_f64()).expect("the copy cannot be read");
        let codec = std::fs::read_to_string(path.join(name).join(".zarray")).unwrap_or_default();
        let zstd = codec.contains("\"cname\": \"zstd\"") || codec.contains("\"cname\":\"zstd\"");
        lines.push(format!("{name}: same values {}, blosc zstd {zstd}", a == b));
    }
    lines.push(format!("compression ratio {:.2}", ds.nbytes() as f64 / on_disk as f64));
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(lines.join("\n"));
}
