//! Part 3 of the workshop end to end, as one function both the `convection` example and
//! `cumulus demo` call: [`run_part3`] classifies convection (`total_precipitation > 5` mm/hr)
//! per pixel from CAPE, CIN, the K index and the boundary-layer height on 16 × 16 patches,
//! trains on some years and validates on others, compares climatology, logistic regression
//! and a small CNN by CSI, ETS, F1 and AUC, stitches the CNN's predictions back into a map,
//! verifies it per grid point and per hour (xskillscore's way) and over all pixels
//! (scikit-learn's), and writes the figures.
//!
//! The results go to a writer (stdout in the example and the demo), timings to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus_batches::dataset::MapDataset;
use cumulus_batches::{DataLoader, Normalizer, PatchDataset};
use cumulus_chunked::BinaryOp;
use cumulus_data_gen::store_name;
use cumulus_labeled::DataArray;
use cumulus_plot::{Colormap, confusion_matrix, line_chart, map, panels};
use cumulus_skill::{ConfusionMatrix, MetricOptions, mae, pearson_r, rmse};
use ndarray::Array3;

use super::{
    Batch, Climatology, ConvNet, ConvNetConfig, FEATURES, History, LABEL_NAME, LogisticOptions, LogisticRegression,
    MlError, Scores, TrainOptions, best_threshold, collect_patches, convection_dataset, evaluate, patch_generator,
    predict_map, prediction_generator,
};

/// What [`run_part3`] reads, writes and how long it trains.
#[derive(Clone, Debug, PartialEq)]
pub struct Part3Options {
    /// The folder with one store per year ([`store_name`]).
    pub data: PathBuf,
    /// Where the figures go (created if missing).
    pub figures: PathBuf,
    /// Where to save the CNN's weights (safetensors), if anywhere.
    pub checkpoint: Option<PathBuf>,
    /// The training years.
    pub train_years: Vec<i32>,
    /// The validation years (not among the training years).
    pub val_years: Vec<i32>,
    /// Keep every `time_stride`-th hour.
    pub time_stride: usize,
    /// Passes of the CNN over the training set.
    pub epochs: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Show the CNN's progress bar (on a terminal).
    pub progress: bool,
}

impl Part3Options {
    /// The workshop's split: train on 2019–2020, validate on 2021, every third hour, 8 epochs
    /// at learning rate 3e-3, figures into `figures`, no checkpoint, no progress bar.
    pub fn new(data: impl Into<PathBuf>, figures: impl Into<PathBuf>) -> Part3Options {
        Part3Options {
            data: data.into(),
            figures: figures.into(),
            checkpoint: None,
            train_years: vec![2019, 2020],
            val_years: vec![2021],
            time_stride: 3,
            epochs: 8,
            learning_rate: 3e-3,
            progress: false,
        }
    }
}

/// What [`run_part3`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Part3Results {
    /// Climatology's validation scores.
    pub climatology: Scores,
    /// Logistic regression's validation scores.
    pub logistic: Scores,
    /// The CNN's validation scores.
    pub cnn: Scores,
    /// The fitted logistic regression.
    pub logistic_model: LogisticRegression,
    /// The CNN's loss per epoch.
    pub history: History,
    /// The CNN's confusion matrix over every validation pixel of the stitched map (rows:
    /// observed no/yes, columns: predicted no/yes).
    pub confusion: Vec<Vec<u64>>,
    /// The figures written.
    pub figures: Vec<PathBuf>,
}

impl Part3Results {
    /// Whether both models beat climatology on CSI, ETS and AUC.
    #[must_use]
    pub fn beats_climatology(&self) -> bool {
        let c = &self.climatology;
        [&self.logistic, &self.cnn].iter().all(|s| s.csi > c.csi && s.ets > c.ets && s.auc > c.auc)
    }
}

/// The stores of the `split`'s `years` in `data`.
///
/// # Errors
/// [`MlError::EmptySplit`] with no year, or when a year has no store in `data` (naming the
/// years found there).
pub fn split_stores(data: &Path, split: &'static str, years: &[i32]) -> Result<Vec<PathBuf>, MlError> {
    if years.is_empty() {
        return Err(MlError::EmptySplit { split, reason: "no years given; expected at least one, e.g. 2019".into() });
    }
    let missing: Vec<i32> = years.iter().copied().filter(|&y| !data.join(store_name(y)).exists()).collect();
    if !missing.is_empty() {
        let found: Vec<i32> = (1900..2200).filter(|&y| data.join(store_name(y)).exists()).collect();
        return Err(MlError::EmptySplit {
            split,
            reason: format!(
                "no store for {missing:?} in {} (stores found for {found:?}); expected one store per year, like {}",
                data.display(),
                store_name(missing[0])
            ),
        });
    }
    Ok(years.iter().map(|&y| data.join(store_name(y))).collect())
}

/// Checks that `y` has the coordinates of `x` along `dims` (same length and values), as a
/// model applied to `x` and scored against `y` needs.
///
/// # Errors
/// [`MlError::Coordinates`] naming the first coordinate that differs; [`MlError::Labeled`]
/// when one of them has no such coordinate.
pub fn check_same_coords(x: &DataArray, y: &DataArray, dims: &[&str]) -> Result<(), MlError> {
    let name = |a: &DataArray, or: &str| a.name().unwrap_or(or).to_string();
    for &d in dims {
        let (a, b) = (x.coord(d)?.to_vec_f64()?, y.coord(d)?.to_vec_f64()?);
        let detail = if a.len() != b.len() {
            format!("{} values, expected {}", b.len(), a.len())
        } else if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i] && !(a[i].is_nan() && b[i].is_nan())) {
            format!("value {i} is {}, expected {}", b[i], a[i])
        } else {
            continue;
        };
        return Err(MlError::Coordinates { what: name(y, "y"), other: name(x, "x"), coord: d.to_string(), detail });
    }
    Ok(())
}

/// Runs Part 3 on the stores in `config.data`, writing the results to `out` and the figures
/// (the loss curve, the 2 × 3 verification panel, the correlation series, the confusion
/// matrix) to `config.figures`.
///
/// # Errors
/// [`MlError::EmptySplit`] when a year has no store or the splits are empty;
/// [`MlError::BadArgument`] when the splits share a year; [`MlError::Coordinates`] when the
/// validation grid is not the training grid; [`MlError::NotFinite`] for NaN features; and
/// whatever loading, training, scoring and plotting return.
pub fn run_part3(config: &Part3Options, out: &mut dyn Write) -> Result<Part3Results, MlError> {
    let (data, figures) = (&config.data, &config.figures);
    if let Some(y) = config.val_years.iter().find(|y| config.train_years.contains(y)) {
        return Err(MlError::BadArgument {
            argument: "val_years",
            reason: format!("{y} is also a training year; expected years not in {:?}", config.train_years),
        });
    }
    let (train_stores, val_stores) =
        (split_stores(data, "training", &config.train_years)?, split_stores(data, "validation", &config.val_years)?);
    std::fs::create_dir_all(figures).map_err(|source| MlError::Io { path: figures.display().to_string(), source })?;
    let (train_years, val_years) = (years_label(&config.train_years), years_label(&config.val_years));

    // ANCHOR: load
    let t0 = Instant::now();
    // Lazy datasets: the four features and convection_flag = (tp > 5), every third hour.
    let train_ds = convection_dataset(&train_stores, config.time_stride)?;
    let val_ds = convection_dataset(&val_stores, config.time_stride)?;
    // One grid for both: climatology and the models work pixel by pixel.
    let grid = |ds: &cumulus_labeled::Dataset| ds.get(LABEL_NAME);
    check_same_coords(&grid(&train_ds)?, &grid(&val_ds)?, &["latitude", "longitude"])?;
    // z-scores with the statistics of the training years only.
    let normalizer = Normalizer::fit(&train_ds, &FEATURES)?;
    // xbatcher: 16 x 16 patches without overlap, 8 hours per batch (the workshop's 32 would drop
    // the last 16 of the 112 training hours and 24 of the 56 validation hours: xbatcher drops
    // an incomplete batch); a MapDataset of (X, y).
    let patches = |ds| -> Result<PatchDataset, MlError> {
        Ok(PatchDataset::new(patch_generator(ds, 16, 8)?, &FEATURES, LABEL_NAME)?
            .with_normalizer(normalizer.clone())?)
    };
    let (train_set, val_set) = (patches(&train_ds)?, patches(&val_ds)?);
    // In memory for climatology, logistic regression and scoring (small presets only).
    let (train, val) = (collect_patches(&train_set)?, collect_patches(&val_set)?);
    writeln!(
        out,
        "train: {} batches, {} patches, {:.2} % convective; validation: {} patches, {:.2} %",
        train_set.len(),
        train.batch.len(),
        100.0 * train.batch.y.mean().unwrap_or(0.0),
        val.batch.len(),
        100.0 * val.batch.y.mean().unwrap_or(0.0),
    )?;
    eprintln!("patches loaded in {:.1} s", t0.elapsed().as_secs_f64());
    let (xtrain, xval) = (&train.batch, &val.batch);
    // ANCHOR_END: load

    // ANCHOR: climatology
    let clim = Climatology::fit(&train)?;
    let clim_scores = score(&clim.predict_proba(&train)?, &clim.predict_proba(&val)?, &train.batch, &val.batch)?;
    // ANCHOR_END: climatology

    // ANCHOR: logistic
    let t0 = Instant::now();
    // linfa's LogisticRegression on every pixel; balanced classes by an intercept shift.
    let logit = LogisticRegression::fit(xtrain, &LogisticOptions::default())?;
    writeln!(
        out,
        "logistic regression (linfa): coefficients {:?} (CAPE, CIN, K index, BLH), intercept {:.3}",
        logit.coef.iter().map(|c| (c * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        logit.intercept,
    )?;
    eprintln!("logistic regression fitted in {:.1} s", t0.elapsed().as_secs_f64());
    let logit_scores =
        score(&logit.predict_proba(xtrain.x.view())?, &logit.predict_proba(xval.x.view())?, xtrain, xval)?;
    // ANCHOR_END: logistic

    // ANCHOR: cnn
    let t0 = Instant::now();
    let mut cnn = ConvNet::new(&ConvNetConfig::default())?;
    writeln!(out, "CNN: {} parameters, {} epochs", cnn.num_parameters(), config.epochs)?;
    // PyTorch's DataLoader(dataset, batch_size=4, shuffle=True): 4 of the generator's batches
    // (32 patches of 4 random places and times) per step, in a seeded random order each epoch,
    // read ahead by one worker thread.
    let loader = DataLoader::new(train_set).batch_size(Some(4)).shuffle(true).seed(0).num_workers(1);
    let train_opts = TrainOptions {
        epochs: config.epochs,
        learning_rate: config.learning_rate,
        progress: config.progress,
        ..TrainOptions::default()
    };
    let history = cnn.fit_loader(&loader, Some(xval), &train_opts)?;
    eprintln!("CNN trained in {:.1} s", t0.elapsed().as_secs_f64());
    for (e, (tl, vl)) in history.train_loss.iter().zip(&history.val_loss).enumerate() {
        writeln!(out, "  epoch {:>2}: train loss {tl:.4}, validation loss {vl:.4}", e + 1)?;
    }
    history.loss_chart()?.title("CNN loss (weighted BCE)").save_png(figures.join("convection-loss.png"))?;
    if let Some(checkpoint) = &config.checkpoint {
        cnn.save(checkpoint)?;
    }
    let cnn_scores = score(&cnn.predict_proba(xtrain.x.view())?, &cnn.predict_proba(xval.x.view())?, xtrain, xval)?;
    // ANCHOR_END: cnn

    // ANCHOR: table
    writeln!(out, "\nvalidation ({val_years}), threshold chosen on {train_years} for the best CSI:")?;
    writeln!(out, "{:<22} {:>9} {:>7} {:>7} {:>7} {:>7}", "model", "threshold", "CSI", "ETS", "F1", "AUC")?;
    for (name, s) in [("climatology", clim_scores), ("logistic regression", logit_scores), ("CNN", cnn_scores)] {
        writeln!(out, "{name:<22} {:>9.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}", s.threshold, s.csi, s.ets, s.f1, s.auc)?;
    }
    // ANCHOR_END: table

    // ANCHOR: predict
    // Predictions back on the map: 16 x 16 squares overlapping by 4 pixels, plus squares
    // aligned to the south and east edges so every pixel is predicted, 8 hours per batch.
    // The outputs are stitched into one (time, latitude, longitude) array with the validation
    // coordinates; where squares overlap, their probabilities are averaged.
    let t0 = Instant::now();
    let cover = PatchDataset::new(prediction_generator(&val_ds, 16, 4, 8)?, &FEATURES, LABEL_NAME)?
        .with_normalizer(normalizer.clone())?;
    let prob = predict_map(&cover, "convection_probability", |x| cnn.predict_proba(x))?;
    let obs = val_ds.get(LABEL_NAME)?;
    check_same_coords(&obs, &prob, &["time", "latitude", "longitude"])?;
    writeln!(out, "\n{} batches of squares stitched into {:?} {:?}", cover.len(), prob.dims(), prob.shape())?;
    eprintln!("predicted and stitched in {:.1} s", t0.elapsed().as_secs_f64());
    // ANCHOR_END: predict

    // ANCHOR: skill_maps
    // xskillscore's way: scores over `time` at every grid point (maps), and over
    // latitude and longitude at every time (a series).
    let opts = MetricOptions::new();
    let rmse_map = rmse(&prob, &obs, "time", &opts)?.compute()?;
    let mae_map = mae(&prob, &obs, "time", &opts)?.compute()?;
    let corr_map = pearson_r(&prob, &obs, "time", &opts)?.compute()?;
    let corr_series = pearson_r(&prob, &obs, &["latitude", "longitude"][..], &opts)?.compute()?;
    for (name, m) in [("RMSE", &rmse_map), ("MAE", &mae_map), ("correlation", &corr_map)] {
        let v: Vec<f64> = m.to_vec_f64()?.into_iter().filter(|x| !x.is_nan()).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        writeln!(out, "{name:<12} over time: mean {mean:.3}, min {lo:.3}, max {hi:.3} ({} grid points)", v.len())?;
    }
    // ANCHOR_END: skill_maps

    // ANCHOR: panel
    // The workshop's 2 x 3 figure: observation, prediction and their difference at one
    // hour (the validation hour with the most convection), then the three score maps.
    let per_hour = obs.sum(&["latitude", "longitude"][..])?.to_vec_f64()?;
    let t = (0..per_hour.len()).fold(0, |b, i| if per_hour[i] > per_hour[b] { i } else { b });
    let at = |da: &DataArray| da.isel([("time", t)]);
    let diff = at(&prob)?.binary(BinaryOp::Sub, &at(&obs)?)?;
    let panel = |da: &DataArray, title: &str, label: &str, cmap: Colormap| {
        map(da).title(title).colorbar_label(label).cmap(cmap)
    };
    let period = period_label(&obs)?;
    panels(2, 3)
        .map(panel(&at(&obs)?, "Observed", "convection (0 or 1)", Colormap::RdBuR).vmin(0.0).vmax(1.0))
        .map(panel(&at(&prob)?, "CNN", "probability of convection", Colormap::RdBuR).vmin(0.0).vmax(1.0))
        .map(panel(&diff, "CNN - observed", "difference", Colormap::RdBuR).vmin(-1.0).vmax(1.0))
        .map(panel(&rmse_map, "RMSE over time", "RMSE", Colormap::Viridis))
        .map(panel(&corr_map, "Correlation over time", "Pearson r", Colormap::RdBuR).vmin(-1.0).vmax(1.0))
        .map(panel(&mae_map, "MAE over time", "MAE", Colormap::Viridis))
        .title(format!("Convection on {} (top) and scores over {period} (bottom)", time_label(&obs, t)?))
        .size(1560, 900)
        .save_png(figures.join("convection-verification.png"))?;
    line_chart(&corr_series)
        .title("Spatial correlation of the CNN's probability with the observed convection")
        .ylabel("Pearson r over latitude and longitude")
        .save_png(figures.join("convection-correlation-series.png"))?;
    // ANCHOR_END: panel

    // ANCHOR: report
    // scikit-learn's view: one table for all pixels, at the threshold chosen on the training years.
    let y_true: Vec<bool> = obs.to_vec_f64()?.iter().map(|&v| v > 0.5).collect();
    let y_pred: Vec<bool> = prob.to_vec_f64()?.iter().map(|&p| p >= f64::from(cnn_scores.threshold)).collect();
    let cm = ConfusionMatrix::from_bools(&y_true, &y_pred)?;
    writeln!(out, "\nconfusion matrix (rows: observed no/yes, columns: predicted no/yes): {:?}", cm.rows())?;
    writeln!(out, "{}", cm.classification_report(Some(&["no convection", "convection"]), 3)?)?;
    let labels = ["no convection", "convection"];
    panels(1, 2)
        .panel(confusion_matrix(&cm.rows(), &labels).title(format!("Pixels, {val_years}")))
        .panel(confusion_matrix(&cm.rows(), &labels).normalize(true).title("Recall per class"))
        .size(1100, 460)
        .save_png(figures.join("convection-confusion.png"))?;
    // ANCHOR_END: report

    let names = ["convection-loss", "convection-verification", "convection-correlation-series", "convection-confusion"];
    Ok(Part3Results {
        climatology: clim_scores,
        logistic: logit_scores,
        cnn: cnn_scores,
        logistic_model: logit,
        history,
        confusion: cm.rows(),
        figures: names.iter().map(|n| figures.join(format!("{n}.png"))).collect(),
    })
}

/// Validation scores at the threshold with the best CSI on the training data.
fn score(p_train: &Array3<f32>, p_val: &Array3<f32>, train: &Batch, val: &Batch) -> Result<Scores, MlError> {
    let threshold = best_threshold(p_train.view(), train.y.view())?;
    evaluate(p_val.view(), val.y.view(), threshold)
}

/// `[2019, 2020]` as `2019-2020`, `[2021]` as `2021`, other lists as `2019, 2021`.
fn years_label(years: &[i32]) -> String {
    match years {
        [y] => y.to_string(),
        [first, .., last] if years.windows(2).all(|w| w[1] == w[0] + 1) => format!("{first}-{last}"),
        _ => years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// The time steps of `da`'s time axis, in nanoseconds.
fn times(da: &DataArray) -> Result<Vec<i64>, MlError> {
    Ok(cumulus_labeled::variable::block_i64(&da.coord("time")?.values()?))
}

/// The date and hour of step `t` of `da`'s time axis, as `2021-06-03 15:00`.
fn time_label(da: &DataArray, t: usize) -> Result<String, MlError> {
    let p = cumulus_labeled::time::parts(times(da)?.get(t).copied().unwrap_or_default());
    Ok(format!("{:04}-{:02}-{:02} {:02}:00", p.year, p.month, p.day, p.hour))
}

/// The days `da`'s time axis spans: `1-7 June 2021` within a month, else
/// `2021-06-28 to 2021-07-02`.
fn period_label(da: &DataArray) -> Result<String, MlError> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let t = times(da)?;
    let parts = |ns: Option<&i64>| cumulus_labeled::time::parts(ns.copied().unwrap_or_default());
    let (a, b) = (parts(t.first()), parts(t.last()));
    Ok(if (a.year, a.month) == (b.year, b.month) {
        let month = MONTHS[(a.month as usize).clamp(1, 12) - 1];
        if a.day == b.day {
            format!("{} {month} {}", a.day, a.year)
        } else {
            format!("{}-{} {month} {}", a.day, b.day, a.year)
        }
    } else {
        format!("{:04}-{:02}-{:02} to {:04}-{:02}-{:02}", a.year, a.month, a.day, b.year, b.month, b.day)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_years_and_periods() {
        assert_eq!(years_label(&[2019, 2020]), "2019-2020");
        assert_eq!(years_label(&[2021]), "2021");
        assert_eq!(years_label(&[2019, 2021]), "2019, 2021");
        let ns =
            |d: i64, h: i64| ((cumulus_labeled::time::days_from_civil(2021, 6, d as u32)) * 24 + h) * 3_600_000_000_000;
        let da = |t: Vec<i64>| {
            let n = t.len();
            DataArray::new("x", cumulus_labeled::Variable::from_vec("time", vec![0.0; n]))
                .with_coord("time", cumulus_labeled::Variable::from_vec("time", t))
                .unwrap()
        };
        assert_eq!(period_label(&da(vec![ns(1, 0), ns(7, 21)])).unwrap(), "1-7 June 2021");
        assert_eq!(time_label(&da(vec![ns(1, 0), ns(3, 15)]), 1).unwrap(), "2021-06-03 15:00");
        assert_eq!(period_label(&da(vec![ns(30, 0), ns(31, 0)])).unwrap(), "2021-06-30 to 2021-07-01");
    }

    #[test]
    fn a_missing_year_or_no_year_is_an_empty_split() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(store_name(2019))).unwrap();
        let err = split_stores(dir.path(), "validation", &[2019, 2021]).unwrap_err();
        assert!(matches!(err, MlError::EmptySplit { split: "validation", .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("[2021]") && msg.contains("found for [2019]") && msg.contains(&store_name(2021)), "{msg}");
        assert!(matches!(
            split_stores(dir.path(), "training", &[]),
            Err(MlError::EmptySplit { split: "training", .. })
        ));
        assert_eq!(split_stores(dir.path(), "training", &[2019]).unwrap(), vec![dir.path().join(store_name(2019))]);
        // The same year in both splits.
        let opts = Part3Options { val_years: vec![2020], ..Part3Options::new(dir.path(), dir.path()) };
        let err = run_part3(&opts, &mut Vec::new()).unwrap_err();
        assert!(matches!(err, MlError::BadArgument { argument: "val_years", .. }), "{err}");
    }

    #[test]
    fn x_and_y_on_different_coordinates_are_an_error() {
        let grid = |lon0: f64| {
            DataArray::new("prob", cumulus_labeled::Variable::from_vec("longitude", vec![0.5f64; 3]))
                .with_coord(
                    "longitude",
                    cumulus_labeled::Variable::from_vec("longitude", vec![lon0, lon0 + 1.0, lon0 + 2.0]),
                )
                .unwrap()
        };
        check_same_coords(&grid(100.0), &grid(100.0), &["longitude"]).unwrap();
        let err = check_same_coords(&grid(100.0), &grid(100.5), &["longitude"]).unwrap_err();
        assert!(matches!(&err, MlError::Coordinates { coord, .. } if coord == "longitude"), "{err}");
        assert!(err.to_string().contains("value 0 is 100.5, expected 100"), "{err}");
        let short = DataArray::new("y", cumulus_labeled::Variable::from_vec("longitude", vec![0.5f64; 2]))
            .with_coord("longitude", cumulus_labeled::Variable::from_vec("longitude", vec![100.0, 101.0]))
            .unwrap();
        let err = check_same_coords(&grid(100.0), &short, &["longitude"]).unwrap_err();
        assert!(err.to_string().contains("2 values, expected 3"), "{err}");
        assert!(matches!(check_same_coords(&grid(100.0), &short, &["time"]), Err(MlError::Labeled(_))));
    }
}
