//! # Exercise 3: verifying a yes/no forecast
//!
//! Before any model: how good is the rule "convection wherever CAPE exceeds 2000 J/kg"? A
//! contingency table counts hits, misses, false alarms and correct negatives; the scores of
//! the workshop come from it. With xskillscore:
//!
//! ```python
//! forecast = (ds.convective_available_potential_energy > 2000).astype("float32")
//! table = xs.Contingency(label, forecast, [0, 0.5, 1], [0, 0.5, 1],
//!                        dim=["time", "latitude", "longitude"])
//! table.threat_score(), table.hit_rate(), table.false_alarm_ratio()
//! ```
//!
//! The threat score (CSI) is hits / (hits + misses + false alarms), the hit rate (POD) is
//! hits / (hits + misses), the false alarm ratio (FAR) is false alarms / (hits + false alarms).
//!
//! **Task:** for the given `label` (1.0 where convective) and the CAPE rule on `ds`, return the
//! three scores over all dimensions, in the order CSI, POD, FAR.
//!
//! ## Hint
//! `Contingency::new(label, &forecast, &[0.0, 0.5, 1.0], &[0.0, 0.5, 1.0], Dims::All)?`; each
//! score is a 0-dimensional `DataArray`, so `.threat_score()?.item()?` is a number.

use cumulus::chunked::BinaryOp;
use cumulus::prelude::*;

use crate::Result;

/// (CSI, POD, FAR) of "CAPE > 2000 J/kg" against `label`.
pub fn cape_rule_scores(ds: &Dataset, label: &DataArray) -> Result<(f64, f64, f64)> {
    let cape = ds.get("convective_available_potential_energy")?;
    let forecast = cape.scalar_op(BinaryOp::Gt, 2000.0).astype(DType::F32);
    let table = Contingency::new(label, &forecast, &[0.0, 0.5, 1.0], &[0.0, 0.5, 1.0], Dims::All)?;
    Ok((table.threat_score()?.item()?, table.hit_rate()?.item()?, table.false_alarm_ratio()?.item()?))
}
