//! Grades exercise 3: the three scores of the CAPE rule, to 0.0001.

use cumulus::chunked::{BinaryOp, DType};
use cumulus::prelude::*;
use part3::data;
use part3::ex03_contingency::cape_rule_scores;

#[test]
fn ex03_contingency() {
    let ds = open_mfdataset(&data::stores()).expect("the class data cannot be opened");
    let label =
        ds.get("total_precipitation").expect("no precipitation").scalar_op(BinaryOp::Gt, 5.0).astype(DType::F32);
    let (csi, pod, far) = cape_rule_scores(&ds, &label).expect("cape_rule_scores returned an error");
    insta::assert_snapshot!(format!("CSI {csi:.4}\nPOD {pod:.4}\nFAR {far:.4}"));
}
