//! Coordinates: the latitude/longitude grid, the pressure levels and the hourly time axis.

use chrono::{Datelike, NaiveDate, Timelike};

use crate::config::MonthDay;
use crate::error::GenError;

/// The 13 pressure levels (hPa), from the surface up, as ERA5's subset has them.
pub const LEVELS: [i32; 13] = [1000, 975, 950, 925, 900, 850, 800, 700, 600, 500, 400, 300, 200];

/// The CF units of the time coordinate.
pub const TIME_UNITS: &str = "hours since 1900-01-01 00:00:00";
/// The CF calendar of the time coordinate.
pub const TIME_CALENDAR: &str = "gregorian";

/// The horizontal grid: latitude 40 → 10 (descending, as ERA5 stores it), longitude 100 → 140.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Latitudes, degrees north, descending.
    pub latitude: Vec<f32>,
    /// Longitudes, degrees east, ascending.
    pub longitude: Vec<f32>,
}

impl Grid {
    /// The grid with spacing `step` degrees.
    ///
    /// # Errors
    /// [`GenError::BadStep`] unless `step` is positive and divides 30 and 40.
    ///
    /// ```
    /// let g = cumulus_data_gen::Grid::new(0.25)?;
    /// assert_eq!((g.latitude.len(), g.longitude.len()), (121, 161));
    /// assert_eq!((g.latitude[0], g.latitude[120]), (40.0, 10.0));
    /// assert!(cumulus_data_gen::Grid::new(0.7).is_err());
    /// # Ok::<(), cumulus_data_gen::GenError>(())
    /// ```
    pub fn new(step: f64) -> Result<Self, GenError> {
        let count = |span: f64| {
            let n = span / step;
            (step.is_finite() && step > 0.0 && (n - n.round()).abs() < 1e-9 && n >= 1.0).then(|| n.round() as usize + 1)
        };
        let (Some(ny), Some(nx)) = (count(30.0), count(40.0)) else {
            return Err(GenError::BadStep { step });
        };
        Ok(Grid {
            latitude: (0..ny).map(|i| (40.0 - step * i as f64) as f32).collect(),
            longitude: (0..nx).map(|j| (100.0 + step * j as f64) as f32).collect(),
        })
    }
}

/// One hourly time step, with what the physical model needs of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hour {
    /// Hours since 1900-01-01 00:00 (the stored value).
    pub since_1900: i64,
    /// Day of year, 0-based, plus the fraction of the day (0.0 = 1 January 00:00).
    pub day_of_year: f32,
    /// Hour of the day, UTC.
    pub utc_hour: f32,
}

/// The hourly time axis of `year` from `first` 00:00 to `last` 23:00.
///
/// # Errors
/// [`GenError::BadDate`] if a day does not exist in `year`.
///
/// ```
/// use cumulus_data_gen::{MonthDay, time_axis};
/// let t = time_axis(2019, MonthDay::new(6, 1), MonthDay::new(6, 2))?;
/// assert_eq!(t.len(), 48);
/// assert_eq!(t[0].since_1900, 1_046_760); // 2019-06-01T00 is 43 615 days after 1900-01-01
/// assert_eq!(t[25].utc_hour, 1.0);
/// # Ok::<(), cumulus_data_gen::GenError>(())
/// ```
pub fn time_axis(year: i32, first: MonthDay, last: MonthDay) -> Result<Vec<Hour>, GenError> {
    let epoch = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = first.in_year(year)?.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = last.in_year(year)?.and_hms_opt(23, 0, 0).unwrap_or_default();
    let hours = (end - start).num_hours();
    Ok((0..=hours)
        .map(|h| {
            let t = start + chrono::Duration::hours(h);
            Hour {
                since_1900: (t - epoch).num_hours(),
                day_of_year: t.ordinal0() as f32 + t.hour() as f32 / 24.0,
                utc_hour: t.hour() as f32,
            }
        })
        .collect())
}
