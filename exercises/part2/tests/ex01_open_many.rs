//! Grades exercise 1: the three yearly stores as one dataset.

use part2::data;
use part2::ex01_open_many::open_years;

#[test]
fn ex01_open_many() {
    let ds = open_years(&data::stores()).expect("open_years returned an error");
    let time = ds.get("time").expect("no time coordinate");
    let index = time.index("time").expect("time is not indexed");
    let n = index.len();
    let mut sizes: Vec<String> = ds.sizes().iter().map(|(d, n)| format!("{d}={n}")).collect();
    sizes.sort();
    let t = ds.get("temperature").expect("no temperature");
    insta::assert_snapshot!(format!(
        "sizes {}\ntime steps {n}\nfirst time {}\nlast time {}\ntemperature dims {:?}\ntemperature chunks {}",
        sizes.join(" "),
        index.label_string(0),
        index.label_string(n - 1),
        t.dims(),
        t.data().chunks(),
    ));
}
