//! Properties of the metrics (on random data from seeded generators) and the errors of bad
//! input.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{DataArray, Dims, Variable};
use cumulus_skill::{
    BinaryTable, Contingency, MetricOptions, SkillError, flat, mae, pearson_r, rmse, roc_auc_flat, roc_curve,
};
use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;

/// splitmix64: a small seeded generator for the statistical tests.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn grid(name: &str, values: Vec<f64>, nt: usize, nx: usize, time0: i64) -> DataArray {
    let a = ArrayD::from_shape_vec(IxDyn(&[nt, nx]), values).unwrap();
    let var =
        Variable::new(&["time", "x"], ChunkedArray::from_array(a, &[nt.div_ceil(2).max(1), nx]).unwrap()).unwrap();
    DataArray::new(name, var)
        .with_coord("time", Variable::from_vec("time", (time0..time0 + nt as i64).collect::<Vec<_>>()))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rmse_is_at_least_mae_which_is_at_least_zero(
        a in prop::collection::vec(-1e3f64..1e3, 12),
        b in prop::collection::vec(-1e3f64..1e3, 12),
    ) {
        let (x, y) = (grid("a", a.clone(), 4, 3, 0), grid("b", b.clone(), 4, 3, 0));
        let o = MetricOptions::new();
        let r = rmse(&x, &y, "time", &o).unwrap().to_vec_f64().unwrap();
        let m = mae(&x, &y, "time", &o).unwrap().to_vec_f64().unwrap();
        for (r, m) in r.iter().zip(&m) {
            prop_assert!(*m >= 0.0);
            prop_assert!(*r >= *m - 1e-9 * r.abs().max(1.0));
        }
        prop_assert_eq!(rmse(&x, &x, Dims::All, &o).unwrap().item().unwrap(), 0.0);
        prop_assert!(flat::rmse(&a, &b).unwrap() >= flat::mae(&a, &b).unwrap() - 1e-9);
    }

    /// The unweighted metrics are one-pass pair reductions; weighted ones are composed of
    /// elementwise operations and sums. Weights of one must give the same values, with and
    /// without NaN, skipped or not, along either dimension.
    #[test]
    fn the_one_pass_metrics_equal_the_composed_ones_under_unit_weights(
        a in prop::collection::vec(-1e3f64..1e3, 24),
        b in prop::collection::vec(-1e3f64..1e3, 24),
        nan_a in prop::collection::vec(0usize..24, 0..4),
        nan_b in prop::collection::vec(0usize..24, 0..4),
        skipna in any::<bool>(),
    ) {
        let (mut a, mut b) = (a, b);
        for k in nan_a { a[k] = f64::NAN; }
        for k in nan_b { b[k] = f64::NAN; }
        let (x, y) = (grid("a", a, 6, 4, 0), grid("b", b, 6, 4, 0));
        for (dim, n) in [("time", 6usize), ("x", 4)] {
            let ones = DataArray::new("w", Variable::from_vec(dim, vec![1.0f64; n]));
            let plain = MetricOptions::new().skipna(skipna);
            let weighted = MetricOptions::new().skipna(skipna).weights(&ones);
            for (name, f) in cumulus_skill::deterministic::METRICS {
                let p = f(&x, &y, dim.into(), &plain).unwrap().to_vec_f64().unwrap();
                let w = f(&x, &y, dim.into(), &weighted).unwrap().to_vec_f64().unwrap();
                for (k, (p, w)) in p.iter().zip(&w).enumerate() {
                    let same = p == w || (p.is_nan() && w.is_nan()) || (p - w).abs() <= 1e-9 * w.abs().max(1.0);
                    prop_assert!(same, "{name} over {dim} at {k}: one pass {p}, composed {w}");
                }
            }
        }
    }

    #[test]
    fn pearson_of_an_increasing_linear_map_is_one(
        a in prop::collection::vec(-100f64..100.0, 10),
        slope in 0.01f64..50.0,
        offset in -100f64..100.0,
    ) {
        let x = grid("a", a.clone(), 5, 2, 0);
        let y = &(&x * slope) + offset;
        let r = pearson_r(&x, &y, "time", &MetricOptions::new()).unwrap().to_vec_f64().unwrap();
        for (j, r) in r.iter().enumerate() {
            // A (nearly) constant column has no correlation to speak of.
            let col: Vec<f64> = (0..5).map(|t| a[t * 2 + j]).collect();
            let spread = col.iter().cloned().fold(f64::MIN, f64::max) - col.iter().cloned().fold(f64::MAX, f64::min);
            if spread > 1e-6 {
                prop_assert!((r - 1.0).abs() < 1e-9, "r = {r}");
            }
        }
        let neg = &x * -slope;
        let rn = pearson_r(&x, &neg, Dims::All, &MetricOptions::new()).unwrap().item().unwrap();
        prop_assert!((rn + 1.0).abs() < 1e-9 || rn.is_nan());
    }

    #[test]
    fn auc_is_invariant_under_increasing_transforms(
        scores in prop::collection::vec(-5f64..5.0, 30),
        labels in prop::collection::vec(any::<bool>(), 30),
    ) {
        prop_assume!(labels.iter().any(|l| *l) && labels.iter().any(|l| !*l));
        let auc = roc_auc_flat(&labels, &scores).unwrap();
        let squashed: Vec<f64> = scores.iter().map(|s| 1.0 / (1.0 + (-s).exp())).collect();
        let cubed: Vec<f64> = scores.iter().map(|s| s * s * s + 7.0).collect();
        prop_assert_eq!(roc_auc_flat(&labels, &squashed).unwrap(), auc);
        prop_assert_eq!(roc_auc_flat(&labels, &cubed).unwrap(), auc);
        // The area of the ROC curve through every threshold is the Mann-Whitney statistic.
        prop_assert!((roc_curve(&labels, &scores).unwrap().area() - auc).abs() < 1e-12);
        // Reversing the scores mirrors the area.
        let reversed: Vec<f64> = scores.iter().map(|s| -s).collect();
        prop_assert!((roc_auc_flat(&labels, &reversed).unwrap() - (1.0 - auc)).abs() < 1e-12);
    }

    #[test]
    fn a_perfect_forecast_has_csi_one(obs in prop::collection::vec(0f64..10.0, 20)) {
        prop_assume!(obs.iter().any(|x| *x >= 5.0));
        let t = BinaryTable::from_threshold(&obs, &obs, 5.0).unwrap();
        prop_assert_eq!(t.threat_score(), 1.0);
        prop_assert_eq!(t.misses + t.false_alarms, 0);
        let x = grid("tp", obs.clone(), 10, 2, 0);
        let edges = [f64::NEG_INFINITY, 5.0, f64::INFINITY];
        let c = Contingency::new(&x, &x, &edges, &edges, Dims::All).unwrap();
        prop_assert_eq!(c.threat_score().unwrap().item().unwrap(), 1.0);
        prop_assert_eq!(c.accuracy().unwrap().item().unwrap(), 1.0);
    }
}

/// Under the null hypothesis (scores independent of the labels), the Mann–Whitney AUC has
/// mean 1/2 and standard deviation √((n₁ + n₀ + 1) / (12 n₁ n₀)); 5 of them bound it.
#[test]
fn auc_of_a_random_score_is_near_one_half() {
    let mut rng = SplitMix(42);
    let n = 4000;
    let labels: Vec<bool> = (0..n).map(|_| rng.uniform() < 0.3).collect();
    let scores: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let n1 = labels.iter().filter(|l| **l).count() as f64;
    let n0 = n as f64 - n1;
    let sd = ((n1 + n0 + 1.0) / (12.0 * n1 * n0)).sqrt();
    let auc = roc_auc_flat(&labels, &scores).unwrap();
    assert!((auc - 0.5).abs() < 5.0 * sd, "AUC {auc}, sd {sd}");
}

#[test]
fn constant_input_gives_nan_correlation() {
    // Column 0 of c is constant (4, 4, 4): Σ (c − c̄)² = 0 and r = 0 / 0 = NaN, as in
    // xskillscore; column 1 (1, 2, 3) correlates normally.
    let c = grid("c", vec![4.0, 1.0, 4.0, 2.0, 4.0, 3.0], 3, 2, 0);
    let y = grid("b", vec![2.0, 1.0, 4.0, 1.0, 7.0, 9.0], 3, 2, 0);
    let r = pearson_r(&c, &y, "time", &MetricOptions::new()).unwrap().to_vec_f64().unwrap();
    assert!(r[0].is_nan(), "{r:?}");
    assert!(r[1].is_finite(), "{r:?}");
}

#[test]
fn results_keep_the_other_dimensions_and_coordinates() {
    let x = grid("a", (0..12).map(f64::from).collect(), 4, 3, 10);
    let y = grid("b", (0..12).map(|v| f64::from(v) * 2.0).collect(), 4, 3, 10);
    let r = rmse(&x, &y, "x", &MetricOptions::new()).unwrap();
    assert_eq!(r.dims(), &["time"]);
    assert_eq!(r.name(), Some("rmse"));
    assert_eq!(r.coord("time").unwrap().to_vec_f64().unwrap(), vec![10.0, 11.0, 12.0, 13.0]);
}

#[test]
fn inputs_are_aligned_by_label() {
    // b's times are 12..16, a's 10..14: the common times are 12 and 13.
    let a = grid("a", (0..8).map(f64::from).collect(), 4, 2, 10);
    let b = grid("b", (0..8).map(f64::from).collect(), 4, 2, 12);
    let m = mae(&a, &b, Dims::All, &MetricOptions::new()).unwrap().item().unwrap();
    // a at 12, 13 is rows 2, 3 = [4, 5, 6, 7]; b at 12, 13 is rows 0, 1 = [0, 1, 2, 3].
    assert_eq!(m, 4.0);
    let far = grid("b", (0..8).map(f64::from).collect(), 4, 2, 100);
    match mae(&a, &far, "time", &MetricOptions::new()) {
        Err(SkillError::Align { dim, metric, .. }) => {
            assert_eq!(dim, "time");
            assert_eq!(metric, "mae");
        }
        other => panic!("expected an alignment error, got {other:?}"),
    }
}

#[test]
fn bad_arguments_are_errors_naming_them() {
    let a = grid("a", vec![1.0; 6], 3, 2, 0);
    let b = grid("b", vec![2.0; 6], 3, 2, 0);
    let o = MetricOptions::new();
    let e = rmse(&a, &b, "level", &o).unwrap_err();
    assert!(matches!(&e, SkillError::NoDim { dim, argument: "a", .. } if dim == "level"), "{e}");
    let e = rmse(&a, &b, Dims::Some(vec![]), &o).unwrap_err();
    assert!(matches!(e, SkillError::EmptyDims { metric: "rmse" }), "{e}");
    let neg = DataArray::new("w", Variable::from_vec("x", vec![1.0_f64, -1.0]));
    let e = rmse(&a, &b, "x", &MetricOptions::new().weights(&neg)).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    let short = DataArray::new("w", Variable::from_vec("x", vec![1.0_f64, 1.0, 1.0]));
    let e = rmse(&a, &b, "x", &MetricOptions::new().weights(&short)).unwrap_err();
    assert!(e.to_string().contains("\"x\""), "{e}");
    let along_time = DataArray::new("w", Variable::from_vec("time", vec![1.0_f64, 1.0, 1.0]));
    let e = rmse(&a, &b, "x", &MetricOptions::new().weights(&along_time)).unwrap_err();
    assert!(e.to_string().contains("not reduced"), "{e}");
    let e = Contingency::new(&a, &b, &[1.0, 0.0], &[0.0, 1.0], "time").unwrap_err();
    assert!(matches!(e, SkillError::Edges { argument: "observation_category_edges", .. }), "{e}");
    let c = Contingency::new(&a, &b, &[0.0, 1.0, 2.0, 3.0], &[0.0, 1.0, 3.0], "time").unwrap();
    assert!(matches!(c.hits(), Err(SkillError::NotDichotomous { n_observation: 3, .. })));
}

#[test]
fn weights_tilt_the_mean() {
    // Errors |a - b| of 1 at x = 0 and 3 at x = 1; weights 3 and 1: (3·1 + 1·3) / 4.
    let a = grid("a", vec![0.0, 0.0, 0.0, 0.0], 2, 2, 0);
    let b = grid("b", vec![1.0, 3.0, 1.0, 3.0], 2, 2, 0);
    let w = DataArray::new("w", Variable::from_vec("x", vec![3.0_f64, 1.0]));
    let m = mae(&a, &b, Dims::All, &MetricOptions::new().weights(&w)).unwrap().item().unwrap();
    assert_eq!(m, 1.5);
}
