//! Grades exercise 5: the plain and the area-weighted mean, to 0.001 K.

use cumulus::prelude::*;
use part2::data;
use part2::ex05_weighted_mean::plain_and_weighted;

#[test]
fn ex05_weighted_mean() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let (plain, weighted) = plain_and_weighted(&ds).expect("plain_and_weighted returned an error");
    insta::assert_snapshot!(format!(
        "plain mean    {plain:.3} K\nweighted mean {weighted:.3} K\nweighted - plain {:.3} K",
        weighted - plain
    ));
}
