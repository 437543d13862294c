//! Grades exercise 2: July over Taiwan, summarized by its sizes, coordinates and mean.

use cumulus::prelude::*;
use part2::data;
use part2::ex02_taiwan_july::taiwan_july;

#[test]
fn ex02_taiwan_july() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let july = taiwan_july(&ds).expect("taiwan_july returned an error");
    let index = july.get("time").and_then(|t| t.index("time").cloned()).expect("no time index");
    let n = index.len();
    let t850 = july.get("temperature").and_then(|t| t.sel([("level", 850.into())])).expect("no temperature at 850 hPa");
    let mean = t850.mean(Dims::All).and_then(|m| m.item()).expect("the mean cannot be computed");
    let mut sizes: Vec<String> = july.sizes().iter().map(|(d, n)| format!("{d}={n}")).collect();
    sizes.sort();
    insta::assert_snapshot!(format!(
        "sizes {}\nlatitude {:?}\nlongitude {:?}\nfirst time {}\nlast time {}\nt850 mean {mean:.3} K",
        sizes.join(" "),
        july.get("latitude").and_then(|l| l.to_vec_f64()).expect("no latitude"),
        july.get("longitude").and_then(|l| l.to_vec_f64()).expect("no longitude"),
        index.label_string(0),
        index.label_string(n.saturating_sub(1)),
    ));
}
