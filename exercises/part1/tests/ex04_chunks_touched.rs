//! Grades exercise 4: chunks and bytes a selection reads.

use part1::data;
use part1::ex04_chunks_touched::chunks_touched;

#[test]
fn ex04_chunks_touched() {
    let report = chunks_touched(&data::store(2019)).expect("chunks_touched returned an error");
    insta::assert_debug_snapshot!(report);
}
