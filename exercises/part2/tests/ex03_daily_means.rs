//! Grades exercise 3: daily means, counting the empty bins between the summers, then the days
//! with data to 0.01 K.

use cumulus::labeled::How;
use cumulus::prelude::*;
use part2::data;
use part2::ex03_daily_means::daily_t850;

#[test]
fn ex03_daily_means() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let daily = daily_t850(&ds).expect("daily_t850 returned an error").compute().expect("cannot be computed");
    let index = daily.index("time").expect("no time index").clone();
    let days = daily.dropna("time", How::Any).expect("dropna failed");
    let days_index = days.index("time").expect("no time index").clone();
    let values = days.to_vec_f64().expect("not numeric");
    let mut lines = vec![
        format!("dims {:?}", daily.dims()),
        format!("bins {}", index.len()),
        format!("first bin {}", index.label_string(0)),
        format!("days with data {}", values.len()),
    ];
    for (k, v) in values.iter().enumerate() {
        lines.push(format!("{} {v:.2} K", days_index.label_string(k)));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
