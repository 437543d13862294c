//! Grades exercise 4: the anomaly averages to zero in every month; a few values to 0.001 K.

use cumulus::prelude::*;
use part2::data;
use part2::ex04_anomaly::t850_anomaly;

#[test]
fn ex04_anomaly() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let anomaly = t850_anomaly(&ds).expect("t850_anomaly returned an error").compute().expect("cannot be computed");
    let by_month = anomaly.groupby("time.month").and_then(|g| g.mean()).expect("groupby failed");
    let worst = by_month.abs().max(Dims::All).and_then(|m| m.item()).expect("not numeric");
    let at = |t: &str, lat: f64, lon: f64| {
        anomaly
            .sel([("time", Selector::from(t)), ("latitude", nearest(lat)), ("longitude", nearest(lon))])
            .and_then(|v| v.item())
            .expect("a value of the anomaly")
    };
    let std = anomaly.std(Dims::All).and_then(|s| s.item()).expect("std failed");
    insta::assert_snapshot!(format!(
        "dims {:?}\nshape {:?}\nmonths average to zero (within 1e-4 K): {}\nstd {std:.3} K\n\
         2019-06-29T00 24N 120E {:.3} K\n2020-07-01T12 24N 120E {:.3} K\n2021-07-02T23 40N 140E {:.3} K",
        anomaly.dims(),
        anomaly.shape(),
        worst < 1e-4,
        at("2019-06-29T00", 24.0, 120.0),
        at("2020-07-01T12", 24.0, 120.0),
        at("2021-07-02T23", 40.0, 140.0),
    ));
}
