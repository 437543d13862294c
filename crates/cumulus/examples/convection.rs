//! Part 3 of the class, end to end: classify convection (`total_precipitation > 5` mm/hr) per
//! pixel from CAPE, CIN, the K index and the boundary-layer height, on 16 × 16 patches.
//! Train on 2019–2020, validate on 2021; compare climatology, logistic regression and a small
//! CNN by CSI, ETS, F1 and AUC.
//!
//! ```text
//! cargo run -p cumulus --example convection -- [DATA] [EPOCHS] [FIGURES]
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
//!
//! The pipeline itself is the library's [`cumulus::ml::run_part3`] (also run by
//! `cumulus demo` in a build with the `ml` feature); this example makes the data and checks
//! that both models beat climatology.

use std::path::{Path, PathBuf};

use cumulus::data_gen::{GenConfig, Preset, Variable, generate, store_name};
use cumulus::ml::{Part3Options, run_part3};
use indicatif::ProgressBar;

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/convection".into()));
    let epochs: usize = std::env::args().nth(2).map_or(Ok(8), |s| s.parse())?;
    let figures = std::env::args().nth(3).map_or_else(|| data.clone(), PathBuf::from);
    ensure_data(&data)?;
    let opts = Part3Options {
        checkpoint: Some(data.join("convection-cnn.safetensors")),
        epochs,
        progress: true,
        ..Part3Options::new(&data, figures)
    };
    let r = run_part3(&opts, &mut std::io::stdout().lock())?;
    anyhow::ensure!(
        r.beats_climatology(),
        "a model does not beat climatology: logistic regression {:?}, CNN {:?}, climatology {:?}",
        r.logistic,
        r.cnn,
        r.climatology
    );
    Ok(())
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
