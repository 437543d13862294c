//! Grades exercise 1: the summary of the 2019 store.

use part1::data;
use part1::ex01_describe_store::describe;

#[test]
fn ex01_describe_store() {
    let summary = describe(&data::store(2019)).expect("describe returned an error");
    insta::assert_debug_snapshot!(summary);
}
