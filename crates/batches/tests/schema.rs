//! Window counts and patch coordinates computed by hand, and xbatcher's refusals.

use cumulus_batches::BatchError;
use cumulus_batches::schema::{BatchSchema, gen_slices};

fn sizes(v: &[(&str, usize)]) -> Vec<(String, usize)> {
    v.iter().map(|(d, n)| (d.to_string(), *n)).collect()
}

#[test]
fn slices_without_and_with_overlap() {
    assert_eq!(gen_slices("x", 10, 4, 0).unwrap(), vec![0..4, 4..8]); // 8..12 does not fit
    assert_eq!(gen_slices("x", 10, 4, 2).unwrap(), vec![0..4, 2..6, 4..8, 6..10]);
    assert_eq!(gen_slices("x", 10, 5, 0).unwrap(), vec![0..5, 5..10]);
    assert_eq!(gen_slices("x", 16, 16, 0).unwrap(), vec![0..16]);
    assert_eq!(gen_slices("x", 10, 3, 2).unwrap().len(), 8); // stride 1: starts 0..=7
    // The workshop's grid: 121 latitudes and 161 longitudes, 16 wide, overlap 4 (stride 12).
    let lat = gen_slices("latitude", 121, 16, 4).unwrap();
    assert_eq!(lat.len(), 9);
    assert_eq!((lat[0].clone(), lat[8].clone()), (0..16, 96..112));
    let lon = gen_slices("longitude", 161, 16, 4).unwrap();
    assert_eq!(lon.len(), 13);
    assert_eq!(lon[12], 144..160);
}

#[test]
fn overlap_not_smaller_than_the_patch_is_refused() {
    for overlap in [4, 5] {
        match gen_slices("latitude", 10, 4, overlap) {
            Err(BatchError::OverlapTooLarge { dim, input: 4, overlap: o }) => {
                assert_eq!(dim, "latitude");
                assert_eq!(o, overlap);
            }
            other => panic!("expected OverlapTooLarge, got {other:?}"),
        }
    }
    let s = sizes(&[("lat", 10)]);
    assert!(matches!(
        BatchSchema::new(&s, &[("lat", 3)], &[("lat", 3)], &[], false),
        Err(BatchError::OverlapTooLarge { .. })
    ));
    // A patch of 0 is an overlap of 0 >= 0 too, as in xbatcher.
    assert!(matches!(BatchSchema::new(&s, &[("lat", 0)], &[], &[], false), Err(BatchError::OverlapTooLarge { .. })));
}

#[test]
fn patch_longer_than_its_dimension_is_refused_as_xbatcher_does() {
    let s = sizes(&[("time", 5), ("lat", 10)]);
    let e = BatchSchema::new(&s, &[("lat", 11)], &[], &[], false).unwrap_err();
    assert!(matches!(e, BatchError::InputTooLarge { ref dim, input: 11, size: 10 } if dim == "lat"), "{e}");
    // batch_dims longer than the dimension: the same error (xbatcher slices batch dims alike).
    let e = BatchSchema::new(&s, &[("lat", 2)], &[], &[("time", 6)], false).unwrap_err();
    assert!(matches!(e, BatchError::InputTooLarge { input: 6, size: 5, .. }), "{e}");
    let e = BatchSchema::new(&s, &[("level", 2)], &[], &[], false).unwrap_err();
    assert!(e.to_string().contains("\"level\"") && e.to_string().contains("input_dims"), "{e}");
}

#[test]
fn workshop_configuration_gives_10647_batches() {
    let s = sizes(&[("time", 2928), ("latitude", 121), ("longitude", 161)]);
    let schema = BatchSchema::new(
        &s,
        &[("latitude", 16), ("longitude", 16)],
        &[("latitude", 4), ("longitude", 4)],
        &[("time", 32)],
        false,
    )
    .unwrap();
    assert_eq!(schema.len(), 91 * 9 * 13);
    assert_eq!(schema.len(), 10647);
    let p = |i: usize| schema.selectors[i][0].iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
    // time varies slowest, then latitude, then longitude.
    assert_eq!(p(0), vec![0..32, 0..16, 0..16]);
    assert_eq!(p(1), vec![0..32, 0..16, 12..28]);
    assert_eq!(p(13), vec![0..32, 12..28, 0..16]);
    assert_eq!(p(117), vec![32..64, 0..16, 0..16]);
    assert_eq!(p(10646), vec![2880..2912, 96..112, 144..160]);
    assert_eq!(schema.selectors[0][0][0].0, "time");
}

#[test]
fn concat_groups_patches_by_batch_dims() {
    let s = sizes(&[("time", 100), ("lat", 30)]);
    let schema = BatchSchema::new(&s, &[("lat", 10)], &[], &[("time", 32)], true).unwrap();
    assert_eq!(schema.len(), 3); // 3 time batches, each with the 3 lat patches
    assert!(schema.selectors.iter().all(|b| b.len() == 3));
    assert_eq!(schema.selectors[2][1], vec![("time".to_string(), 64..96), ("lat".to_string(), 10..20)]);
    // Without batch_dims every patch lands in one batch.
    let one = BatchSchema::new(&s, &[("lat", 10)], &[("lat", 5)], &[], true).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one.selectors[0].len(), 5);
}

#[test]
fn dimension_in_both_input_and_batch_dims() {
    // time 24, patches of 6 overlapping by 2 (stride 4): starts 0, 4, 8, 12, 16 (5 patches);
    // batches of 12 hold ceil(12 / 4) = 3 patches; 24 // 12 = 2 batches: [0, 1, 2] and [3, 4].
    let s = sizes(&[("time", 24), ("lat", 8)]);
    let schema = BatchSchema::new(&s, &[("time", 6), ("lat", 8)], &[("time", 2)], &[("time", 12)], true).unwrap();
    assert_eq!(schema.len(), 2);
    let starts = |b: usize| schema.selectors[b].iter().map(|p| p[0].1.start).collect::<Vec<_>>();
    assert_eq!(starts(0), vec![0, 4, 8]);
    assert_eq!(starts(1), vec![12, 16]);
    // Without concat the duplicate batch dimension has no effect: one patch per batch.
    let plain = BatchSchema::new(&s, &[("time", 6), ("lat", 8)], &[("time", 2)], &[("time", 12)], false).unwrap();
    assert_eq!(plain.len(), 5);
}
