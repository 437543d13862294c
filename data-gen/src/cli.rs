//! The command line shared by `era5-gen` and `cumulus gen`.

use std::path::PathBuf;

use clap::Args;
use cumulus_store::{Compressor, ZarrFormat};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Chunks, GenConfig, MonthDay, Preset};
use crate::error::GenError;
use crate::generate::{GenReport, generate, planned_bytes};
use crate::variables::Variable;

/// Generate synthetic ERA5-like Zarr stores, one per year.
///
/// Start from a preset and override any part of it with flags.
#[derive(Args, Clone, Debug, Default)]
pub struct GenArgs {
    /// Starting configuration: tiny (tests), demo, class, full.
    #[arg(long, default_value = "demo")]
    pub preset: String,
    /// Output folder.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,
    /// Years, one store each (e.g. --years 2019 2020).
    #[arg(long, num_args = 1..)]
    pub years: Option<Vec<i32>>,
    /// First day of each year, MM-DD.
    #[arg(long)]
    pub first: Option<String>,
    /// Last day of each year (inclusive), MM-DD.
    #[arg(long, conflicts_with = "days")]
    pub last: Option<String>,
    /// Number of days from the first day (instead of --last).
    #[arg(long)]
    pub days: Option<u32>,
    /// Grid step in degrees (0.25 = ERA5); must divide 30 and 40.
    #[arg(long)]
    pub step: Option<f64>,
    /// Variables, comma-separated store or short names (default: all nine).
    #[arg(long, value_delimiter = ',')]
    pub vars: Option<Vec<String>>,
    /// Chunk overrides, e.g. time=48,latitude=25.
    #[arg(long)]
    pub chunks: Option<String>,
    /// Compressor: zstd, lz4, lz4hc, blosc-zlib (Blosc with bit shuffle), gzip, none.
    #[arg(long)]
    pub compressor: Option<String>,
    /// Compression level (0–9).
    #[arg(long)]
    pub clevel: Option<u8>,
    /// Zarr format: 2 (the class's) or 3.
    #[arg(long)]
    pub zarr_format: Option<u8>,
    /// Random seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). The output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace existing stores.
    #[arg(long)]
    pub overwrite: bool,
    /// Also write one NetCDF-4 file per year (needs a build with the `netcdf` feature).
    #[arg(long)]
    pub netcdf: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

impl GenArgs {
    /// Arguments for `preset` into `out`, with nothing overridden.
    #[must_use]
    pub fn for_preset(preset: Preset, out: impl Into<PathBuf>) -> Self {
        GenArgs { preset: preset.to_string(), out: out.into(), ..GenArgs::default() }
    }

    /// The configuration these arguments describe.
    ///
    /// # Errors
    /// A [`GenError`] naming the first bad argument.
    pub fn to_config(&self) -> Result<GenConfig, GenError> {
        let preset: Preset = self.preset.parse()?;
        let mut cfg = GenConfig::preset(preset, &self.out);
        if let Some(years) = &self.years {
            cfg.years.clone_from(years);
        }
        if let Some(first) = &self.first {
            cfg.first = first.parse()?;
        }
        if let Some(last) = &self.last {
            cfg.last = last.parse::<MonthDay>()?;
        }
        if let Some(days) = self.days {
            cfg = cfg.with_days(days)?;
        }
        if let Some(step) = self.step {
            cfg.step = step;
        }
        if let Some(vars) = &self.vars {
            cfg.variables = vars
                .iter()
                .map(|v| v.trim().parse::<Variable>().map_err(GenError::UnknownVariable))
                .collect::<Result<_, _>>()?;
            let mut seen = cfg.variables.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() != cfg.variables.len() {
                return Err(GenError::BadArgument { argument: "--vars", reason: "a variable is given twice".into() });
            }
        }
        if let Some(chunks) = &self.chunks {
            cfg.chunks = Chunks::with_overrides(cfg.chunks, chunks)?;
        }
        if let Some(name) = &self.compressor {
            cfg.compressor = name
                .parse::<Compressor>()
                .map_err(|reason| GenError::BadArgument { argument: "--compressor", reason })?;
        }
        if let Some(level) = self.clevel {
            cfg.compressor = cfg.compressor.with_level(level);
        }
        if let Some(format) = self.zarr_format {
            cfg.format = match format {
                2 => ZarrFormat::V2,
                3 => ZarrFormat::V3,
                other => {
                    return Err(GenError::BadArgument {
                        argument: "--zarr-format",
                        reason: format!("{other}; expected 2 or 3"),
                    });
                }
            };
        }
        if let Some(seed) = self.seed {
            cfg.seed = seed;
        }
        cfg.threads = self.threads;
        cfg.overwrite = self.overwrite;
        cfg.netcdf = self.netcdf;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Runs the generator with a progress bar on the terminal (none when `--quiet` or when
    /// standard error is not a terminal).
    ///
    /// # Errors
    /// A [`GenError`]; bad arguments are reported before anything is written.
    pub fn run(&self) -> Result<GenReport, GenError> {
        let cfg = self.to_config()?;
        let bar = progress_bar(planned_bytes(&cfg), self.quiet);
        let report = generate(&cfg, &bar);
        bar.finish_and_clear();
        report
    }
}

/// A byte-counting progress bar on standard error, hidden when `quiet`.
#[must_use]
pub fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} generating {msg:>5} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
