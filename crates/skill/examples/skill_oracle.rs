//! Runs cumulus-skill's metrics on a small deterministic dataset and prints the results as
//! JSON (NaN and infinities as strings), for `.ci/interop/skill_oracle.py` to compare with xskillscore 0.0.29.
//!
//! The data (the Python script builds the same from the same formulas), dims
//! `(time: 48, y: 3, x: 4)` with coordinates `time = 0..48`, `y = [30, 20, 10]`,
//! `x = [100, 110, 120, 130]`:
//!
//! ```text
//! a[t, j, i] = 280 + 3 sin(2π t / 24 + j) + 0.5 i + 0.37 ((7 t + 3 j + 5 i) mod 11)
//! b[t, j, i] = a + 1.5 cos(2π t / 12 + i) − 0.2 j + 0.29 ((5 t + 2 j + 3 i) mod 7) − 0.8
//! NaN in a where (13 t + 5 j + 3 i) mod 37 == 0, in b where (11 t + 7 j + 2 i) mod 41 == 0
//! b[:, 2, 3] = 281 (a constant forecast: pearson_r is NaN there)
//! ```
//!
//! ```text
//! cargo run -p cumulus-skill --example skill_oracle > skill_oracle.json
//! python .ci/interop/skill_oracle.py skill_oracle.json
//! ```

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{DataArray, Dims, Variable};
use cumulus_skill::{Contingency, MetricOptions, SkillError, brier_score, roc_auc, spearman_r};
use ndarray::{ArrayD, IxDyn};
use serde_json::{Map, Value, json};

const NT: usize = 48;
const YS: [f64; 3] = [30.0, 20.0, 10.0];
const XS: [f64; 4] = [100.0, 110.0, 120.0, 130.0];

fn a_value(t: usize, j: usize, i: usize) -> f64 {
    let tau = 2.0 * std::f64::consts::PI;
    280.0
        + 3.0 * (tau * t as f64 / 24.0 + j as f64).sin()
        + 0.5 * i as f64
        + 0.37 * ((7 * t + 3 * j + 5 * i) % 11) as f64
}

fn b_value(t: usize, j: usize, i: usize) -> f64 {
    if j == 2 && i == 3 {
        return 281.0;
    }
    let tau = 2.0 * std::f64::consts::PI;
    a_value(t, j, i) + 1.5 * (tau * t as f64 / 12.0 + i as f64).cos() - 0.2 * j as f64
        + 0.29 * ((5 * t + 2 * j + 3 * i) % 7) as f64
        - 0.8
}

fn field(name: &str, time: &[f64], f: impl Fn(usize, usize, usize) -> f64) -> Result<DataArray, SkillError> {
    let a = ArrayD::from_shape_fn(IxDyn(&[NT, YS.len(), XS.len()]), |k| f(k[0], k[1], k[2]));
    // Chunked along time, so the lazy metrics run as per-chunk trees.
    let var = Variable::new(&["time", "y", "x"], ChunkedArray::from_array(a, &[10, 3, 2])?)?;
    Ok(DataArray::new(name, var)
        .with_coord("time", Variable::from_vec("time", time.to_vec()))?
        .with_coord("y", Variable::from_vec("y", YS.to_vec()))?
        .with_coord("x", Variable::from_vec("x", XS.to_vec()))?)
}

/// Dimensions, shape and values; JSON has no NaN or infinity, so those are the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"` (Python's `float()` reads them back).
fn dump(da: &DataArray) -> Result<Value, SkillError> {
    let values: Vec<Value> = da
        .to_vec_f64()?
        .into_iter()
        .map(|v| if v.is_finite() { json!(v) } else { json!(format!("{v:?}").replace("inf", "Infinity")) })
        .collect();
    Ok(json!({ "dims": da.dims(), "shape": da.shape(), "values": values }))
}

fn main() -> Result<(), SkillError> {
    let time: Vec<f64> = (0..NT).map(|t| t as f64).collect();
    let nan_a = |t: usize, j: usize, i: usize| (13 * t + 5 * j + 3 * i).is_multiple_of(37);
    let nan_b = |t: usize, j: usize, i: usize| (11 * t + 7 * j + 2 * i).is_multiple_of(41);
    let a = field("a", &time, |t, j, i| if nan_a(t, j, i) { f64::NAN } else { a_value(t, j, i) })?;
    let b = field("b", &time, |t, j, i| if nan_b(t, j, i) { f64::NAN } else { b_value(t, j, i) })?;
    let a_full = field("a", &time, a_value)?;
    let b_full = field("b", &time, b_value)?;
    // b on times shifted by 5: only times 5..48 are common (the inner join keeps 43).
    let shifted: Vec<f64> = (0..NT).map(|t| (t + 5) as f64).collect();
    let b_shift = field("b", &shifted, |t, j, i| b_value(t + 5, j, i))?;
    let w = DataArray::new("w", Variable::from_vec("y", YS.iter().map(|l| l.to_radians().cos()).collect::<Vec<_>>()))
        .with_coord("y", Variable::from_vec("y", YS.to_vec()))?;

    let mut out = Map::new();
    let metrics = cumulus_skill::deterministic::METRICS;
    let plain = MetricOptions::new();
    let skip = MetricOptions::new().skipna(true);
    for (name, f) in metrics {
        out.insert(format!("{name}_time"), dump(&f(&a, &b, "time".into(), &plain)?)?);
        out.insert(format!("{name}_time_skipna"), dump(&f(&a, &b, "time".into(), &skip)?)?);
        out.insert(format!("{name}_yx"), dump(&f(&a, &b, ["y", "x"].into(), &plain)?)?);
        out.insert(format!("{name}_yx_skipna"), dump(&f(&a, &b, ["y", "x"].into(), &skip)?)?);
        out.insert(format!("{name}_all_skipna"), dump(&f(&a, &b, Dims::All, &skip)?)?);
        let wopts = MetricOptions::new().skipna(true).weights(&w);
        out.insert(format!("{name}_yx_weighted_skipna"), dump(&f(&a, &b, ["y", "x"].into(), &wopts)?)?);
        let wplain = MetricOptions::new().weights(&w);
        out.insert(format!("{name}_yx_weighted"), dump(&f(&a_full, &b_full, ["y", "x"].into(), &wplain)?)?);
        out.insert(format!("{name}_time_aligned"), dump(&f(&a_full, &b_shift, "time".into(), &plain)?)?);
    }
    out.insert("spearman_r_time".into(), dump(&spearman_r(&a_full, &b_full, "time", &plain)?)?);
    out.insert("spearman_r_yx".into(), dump(&spearman_r(&a_full, &b_full, ["y", "x"], &plain)?)?);

    // Categorical: 2 categories split at 281, and 3 categories.
    let two = [f64::NEG_INFINITY, 281.0, f64::INFINITY];
    for (key, dims) in [("time", Dims::from("time")), ("all", Dims::All)] {
        let c = Contingency::new(&a, &b, &two, &two, dims)?;
        for (score, v) in [
            ("hits", c.hits()?),
            ("misses", c.misses()?),
            ("false_alarms", c.false_alarms()?),
            ("correct_negatives", c.correct_negatives()?),
            ("hit_rate", c.hit_rate()?),
            ("false_alarm_ratio", c.false_alarm_ratio()?),
            ("false_alarm_rate", c.false_alarm_rate()?),
            ("success_ratio", c.success_ratio()?),
            ("threat_score", c.threat_score()?),
            ("equit_threat_score", c.equit_threat_score()?),
            ("bias_score", c.bias_score()?),
            ("odds_ratio", c.odds_ratio()?),
            ("odds_ratio_skill_score", c.odds_ratio_skill_score()?),
            ("accuracy", c.accuracy()?),
            ("heidke_score", c.heidke_score()?),
            ("peirce_score", c.peirce_score()?),
        ] {
            out.insert(format!("contingency2_{key}_{score}"), dump(&v)?);
        }
        out.insert(format!("contingency2_{key}_table"), dump(&c.table()?)?);
    }
    let three_o = [270.0, 279.5, 282.0, 290.0];
    let three_f = [270.0, 279.0, 281.5, 290.0];
    let c3 = Contingency::new(&a, &b, &three_o, &three_f, "time")?;
    out.insert("contingency3_time_table".into(), dump(&c3.table()?)?);
    out.insert("contingency3_time_accuracy".into(), dump(&c3.accuracy()?)?);
    out.insert("contingency3_time_heidke_score".into(), dump(&c3.heidke_score()?)?);
    out.insert("contingency3_time_peirce_score".into(), dump(&c3.peirce_score()?)?);

    // Probabilistic: o = (a > 281) (NaN kept), p = logistic(b − 281).
    let o = a.scalar_op(cumulus_chunked::BinaryOp::Gt, 281.0).astype(cumulus_chunked::DType::F64);
    let o = (&o + &(&a * 0.0))?; // NaN where a is NaN
    let e = (&(&b - 281.0) * -1.0).map_unary(cumulus_chunked::UnaryOp::Exp);
    let p = (&e + 1.0).scalar_op(cumulus_chunked::BinaryOp::Pow, -1.0);
    out.insert("brier_score_time".into(), dump(&brier_score(&o, &p, "time")?)?);
    out.insert("brier_score_all".into(), dump(&brier_score(&o, &p, Dims::All)?)?);
    let o_full = a_full.scalar_op(cumulus_chunked::BinaryOp::Gt, 281.0);
    // Probabilities: xskillscore's "continuous" ROC bins the 0/1 observations with the
    // forecast thresholds too, which is only right for forecasts in (0, 1].
    let e_full = (&(&b_full - 281.0) * -0.5).map_unary(cumulus_chunked::UnaryOp::Exp);
    let p_full = (&e_full + 1.0).scalar_op(cumulus_chunked::BinaryOp::Pow, -1.0);
    out.insert("roc_auc_time".into(), dump(&roc_auc(&o_full, &p_full, "time")?)?);
    out.insert("roc_auc_all".into(), dump(&roc_auc(&o_full, &p_full, Dims::All)?)?);
    println!("{}", Value::Object(out));
    Ok(())
}
