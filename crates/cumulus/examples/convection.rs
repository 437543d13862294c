//! Part 3 of the class, end to end: classify convection (`total_precipitation > 5` mm/hr) per
//! pixel from CAPE, CIN, the K index and the boundary-layer height, on 16 × 16 patches.
//! Train on 2019–2020, validate on 2021; compare climatology, logistic regression and a small
//! CNN by CSI, ETS, F1 and AUC.
//!
//! ```text
//! cargo run -p cumulus --features ml --example convection -- [DATA] [EPOCHS] [FIGURES]
//! ```
//!
//! DATA (default `data/convection`) gets the generated stores if they are missing: a 0.5° grid
//! (61 × 81 points), 1–7 June of 2019–2021, only the five variables needed (a few seconds to
//! write). Every third hour is used, cut by xbatcher's `BatchGenerator` into 16 × 16 patches
//! of 8 hours, normalised with the training years' statistics, and fed to the CNN by a
//! shuffling `DataLoader`. The CNN's predictions for 2021 are stitched back into a map and
//! verified per grid point and per hour (xskillscore's way) and over all pixels
//! (scikit-learn's). The figures go to FIGURES (default DATA): the loss curve, the 2 × 3 panel
//! of the workshop and the confusion matrix; the CNN's weights to
//! `DATA/convection-cnn.safetensors`. Timings go to stderr, results to stdout.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus::batches::dataset::MapDataset;
use cumulus::batches::{DataLoader, Normalizer, PatchDataset};
use cumulus::chunked::BinaryOp;
use cumulus::data_gen::{GenConfig, Preset, Variable, generate, store_name};
use cumulus::labeled::DataArray;
use cumulus::ml::{
    Batch, Climatology, ConvNet, ConvNetConfig, FEATURES, LABEL_NAME, LogisticOptions, LogisticRegression, Scores,
    TrainOptions, best_threshold, collect_patches, convection_dataset, evaluate, patch_generator, predict_map,
    prediction_generator,
};
use cumulus::plot::{Colormap, confusion_matrix, line_chart, map, panels};
use cumulus::skill::{ConfusionMatrix, MetricOptions, mae, pearson_r, rmse};
use indicatif::ProgressBar;
use ndarray::Array3;

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/convection".into()));
    let epochs: usize = std::env::args().nth(2).map_or(Ok(8), |s| s.parse())?;
    let figures = std::env::args().nth(3).map_or_else(|| data.clone(), PathBuf::from);
    ensure_data(&data)?;
    std::fs::create_dir_all(&figures)?;

    // ANCHOR: load
    let t0 = Instant::now();
    let stores = |years: &[i32]| years.iter().map(|&y| data.join(store_name(y))).collect::<Vec<_>>();
    // Lazy datasets: the four features and convection_flag = (tp > 5), every third hour.
    let (train_ds, val_ds) = (convection_dataset(&stores(&[2019, 2020]), 3)?, convection_dataset(&stores(&[2021]), 3)?);
    // z-scores with the statistics of the training years only.
    let normalizer = Normalizer::fit(&train_ds, &FEATURES)?;
    // xbatcher: 16 x 16 patches without overlap, 8 hours per batch (the workshop's 32 would drop
    // the last 16 of the 112 training hours and 24 of the 56 validation hours: xbatcher drops
    // an incomplete batch); a MapDataset of (X, y).
    let patches = |ds| -> anyhow::Result<PatchDataset> {
        Ok(PatchDataset::new(patch_generator(ds, 16, 8)?, &FEATURES, LABEL_NAME)?
            .with_normalizer(normalizer.clone())?)
    };
    let (train_set, val_set) = (patches(&train_ds)?, patches(&val_ds)?);
    // In memory for climatology, logistic regression and scoring (small presets only).
    let (train, val) = (collect_patches(&train_set)?, collect_patches(&val_set)?);
    println!(
        "train: {} batches, {} patches, {:.2} % convective; validation: {} patches, {:.2} %",
        train_set.len(),
        train.batch.len(),
        100.0 * train.batch.y.mean().unwrap_or(0.0),
        val.batch.len(),
        100.0 * val.batch.y.mean().unwrap_or(0.0),
    );
    eprintln!("patches loaded in {:.1} s", t0.elapsed().as_secs_f64());
    let (xtrain, xval) = (&train.batch, &val.batch);
    // ANCHOR_END: load

    // ANCHOR: climatology
    let clim = Climatology::fit(&train)?;
    let clim_scores = score(&clim.predict_proba(&train)?, &clim.predict_proba(&val)?, &train.batch, &val.batch)?;
    // ANCHOR_END: climatology

    // ANCHOR: logistic
    let t0 = Instant::now();
    let logit = LogisticRegression::fit(xtrain, &LogisticOptions::default())?;
    println!(
        "logistic regression: coefficients {:?} (CAPE, CIN, K index, BLH), intercept {:.3}, {} Newton steps",
        logit.coef.iter().map(|c| (c * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        logit.intercept,
        logit.n_iter,
    );
    eprintln!("logistic regression fitted in {:.1} s", t0.elapsed().as_secs_f64());
    let logit_scores =
        score(&logit.predict_proba(xtrain.x.view())?, &logit.predict_proba(xval.x.view())?, xtrain, xval)?;
    // ANCHOR_END: logistic

    // ANCHOR: cnn
    let t0 = Instant::now();
    let mut cnn = ConvNet::new(&ConvNetConfig::default())?;
    println!("CNN: {} parameters, {epochs} epochs", cnn.num_parameters());
    // PyTorch's DataLoader(dataset, batch_size=4, shuffle=True): 4 of the generator's batches
    // (32 patches of 4 random places and times) per step, in a seeded random order each epoch,
    // read ahead by one worker thread.
    let loader = DataLoader::new(train_set).batch_size(Some(4)).shuffle(true).seed(0).num_workers(1);
    let opts = TrainOptions { epochs, learning_rate: 3e-3, progress: true, ..TrainOptions::default() };
    let history = cnn.fit_loader(&loader, Some(xval), &opts)?;
    eprintln!("CNN trained in {:.1} s", t0.elapsed().as_secs_f64());
    for (e, (tl, vl)) in history.train_loss.iter().zip(&history.val_loss).enumerate() {
        println!("  epoch {:>2}: train loss {tl:.4}, validation loss {vl:.4}", e + 1);
    }
    history.loss_chart()?.title("CNN loss (weighted BCE)").save_png(figures.join("convection-loss.png"))?;
    let checkpoint = data.join("convection-cnn.safetensors");
    cnn.save(&checkpoint)?;
    let cnn_scores = score(&cnn.predict_proba(xtrain.x.view())?, &cnn.predict_proba(xval.x.view())?, xtrain, xval)?;
    // ANCHOR_END: cnn

    // ANCHOR: table
    println!("\nvalidation (2021), threshold chosen on 2019-2020 for the best CSI:");
    println!("{:<22} {:>9} {:>7} {:>7} {:>7} {:>7}", "model", "threshold", "CSI", "ETS", "F1", "AUC");
    for (name, s) in [("climatology", clim_scores), ("logistic regression", logit_scores), ("CNN", cnn_scores)] {
        println!("{name:<22} {:>9.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}", s.threshold, s.csi, s.ets, s.f1, s.auc);
    }
    // ANCHOR_END: table

    // ANCHOR: predict
    // Predictions back on the map: 16 x 16 squares overlapping by 4 pixels, plus squares
    // aligned to the south and east edges so every pixel is predicted, 8 hours per batch.
    // The outputs are stitched into one (time, latitude, longitude) array with 2021's
    // coordinates; where squares overlap, their probabilities are averaged.
    let t0 = Instant::now();
    let cover = PatchDataset::new(prediction_generator(&val_ds, 16, 4, 8)?, &FEATURES, LABEL_NAME)?
        .with_normalizer(normalizer.clone())?;
    let prob = predict_map(&cover, "convection_probability", |x| cnn.predict_proba(x))?;
    let obs = val_ds.get(LABEL_NAME)?;
    println!("\n{} batches of squares stitched into {:?} {:?}", cover.len(), prob.dims(), prob.shape());
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
        println!("{name:<12} over time: mean {mean:.3}, min {lo:.3}, max {hi:.3} ({} grid points)", v.len());
    }
    // ANCHOR_END: skill_maps

    // ANCHOR: panel
    // The workshop's 2 x 3 figure: observation, prediction and their difference at one
    // hour (the 2021 hour with the most convection), then the three score maps.
    let per_hour = obs.sum(&["latitude", "longitude"][..])?.to_vec_f64()?;
    let t = (0..per_hour.len()).fold(0, |b, i| if per_hour[i] > per_hour[b] { i } else { b });
    let at = |da: &DataArray| da.isel([("time", t)]);
    let diff = at(&prob)?.binary(BinaryOp::Sub, &at(&obs)?)?;
    let panel = |da: &DataArray, title: &str, label: &str, cmap: Colormap| {
        map(da).title(title).colorbar_label(label).cmap(cmap)
    };
    panels(2, 3)
        .map(panel(&at(&obs)?, "Observed", "convection (0 or 1)", Colormap::RdBuR).vmin(0.0).vmax(1.0))
        .map(panel(&at(&prob)?, "CNN", "probability of convection", Colormap::RdBuR).vmin(0.0).vmax(1.0))
        .map(panel(&diff, "CNN - observed", "difference", Colormap::RdBuR).vmin(-1.0).vmax(1.0))
        .map(panel(&rmse_map, "RMSE over time", "RMSE", Colormap::Viridis))
        .map(panel(&corr_map, "Correlation over time", "Pearson r", Colormap::RdBuR).vmin(-1.0).vmax(1.0))
        .map(panel(&mae_map, "MAE over time", "MAE", Colormap::Viridis))
        .title(format!("Convection on {} (top) and scores over 1-7 June 2021 (bottom)", time_label(&obs, t)?))
        .size(1560, 900)
        .save_png(figures.join("convection-verification.png"))?;
    line_chart(&corr_series)
        .title("Spatial correlation of the CNN's probability with the observed convection")
        .ylabel("Pearson r over latitude and longitude")
        .save_png(figures.join("convection-correlation-series.png"))?;
    // ANCHOR_END: panel

    // ANCHOR: report
    // scikit-learn's view: one table for all pixels, at the threshold chosen on 2019-2020.
    let y_true: Vec<bool> = obs.to_vec_f64()?.iter().map(|&v| v > 0.5).collect();
    let y_pred: Vec<bool> = prob.to_vec_f64()?.iter().map(|&p| p >= f64::from(cnn_scores.threshold)).collect();
    let cm = ConfusionMatrix::from_bools(&y_true, &y_pred)?;
    println!("\nconfusion matrix (rows: observed no/yes, columns: predicted no/yes): {:?}", cm.rows());
    println!("{}", cm.classification_report(Some(&["no convection", "convection"]), 3)?);
    let labels = ["no convection", "convection"];
    panels(1, 2)
        .panel(confusion_matrix(&cm.rows(), &labels).title("Pixels, 2021"))
        .panel(confusion_matrix(&cm.rows(), &labels).normalize(true).title("Recall per class"))
        .size(1100, 460)
        .save_png(figures.join("convection-confusion.png"))?;
    // ANCHOR_END: report
    for (name, s) in [("logistic regression", logit_scores), ("CNN", cnn_scores)] {
        anyhow::ensure!(
            s.csi > clim_scores.csi && s.ets > clim_scores.ets && s.auc > clim_scores.auc,
            "{name} does not beat climatology: {s:?} vs {clim_scores:?}"
        );
    }
    Ok(())
}

/// Validation scores at the threshold with the best CSI on the training data.
fn score(p_train: &Array3<f32>, p_val: &Array3<f32>, train: &Batch, val: &Batch) -> anyhow::Result<Scores> {
    let threshold = best_threshold(p_train.view(), train.y.view())?;
    Ok(evaluate(p_val.view(), val.y.view(), threshold)?)
}

fn ensure_data(data: &Path) -> anyhow::Result<()> {
    if [2019, 2020, 2021].iter().all(|&y| data.join(store_name(y)).exists()) {
        return Ok(());
    }
    eprintln!("generating 0.5° data for 1-7 June 2019-2021 into {}", data.display());
    let mut cfg = GenConfig::preset(Preset::Demo, data).with_days(7)?;
    cfg.step = 0.5;
    cfg.variables = vec![
        Variable::Cape,
        Variable::Cin,
        Variable::KIndex,
        Variable::BoundaryLayerHeight,
        Variable::TotalPrecipitation,
    ];
    cfg.overwrite = true;
    generate(&cfg, &ProgressBar::hidden())?;
    Ok(())
}

/// The date and hour of step `t` of `da`'s time axis, as `2021-06-03 15:00`.
fn time_label(da: &DataArray, t: usize) -> anyhow::Result<String> {
    let ns = cumulus::labeled::variable::block_i64(&da.coord("time")?.isel([("time", t)])?.values()?);
    let p = cumulus::labeled::time::parts(ns.first().copied().unwrap_or_default());
    Ok(format!("{:04}-{:02}-{:02} {:02}:00", p.year, p.month, p.day, p.hour))
}
