//! Grades exercise 4: the correlation map's shape, mean and largest value, to 0.001.

use cumulus::prelude::*;
use part3::data;
use part3::ex04_correlation_map::cape_rain_correlation;

#[test]
fn ex04_correlation_map() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let r = cape_rain_correlation(&ds)
        .expect("cape_rain_correlation returned an error")
        .compute()
        .expect("cannot be computed");
    let values = r.to_vec_f64().expect("not numeric");
    let lat = r.coord("latitude").and_then(|l| l.to_vec_f64()).expect("no latitude");
    let lon = r.coord("longitude").and_then(|l| l.to_vec_f64()).expect("no longitude");
    let (k, best) =
        values.iter().copied().enumerate().fold((0, f64::NEG_INFINITY), |a, (i, v)| if v > a.1 { (i, v) } else { a });
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    insta::assert_snapshot!(format!(
        "dims {:?}\nshape {:?}\nmean r {mean:.3}\nlargest r {best:.3} at {}N {}E",
        r.dims(),
        r.shape(),
        lat[k / lon.len()],
        lon[k % lon.len()],
    ));
}
