//! [`Contingency`]: xskillscore's contingency table of observations and forecasts binned into
//! categories by edges, counted over some dimensions and kept per position of the others,
//! with the categorical scores.
//!
//! Binning follows xskillscore (through xhistogram): category `k` holds `[e_k, e_{k+1})`,
//! the last one `[e_{n-1}, e_n]` with its right edge; values outside the edges and pairs with
//! a NaN are not counted. Categories are numbered from 1; for two categories, 2 is "yes".
//!
//! ```
//! use cumulus_labeled::{DataArray, Variable};
//! use cumulus_skill::Contingency;
//! let obs = DataArray::new("tp", Variable::from_vec("time", vec![0.0_f64, 7.0, 6.0, 1.0, 9.0]));
//! let fcst = DataArray::new("tp", Variable::from_vec("time", vec![6.0_f64, 8.0, 1.0, 0.0, 5.0]));
//! let edges = [f64::NEG_INFINITY, 5.0, f64::INFINITY]; // "yes" is tp >= 5
//! let c = Contingency::new(&obs, &fcst, &edges, &edges, "time")?;
//! assert_eq!(c.hits()?.item()?, 2.0);
//! assert_eq!(c.misses()?.item()?, 1.0);
//! assert_eq!(c.false_alarms()?.item()?, 1.0);
//! assert_eq!(c.correct_negatives()?.item()?, 1.0);
//! assert_eq!(c.threat_score()?.item()?, 0.5);
//! # Ok::<(), cumulus_skill::SkillError>(())
//! ```

use std::fmt;

use cumulus_chunked::{BinaryOp, ChunkedArray, ComputeOptions, DType, ReduceOp};
use cumulus_labeled::variable::block_f64;
use cumulus_labeled::{DataArray, Dims, Variable};

use crate::binary::BinaryTable;
use crate::error::{Result, SkillError};
use crate::prepare::{align_error, from_values, resolve_dims, to_float};

/// Name of the observation category dimension of [`Contingency::table`].
pub const OBSERVATIONS_CATEGORY: &str = "observations_category";
/// Name of the forecast category dimension of [`Contingency::table`].
pub const FORECASTS_CATEGORY: &str = "forecasts_category";

/// A contingency table per position of the dimensions that are not reduced.
#[derive(Debug, Clone)]
pub struct Contingency {
    /// A result of the kept shape, dimensions and coordinates (values unused).
    template: DataArray,
    /// Counts, `[position][observation category][forecast category]`, flattened.
    counts: Vec<f64>,
    n_obs: usize,
    n_fcst: usize,
    observation_edges: Vec<f64>,
    forecast_edges: Vec<f64>,
}

fn check_edges(argument: &'static str, edges: &[f64]) -> Result<()> {
    if edges.len() < 2 {
        return Err(SkillError::Edges { argument, reason: format!("{} edge(s) given", edges.len()) });
    }
    if let Some(w) = edges.windows(2).find(|w| w[0].is_nan() || w[1].is_nan() || w[1] <= w[0]) {
        return Err(SkillError::Edges { argument, reason: format!("{} is followed by {}", w[0], w[1]) });
    }
    Ok(())
}

/// Lazy masks "x lies in category k", one per category.
fn category_masks(x: &DataArray, edges: &[f64]) -> Result<Vec<DataArray>> {
    let n = edges.len() - 1;
    (0..n)
        .map(|k| {
            let lo = x.scalar_op(BinaryOp::Ge, edges[k]);
            let hi_op = if k + 1 == n { BinaryOp::Le } else { BinaryOp::Lt };
            let hi = x.scalar_op(hi_op, edges[k + 1]);
            Ok(lo.binary(BinaryOp::And, &hi)?)
        })
        .collect()
}

impl Contingency {
    /// Count `observations` and `forecasts`, binned by their category edges, over `dims`
    /// (xskillscore's `Contingency(observations, forecasts, observation_category_edges,
    /// forecast_category_edges, dim)`). The inputs are aligned as xarray does (inner join on
    /// labels, broadcast by name). Counting reads the inputs once, chunk by chunk.
    ///
    /// # Errors
    /// Edges that are not at least two strictly increasing numbers, an empty `dims`, a
    /// dimension an input lacks, inputs that do not align, a failing chunk.
    pub fn new(
        observations: &DataArray,
        forecasts: &DataArray,
        observation_category_edges: &[f64],
        forecast_category_edges: &[f64],
        dims: impl Into<Dims>,
    ) -> Result<Contingency> {
        const M: &str = "Contingency";
        check_edges("observation_category_edges", observation_category_edges)?;
        check_edges("forecast_category_edges", forecast_category_edges)?;
        let dims = resolve_dims(M, dims.into(), ("observations", observations), ("forecasts", forecasts))?;
        let (o, f) = (to_float(observations), to_float(forecasts));
        // Align and broadcast both to the same dimensions; NaN pairs fall in no category.
        let o2 = o.binary(BinaryOp::Add, &(&f * 0.0)).map_err(|e| align_error(M, &o, e))?;
        let f2 = f.binary(BinaryOp::Add, &(&o * 0.0)).map_err(|e| align_error(M, &o, e))?;
        let om = category_masks(&o2, observation_category_edges)?;
        let fm = category_masks(&f2, forecast_category_edges)?;
        let mut cells = Vec::with_capacity(om.len() * fm.len());
        for a in &om {
            for b in &fm {
                let both = a.binary(BinaryOp::And, b)?.astype(DType::F64);
                cells.push(both.reduce(ReduceOp::Sum, Dims::Some(dims.clone()), Some(false))?);
            }
        }
        let template = cells[0].clone();
        let arrays: Vec<ChunkedArray> = cells.iter().map(|c| c.data().clone()).collect();
        let (blocks, _) = ChunkedArray::compute_many_with(&arrays, &ComputeOptions::default())?;
        let per_cell: Vec<Vec<f64>> = blocks.iter().map(block_f64).collect();
        let npos: usize = template.shape().iter().product();
        let ncell = cells.len();
        let mut counts = vec![0.0; npos * ncell];
        for (c, values) in per_cell.iter().enumerate() {
            for (p, v) in values.iter().enumerate() {
                counts[p * ncell + c] = *v;
            }
        }
        Ok(Contingency {
            template,
            counts,
            n_obs: om.len(),
            n_fcst: fm.len(),
            observation_edges: observation_category_edges.to_vec(),
            forecast_edges: forecast_category_edges.to_vec(),
        })
    }

    /// True for two observation and two forecast categories.
    pub fn dichotomous(&self) -> bool {
        self.n_obs == 2 && self.n_fcst == 2
    }

    /// The observation category edges.
    pub fn observation_category_edges(&self) -> &[f64] {
        &self.observation_edges
    }

    /// The forecast category edges.
    pub fn forecast_category_edges(&self) -> &[f64] {
        &self.forecast_edges
    }

    fn positions(&self) -> impl Iterator<Item = &[f64]> {
        self.counts.chunks(self.n_obs * self.n_fcst)
    }

    /// The table: the kept dimensions, then `observations_category` and `forecasts_category`
    /// (labelled 1, 2, …), holding counts.
    ///
    /// # Errors
    /// Never in practice (the shapes are built to fit).
    pub fn table(&self) -> Result<DataArray> {
        let mut shape = self.template.shape().to_vec();
        shape.extend([self.n_obs, self.n_fcst]);
        let mut dims: Vec<&str> = self.template.dims().iter().map(String::as_str).collect();
        dims.extend([OBSERVATIONS_CATEGORY, FORECASTS_CATEGORY]);
        let a = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&shape), self.counts.clone()).map_err(|e| {
            cumulus_labeled::LabeledError::Mismatch { op: "Contingency::table".into(), reason: e.to_string() }
        })?;
        let chunks: Vec<usize> = shape.iter().map(|&n| n.max(1)).collect();
        let var = Variable::new(&dims, ChunkedArray::from_array(a, &chunks)?)?;
        let mut out =
            DataArray::from_parts(Some("histogram_observations_forecasts".into()), var, self.template.coords().clone());
        out = out.with_coord(
            OBSERVATIONS_CATEGORY,
            Variable::from_vec(OBSERVATIONS_CATEGORY, (1..=self.n_obs as i64).collect()),
        )?;
        out = out.with_coord(
            FORECASTS_CATEGORY,
            Variable::from_vec(FORECASTS_CATEGORY, (1..=self.n_fcst as i64).collect()),
        )?;
        Ok(out)
    }

    /// The 2 × 2 tables, one per position (dichotomous tables only).
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn binary_tables(&self) -> Result<Vec<BinaryTable>> {
        self.require_dichotomous("binary_tables")?;
        // Category 1 is "no", 2 is "yes"; rows are observations.
        Ok(self
            .positions()
            .map(|c| BinaryTable {
                correct_negatives: c[0] as u64,
                false_alarms: c[1] as u64,
                misses: c[2] as u64,
                hits: c[3] as u64,
            })
            .collect())
    }

    fn require_dichotomous(&self, score: &'static str) -> Result<()> {
        if !self.dichotomous() {
            return Err(SkillError::NotDichotomous { score, n_observation: self.n_obs, n_forecast: self.n_fcst });
        }
        Ok(())
    }

    fn per_table(&self, score: &'static str, f: fn(&BinaryTable) -> f64) -> Result<DataArray> {
        self.require_dichotomous(score)?;
        let v = self.binary_tables()?.iter().map(f).collect();
        from_values(&self.template, v, score)
    }

    /// Hits (observed yes, forecast yes).
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn hits(&self) -> Result<DataArray> {
        self.per_table("hits", |t| t.hits as f64)
    }
    /// Misses (observed yes, forecast no).
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn misses(&self) -> Result<DataArray> {
        self.per_table("misses", |t| t.misses as f64)
    }
    /// False alarms (observed no, forecast yes).
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn false_alarms(&self) -> Result<DataArray> {
        self.per_table("false_alarms", |t| t.false_alarms as f64)
    }
    /// Correct negatives (observed no, forecast no).
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn correct_negatives(&self) -> Result<DataArray> {
        self.per_table("correct_negatives", |t| t.correct_negatives as f64)
    }
    /// Frequency bias, see [`BinaryTable::bias_score`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn bias_score(&self) -> Result<DataArray> {
        self.per_table("bias_score", BinaryTable::bias_score)
    }
    /// Hit rate (POD), see [`BinaryTable::hit_rate`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn hit_rate(&self) -> Result<DataArray> {
        self.per_table("hit_rate", BinaryTable::hit_rate)
    }
    /// False alarm ratio (FAR), see [`BinaryTable::false_alarm_ratio`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn false_alarm_ratio(&self) -> Result<DataArray> {
        self.per_table("false_alarm_ratio", BinaryTable::false_alarm_ratio)
    }
    /// False alarm rate (POFD), see [`BinaryTable::false_alarm_rate`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn false_alarm_rate(&self) -> Result<DataArray> {
        self.per_table("false_alarm_rate", BinaryTable::false_alarm_rate)
    }
    /// Success ratio, see [`BinaryTable::success_ratio`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn success_ratio(&self) -> Result<DataArray> {
        self.per_table("success_ratio", BinaryTable::success_ratio)
    }
    /// Threat score (CSI), see [`BinaryTable::threat_score`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn threat_score(&self) -> Result<DataArray> {
        self.per_table("threat_score", BinaryTable::threat_score)
    }
    /// Equitable threat score (ETS), see [`BinaryTable::equit_threat_score`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn equit_threat_score(&self) -> Result<DataArray> {
        self.per_table("equit_threat_score", BinaryTable::equit_threat_score)
    }
    /// Odds ratio, see [`BinaryTable::odds_ratio`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn odds_ratio(&self) -> Result<DataArray> {
        self.per_table("odds_ratio", BinaryTable::odds_ratio)
    }
    /// Odds ratio skill score, see [`BinaryTable::odds_ratio_skill_score`].
    ///
    /// # Errors
    /// [`SkillError::NotDichotomous`] for more than two categories.
    pub fn odds_ratio_skill_score(&self) -> Result<DataArray> {
        self.per_table("odds_ratio_skill_score", BinaryTable::odds_ratio_skill_score)
    }

    /// Per position: the diagonal sum, the total, `Σ_k obs_k fcst_k` and `Σ_k obs_k²` (over the
    /// categories both sides have, as xarray's alignment of the `category` labels does).
    fn marginals(&self) -> Vec<(f64, f64, f64, f64)> {
        let k = self.n_obs.min(self.n_fcst);
        self.positions()
            .map(|c| {
                let at = |i: usize, j: usize| c[i * self.n_fcst + j];
                let diag: f64 = (0..k).map(|i| at(i, i)).sum();
                let total: f64 = c.iter().sum();
                let obs = |i: usize| (0..self.n_fcst).map(|j| at(i, j)).sum::<f64>();
                let fcst = |j: usize| (0..self.n_obs).map(|i| at(i, j)).sum::<f64>();
                let cross: f64 = (0..k).map(|i| obs(i) * fcst(i)).sum();
                let obs2: f64 = (0..self.n_obs).map(|i| obs(i) * obs(i)).sum();
                (diag, total, cross, obs2)
            })
            .collect()
    }

    /// Fraction of forecasts in the observed category (any number of categories).
    ///
    /// # Errors
    /// Never in practice.
    pub fn accuracy(&self) -> Result<DataArray> {
        let v = self.marginals().iter().map(|(d, n, _, _)| d / n).collect();
        from_values(&self.template, v, "accuracy")
    }

    /// Heidke skill score (any number of categories).
    ///
    /// # Errors
    /// Never in practice.
    pub fn heidke_score(&self) -> Result<DataArray> {
        let v = self
            .marginals()
            .iter()
            .map(|(d, n, cross, _)| {
                let chance = cross / (n * n);
                (d / n - chance) / (1.0 - chance)
            })
            .collect();
        from_values(&self.template, v, "heidke_score")
    }

    /// Peirce skill score (any number of categories).
    ///
    /// # Errors
    /// Never in practice.
    pub fn peirce_score(&self) -> Result<DataArray> {
        let v = self
            .marginals()
            .iter()
            .map(|(d, n, cross, obs2)| (d / n - cross / (n * n)) / (1.0 - obs2 / (n * n)))
            .collect();
        from_values(&self.template, v, "peirce_score")
    }
}

impl fmt::Display for Contingency {
    /// xskillscore's repr: the header and the table of the first position.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "<cumulus_skill.Contingency> {} x {} categories over {} position(s)",
            self.n_obs,
            self.n_fcst,
            self.counts.len() / (self.n_obs * self.n_fcst).max(1)
        )?;
        if let Some(c) = self.positions().next() {
            for i in 0..self.n_obs {
                let row: Vec<String> = (0..self.n_fcst).map(|j| format!("{:>10}", c[i * self.n_fcst + j])).collect();
                writeln!(f, "obs {:>2} |{}", i + 1, row.join(""))?;
            }
        }
        Ok(())
    }
}
