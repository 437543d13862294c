//! Grades exercise 5: the lazy area mean's task count, then its first values to 0.01 K.

use part1::data;
use part1::ex05_lazy_vs_eager::area_mean;

#[test]
fn ex05_lazy_vs_eager() {
    let r = area_mean(&data::stores()).expect("area_mean returned an error");
    let first: Vec<String> = r.first_values.iter().map(|v| format!("{v:.2}")).collect();
    insta::assert_snapshot!(format!("tasks {}\nhourly values {}\nfirst three {} K", r.tasks, r.len, first.join(", ")));
}
