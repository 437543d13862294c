//! Grades exercise 2: the number of batches and the corners of the first and the last.

use cumulus::prelude::*;
use part3::data;
use part3::ex02_patches::patch_generator;

fn corners(b: &Dataset) -> String {
    let lat = b.get("latitude").and_then(|l| l.to_vec_f64()).expect("no latitude");
    let lon = b.get("longitude").and_then(|l| l.to_vec_f64()).expect("no longitude");
    let sizes: Vec<String> = b.sizes().iter().map(|(d, n)| format!("{d}={n}")).collect();
    format!("latitude {}..{} longitude {}..{} ({})", lat[0], lat[lat.len() - 1], lon[0], lon[lon.len() - 1], {
        let mut s = sizes;
        s.sort();
        s.join(" ")
    })
}

#[test]
fn ex02_patches() {
    let ds = open_zarr(data::store(2019)).expect("the class data cannot be opened");
    let bgen = patch_generator(&ds).expect("patch_generator returned an error");
    let n = bgen.len();
    let first = bgen.get(0).expect("no first batch");
    let last = bgen.get(-1).expect("no last batch");
    insta::assert_snapshot!(format!(
        "batches {n}\nvariables {:?}\nfirst {}\nlast {}",
        first.data_vars(),
        corners(&first),
        corners(&last)
    ));
}
