//! Part 3 of the class, end to end: classify convection (`total_precipitation > 5` mm/hr) per
//! pixel from CAPE, CIN, the K index and the boundary-layer height, on 16 × 16 patches.
//! Train on 2019–2020, validate on 2021; compare climatology, logistic regression and a small
//! CNN by CSI, ETS, F1 and AUC.
//!
//! ```text
//! cargo run -p cumulus --features ml --example convection -- [DATA] [EPOCHS]
//! ```
//!
//! DATA (default `data/convection`) gets the generated stores if they are missing: a 0.5° grid
//! (61 × 81 points), 1–7 June of 2019–2021, only the five variables needed (a few seconds to
//! write). Every third hour is used, cut by xbatcher's `BatchGenerator` into 16 × 16 patches
//! of 8 hours, normalised with the training years' statistics, and fed to the CNN by a
//! shuffling `DataLoader`. The loss curve goes to `DATA/convection-loss.png`, the
//! CNN's weights to `DATA/convection-cnn.safetensors`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cumulus::batches::dataset::MapDataset;
use cumulus::batches::{DataLoader, Normalizer, PatchDataset};
use cumulus::data_gen::{GenConfig, Preset, Variable, generate, store_name};
use cumulus::ml::{
    Batch, Climatology, ConvNet, ConvNetConfig, FEATURES, LABEL_NAME, LogisticOptions, LogisticRegression, Scores,
    TrainOptions, best_threshold, collect_patches, convection_dataset, evaluate, patch_generator,
};
use indicatif::ProgressBar;
use ndarray::Array3;

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/convection".into()));
    let epochs: usize = std::env::args().nth(2).map_or(Ok(8), |s| s.parse())?;
    ensure_data(&data)?;

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
        "train: {} batches, {} patches, {:.2} % convective; validation: {} patches, {:.2} % ({:.1} s)",
        train_set.len(),
        train.batch.len(),
        100.0 * train.batch.y.mean().unwrap_or(0.0),
        val.batch.len(),
        100.0 * val.batch.y.mean().unwrap_or(0.0),
        t0.elapsed().as_secs_f64()
    );
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
        "logistic regression: coefficients {:?} (CAPE, CIN, K index, BLH), intercept {:.3}, {} Newton steps, {:.1} s",
        logit.coef.iter().map(|c| (c * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        logit.intercept,
        logit.n_iter,
        t0.elapsed().as_secs_f64()
    );
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
    println!("trained in {:.1} s", t0.elapsed().as_secs_f64());
    for (e, (tl, vl)) in history.train_loss.iter().zip(&history.val_loss).enumerate() {
        println!("  epoch {:>2}: train loss {tl:.4}, validation loss {vl:.4}", e + 1);
    }
    let png = data.join("convection-loss.png");
    history.loss_chart()?.title("CNN loss (weighted BCE)").save_png(&png)?;
    println!("loss curve: {}", png.display());
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
