//! Grades exercise 2: the 850 hPa June mean, computed here and summarized to 0.01 K.

use part1::data;
use part1::ex02_june_mean::june_mean_850;

#[test]
fn ex02_june_mean() {
    let mean = june_mean_850(&data::store(2019)).expect("june_mean_850 returned an error");
    let computed = mean.compute().expect("the mean cannot be computed");
    let v = computed.to_vec_f64().expect("the mean is not numeric");
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let avg = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
    insta::assert_snapshot!(format!(
        "dims {:?}\nshape {:?}\nfinite values {} of {}\nmin {min:.2} K\nmax {max:.2} K\nmean {avg:.2} K\nfirst (north-west corner) {:.2} K",
        computed.dims(),
        computed.shape(),
        finite.len(),
        v.len(),
        v.first().copied().unwrap_or(f64::NAN),
    ));
}
