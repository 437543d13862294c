//! Grades exercise 1: the label's type and dimensions, and how many hours are convective.

use cumulus::prelude::*;
use part3::data;
use part3::ex01_label::convection_label;

#[test]
fn ex01_label() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let label = convection_label(&ds).expect("convection_label returned an error");
    let values = label.to_vec_f64().expect("the label cannot be computed");
    let positive = values.iter().filter(|v| **v == 1.0).count();
    let other = values.iter().filter(|v| **v != 0.0 && **v != 1.0).count();
    insta::assert_snapshot!(format!(
        "dtype {}\ndims {:?}\nshape {:?}\nconvective {positive} of {}\nfraction {:.4}\nneither 0 nor 1: {other}",
        label.data().dtype(),
        label.dims(),
        label.shape(),
        values.len(),
        positive as f64 / values.len() as f64,
    ));
}
