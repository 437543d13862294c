//! What to generate: presets, and every setting a flag can override.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use cumulus_store::{Compressor, ZarrFormat};

use crate::error::GenError;
use crate::variables::Variable;

/// A named starting configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// For tests and exercises: a 2° grid (16 × 21 points), 29 June – 2 July (crossing a month
    /// boundary) of 2019–2021, with small spatial chunks (8 × 8) so selections cross chunk
    /// boundaries; about 17 MB on disk in all.
    Tiny,
    /// For the demo: the full 0.25° grid, 1–14 June of 2019–2021; about 4.5 GB uncompressed.
    Demo,
    /// For the class: the full grid, June–August of 2019–2021; about 29 GB uncompressed.
    Class,
    /// Like the real data set: the full grid, whole years 2019–2023; about 195 GB uncompressed.
    Full,
}

impl FromStr for Preset {
    type Err = GenError;
    fn from_str(s: &str) -> Result<Self, GenError> {
        match s {
            "tiny" => Ok(Preset::Tiny),
            "demo" => Ok(Preset::Demo),
            "class" => Ok(Preset::Class),
            "full" => Ok(Preset::Full),
            _ => Err(GenError::UnknownPreset { name: s.to_owned() }),
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Preset::Tiny => "tiny",
            Preset::Demo => "demo",
            Preset::Class => "class",
            Preset::Full => "full",
        })
    }
}

/// A day of the year as month and day, the same in every generated year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl MonthDay {
    /// `month`-`day`.
    #[must_use]
    pub const fn new(month: u32, day: u32) -> Self {
        MonthDay { month, day }
    }

    /// This day in `year`.
    ///
    /// # Errors
    /// [`GenError::BadDate`] if it does not exist in that year (29 February).
    pub fn in_year(self, year: i32) -> Result<NaiveDate, GenError> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .ok_or_else(|| GenError::BadDate { text: self.to_string(), year: Some(year) })
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl FromStr for MonthDay {
    type Err = GenError;
    fn from_str(s: &str) -> Result<Self, GenError> {
        let bad = || GenError::BadDate { text: s.to_owned(), year: None };
        let (m, d) = s.split_once('-').ok_or_else(bad)?;
        let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        // 2020 is a leap year, so every real month-day exists in it.
        NaiveDate::from_ymd_opt(2020, month, day).ok_or_else(bad)?;
        Ok(MonthDay { month, day })
    }
}

/// Chunk sizes along the four dimensions (3-D variables use the same without `level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunks {
    /// Time steps per chunk.
    pub time: u64,
    /// Levels per chunk.
    pub level: u64,
    /// Latitudes per chunk.
    pub latitude: u64,
    /// Longitudes per chunk.
    pub longitude: u64,
}

impl Default for Chunks {
    /// The workshop's chunks: `{time: 24, level: 13, latitude: 50, longitude: 50}`.
    fn default() -> Self {
        Chunks { time: 24, level: 13, latitude: 50, longitude: 50 }
    }
}

impl Chunks {
    /// Applies overrides like `time=48,latitude=25` on top of `self`.
    ///
    /// # Errors
    /// [`GenError::BadChunks`] for an unknown dimension, a value that is not a positive
    /// integer, or a malformed item.
    ///
    /// ```
    /// use cumulus_data_gen::Chunks;
    /// let c = Chunks::default().with_overrides("time=48,latitude=25")?;
    /// assert_eq!((c.time, c.level, c.latitude, c.longitude), (48, 13, 25, 50));
    /// assert!(Chunks::default().with_overrides("time=0").is_err());
    /// assert!(Chunks::default().with_overrides("height=3").is_err());
    /// # Ok::<(), cumulus_data_gen::GenError>(())
    /// ```
    pub fn with_overrides(mut self, text: &str) -> Result<Self, GenError> {
        let bad = |reason: String| GenError::BadChunks { text: text.to_owned(), reason };
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (dim, value) =
                item.split_once('=').ok_or_else(|| bad(format!("{item:?} is not of the form dim=size")))?;
            let value: i64 = value.trim().parse().map_err(|_| bad(format!("{value:?} is not an integer")))?;
            let value = u64::try_from(value)
                .ok()
                .filter(|&v| v > 0)
                .ok_or_else(|| bad(format!("{dim} = {value}: chunk sizes must be at least 1")))?;
            match dim.trim() {
                "time" => self.time = value,
                "level" => self.level = value,
                "latitude" | "lat" => self.latitude = value,
                "longitude" | "lon" => self.longitude = value,
                other => {
                    return Err(bad(format!("unknown dimension {other:?}; expected time, level, latitude, longitude")));
                }
            }
        }
        Ok(self)
    }
}

/// Everything that decides what the generator writes.
#[derive(Clone, Debug, PartialEq)]
pub struct GenConfig {
    /// The preset this started from (recorded in the store attributes).
    pub preset: Preset,
    /// Output folder; one store per year goes in it.
    pub out: PathBuf,
    /// Years, one store each.
    pub years: Vec<i32>,
    /// First day of each year's store.
    pub first: MonthDay,
    /// Last day (inclusive) of each year's store.
    pub last: MonthDay,
    /// Grid step in degrees (0.25 is ERA5's).
    pub step: f64,
    /// Variables to write.
    pub variables: Vec<Variable>,
    /// Chunk shape.
    pub chunks: Chunks,
    /// Compressor of the data variables.
    pub compressor: Compressor,
    /// Zarr format.
    pub format: ZarrFormat,
    /// Random seed: the bytes depend only on it and on the settings above.
    pub seed: u64,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Replace existing stores.
    pub overwrite: bool,
    /// Also write each year as one NetCDF-4 file (`era5_<year>_10N40N_100E140E.nc`) with the
    /// same chunking, for the lesson that compares NetCDF with Zarr. Needs the `netcdf` feature.
    pub netcdf: bool,
}

/// The default seed (the peer's).
pub const DEFAULT_SEED: u64 = 20_190_601;

impl GenConfig {
    /// The preset's configuration, writing into `out`.
    #[must_use]
    pub fn preset(preset: Preset, out: impl Into<PathBuf>) -> Self {
        let (years, first, last, step, chunks) = match preset {
            Preset::Tiny => (
                vec![2019, 2020, 2021],
                MonthDay::new(6, 29),
                MonthDay::new(7, 2),
                2.0,
                Chunks { latitude: 8, longitude: 8, ..Chunks::default() },
            ),
            Preset::Demo => {
                (vec![2019, 2020, 2021], MonthDay::new(6, 1), MonthDay::new(6, 14), 0.25, Chunks::default())
            }
            Preset::Class => {
                (vec![2019, 2020, 2021], MonthDay::new(6, 1), MonthDay::new(8, 31), 0.25, Chunks::default())
            }
            Preset::Full => {
                ((2019..=2023).collect(), MonthDay::new(1, 1), MonthDay::new(12, 31), 0.25, Chunks::default())
            }
        };
        GenConfig {
            preset,
            out: out.into(),
            years,
            first,
            last,
            step,
            variables: Variable::ALL.to_vec(),
            chunks,
            compressor: Compressor::blosc_zstd(3),
            format: ZarrFormat::V2,
            seed: DEFAULT_SEED,
            threads: None,
            overwrite: false,
            netcdf: false,
        }
    }

    /// Sets the last day so that each year has `days` days from the first.
    ///
    /// # Errors
    /// [`GenError::BadArgument`] if `days` is 0 or runs past 31 December.
    pub fn with_days(mut self, days: u32) -> Result<Self, GenError> {
        let bad = |reason: String| GenError::BadArgument { argument: "--days", reason };
        if days == 0 {
            return Err(bad("must be at least 1".into()));
        }
        // Count in a non-leap year so the same month-day works in every year.
        let start = self.first.in_year(2019).or_else(|_| self.first.in_year(2020))?;
        let end = start + chrono::Days::new(u64::from(days - 1));
        if end.year() != start.year() {
            return Err(bad(format!("{days} days from {} run past 31 December", self.first)));
        }
        self.last = MonthDay::new(end.month(), end.day());
        Ok(self)
    }

    /// Checks everything that can be checked without touching the disk.
    ///
    /// # Errors
    /// The first problem found, as a [`GenError`] naming the setting.
    pub fn validate(&self) -> Result<(), GenError> {
        if self.years.is_empty() {
            return Err(GenError::Empty { what: "the list of years" });
        }
        if self.variables.is_empty() {
            return Err(GenError::Empty { what: "the list of variables" });
        }
        if let Some(y) = self.years.iter().find(|y| !(1901..=2200).contains(*y)) {
            return Err(GenError::BadArgument { argument: "--years", reason: format!("{y} is outside 1901–2200") });
        }
        let mut sorted = self.years.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != self.years.len() {
            return Err(GenError::BadArgument { argument: "--years", reason: "a year is given twice".into() });
        }
        if self.last < self.first {
            return Err(GenError::EndBeforeStart { first: self.first.to_string(), last: self.last.to_string() });
        }
        for &year in &self.years {
            self.first.in_year(year)?;
            self.last.in_year(year)?;
        }
        crate::grid::Grid::new(self.step)?;
        if self.netcdf && !cfg!(feature = "netcdf") {
            return Err(GenError::BadArgument {
                argument: "--netcdf",
                reason: "this build has no NetCDF support; install libnetcdf (Debian: apt-get install \
                         libnetcdf-dev) and build with `--features netcdf`"
                    .into(),
            });
        }
        let c = self.chunks;
        if [c.time, c.level, c.latitude, c.longitude].contains(&0) {
            return Err(GenError::BadChunks {
                text: format!("{c:?}"),
                reason: "chunk sizes must be at least 1".into(),
            });
        }
        if let Err(reason) = self.compressor.validate() {
            return Err(GenError::BadArgument { argument: "--clevel", reason });
        }
        if self.threads == Some(0) {
            return Err(GenError::BadArgument { argument: "--threads", reason: "must be at least 1".into() });
        }
        Ok(())
    }

    /// The store path for `year`: `<out>/era5_<year>_10N40N_100E140E.zarr`.
    #[must_use]
    pub fn store_path(&self, year: i32) -> PathBuf {
        self.out.join(store_name(year))
    }

    /// The NetCDF file path for `year` (written only with [`GenConfig::netcdf`]).
    #[must_use]
    pub fn netcdf_path(&self, year: i32) -> PathBuf {
        self.store_path(year).with_extension("nc")
    }
}

/// The store name for `year`, as the workshop names it.
#[must_use]
pub fn store_name(year: i32) -> String {
    format!("era5_{year}_10N40N_100E140E.zarr")
}
