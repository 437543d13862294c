//! Datetimes as `i64` nanoseconds since 1970-01-01 (NumPy's `datetime64[ns]`), CF time
//! decoding and encoding, partial date strings and the `dt` components.
//!
//! ```
//! use cumulus_labeled::time::{CfTime, parse_partial, format_ns};
//!
//! let cf = CfTime::parse("hours since 1900-01-01 00:00:00", Some("gregorian")).unwrap();
//! let t = cf.decode(1_044_168); // 43 507 days after 1900-01-01
//! assert_eq!(format_ns(t), "2019-02-13T00:00:00");
//! let june = parse_partial("2019-06").unwrap();
//! assert_eq!(format_ns(june.start), "2019-06-01T00:00:00");
//! assert_eq!(format_ns(june.end), "2019-07-01T00:00:00");
//! ```

use crate::error::LabeledError;

/// Nanoseconds per unit.
pub const NS_PER_SECOND: i64 = 1_000_000_000;
/// Nanoseconds in a minute.
pub const NS_PER_MINUTE: i64 = 60 * NS_PER_SECOND;
/// Nanoseconds in an hour.
pub const NS_PER_HOUR: i64 = 60 * NS_PER_MINUTE;
/// Nanoseconds in a day.
pub const NS_PER_DAY: i64 = 24 * NS_PER_HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// The broken-down parts of a datetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// year
    pub year: i64,
    /// month 1–12
    pub month: u32,
    /// day of month 1–31
    pub day: u32,
    /// hour 0–23
    pub hour: u32,
    /// minute 0–59
    pub minute: u32,
    /// second 0–59
    pub second: u32,
    /// day of year 1–366
    pub dayofyear: u32,
    /// day of week, Monday = 0 (pandas' convention)
    pub dayofweek: u32,
}

/// Break a datetime into its parts.
pub fn parts(ns: i64) -> Parts {
    let days = ns.div_euclid(NS_PER_DAY);
    let rem = ns.rem_euclid(NS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let secs = rem / NS_PER_SECOND;
    Parts {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: ((secs / 60) % 60) as u32,
        second: (secs % 60) as u32,
        dayofyear: (days - days_from_civil(year, 1, 1) + 1) as u32,
        // 1970-01-01 was a Thursday (3 with Monday = 0).
        dayofweek: ((days + 3).rem_euclid(7)) as u32,
    }
}

/// The meteorological season of a month: "DJF", "MAM", "JJA", "SON".
pub fn season(month: u32) -> &'static str {
    match month {
        12 | 1 | 2 => "DJF",
        3..=5 => "MAM",
        6..=8 => "JJA",
        _ => "SON",
    }
}

/// Format as ISO 8601 (`2019-06-01T00:00:00`, with fractional seconds when present).
pub fn format_ns(ns: i64) -> String {
    let p = parts(ns);
    let frac = ns.rem_euclid(NS_PER_SECOND);
    let base = format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", p.year, p.month, p.day, p.hour, p.minute, p.second);
    if frac == 0 { base } else { format!("{base}.{frac:09}") }
}

/// How precise a partial date string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resolution {
    /// `2019`
    Year,
    /// `2019-06`
    Month,
    /// `2019-06-15`
    Day,
    /// `2019-06-15T12`
    Hour,
    /// `2019-06-15T12:30`
    Minute,
    /// `2019-06-15T12:30:00`
    Second,
}

/// A partial date string as the half-open range of instants it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    /// First instant covered.
    pub start: i64,
    /// First instant after.
    pub end: i64,
    /// How precise the string was.
    pub resolution: Resolution,
}

/// Parse `"2019"`, `"2019-06"`, `"2019-06-15"`, `"2019-06-15T12"` (or with a space),
/// `"2019-06-15T12:30"`, `"2019-06-15T12:30:00"`.
///
/// # Errors
/// [`LabeledError::BadDate`] naming the string and the accepted forms.
pub fn parse_partial(s: &str) -> Result<Partial, LabeledError> {
    let bad = || LabeledError::BadDate {
        text: s.to_string(),
        expected: "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS".into(),
    };
    let t = s.trim();
    let (date, time) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let dparts: Vec<&str> = date.split('-').collect();
    let num = |x: &str| x.parse::<i64>().map_err(|_| bad());
    let year = num(dparts.first().ok_or_else(bad)?)?;
    let month = if dparts.len() > 1 { num(dparts[1])? as u32 } else { 1 };
    let day = if dparts.len() > 2 { num(dparts[2])? as u32 } else { 1 };
    if dparts.len() > 3 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad());
    }
    let mut res = match dparts.len() {
        1 => Resolution::Year,
        2 => Resolution::Month,
        _ => Resolution::Day,
    };
    let (mut h, mut mi, mut se) = (0i64, 0i64, 0i64);
    if let Some(tm) = time {
        if res != Resolution::Day {
            return Err(bad());
        }
        let tp: Vec<&str> = tm.split(':').collect();
        h = num(tp[0])?;
        res = Resolution::Hour;
        if tp.len() > 1 {
            mi = num(tp[1])?;
            res = Resolution::Minute;
        }
        if tp.len() > 2 {
            se = num(tp[2])?;
            res = Resolution::Second;
        }
        if tp.len() > 3 || !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&se) {
            return Err(bad());
        }
    }
    let start =
        days_from_civil(year, month, day) * NS_PER_DAY + h * NS_PER_HOUR + mi * NS_PER_MINUTE + se * NS_PER_SECOND;
    let end = match res {
        Resolution::Year => days_from_civil(year + 1, 1, 1) * NS_PER_DAY,
        Resolution::Month => {
            let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
            days_from_civil(ny, nm, 1) * NS_PER_DAY
        }
        Resolution::Day => start + NS_PER_DAY,
        Resolution::Hour => start + NS_PER_HOUR,
        Resolution::Minute => start + NS_PER_MINUTE,
        Resolution::Second => start + NS_PER_SECOND,
    };
    Ok(Partial { start, end, resolution: res })
}

/// The finest resolution needed to tell the values of a time index apart (pandas'
/// `DatetimeIndex.resolution`): hourly data has resolution `Hour`.
pub fn index_resolution(values: &[i64]) -> Resolution {
    let mut res = Resolution::Year;
    for &v in values {
        let p = parts(v);
        let r = if p.second != 0 || v.rem_euclid(NS_PER_SECOND) != 0 {
            Resolution::Second
        } else if p.minute != 0 {
            Resolution::Minute
        } else if p.hour != 0 {
            Resolution::Hour
        } else if p.day != 1 {
            Resolution::Day
        } else if p.month != 1 {
            Resolution::Month
        } else {
            Resolution::Year
        };
        res = res.max(r);
        if res == Resolution::Second {
            break;
        }
    }
    // pandas never reports coarser than day for a DatetimeIndex.
    res.max(Resolution::Day)
}

/// A CF time encoding: `"<unit> since <reference>"` with a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfTime {
    /// Nanoseconds per unit.
    pub unit_ns: i64,
    /// The reference instant.
    pub epoch_ns: i64,
}

impl CfTime {
    /// Parse `units` (e.g. `"hours since 1900-01-01 00:00:00"`) and check the calendar.
    ///
    /// # Errors
    /// [`LabeledError::CfTime`] for an unknown unit, a bad reference date or a calendar other
    /// than standard/gregorian/proleptic_gregorian.
    pub fn parse(units: &str, calendar: Option<&str>) -> Result<CfTime, LabeledError> {
        let err = |why: &str| LabeledError::CfTime { units: units.to_string(), reason: why.to_string() };
        if let Some(c) = calendar {
            let c = c.to_ascii_lowercase();
            if !matches!(c.as_str(), "standard" | "gregorian" | "proleptic_gregorian") {
                return Err(err(&format!(
                    "calendar {c:?} is not supported (standard, gregorian and proleptic_gregorian are)"
                )));
            }
        }
        let (unit, since) = units.split_once(" since ").ok_or_else(|| err("expected \"<unit> since <date>\""))?;
        let unit_ns = match unit.trim().to_ascii_lowercase().as_str() {
            "days" | "day" | "d" => NS_PER_DAY,
            "hours" | "hour" | "h" | "hr" | "hrs" => NS_PER_HOUR,
            "minutes" | "minute" | "min" | "mins" => NS_PER_MINUTE,
            "seconds" | "second" | "s" | "sec" | "secs" => NS_PER_SECOND,
            "milliseconds" | "ms" => 1_000_000,
            "microseconds" | "us" => 1_000,
            "nanoseconds" | "ns" => 1,
            other => return Err(err(&format!("unknown time unit {other:?}"))),
        };
        let reference = since.trim().trim_end_matches('Z').trim_end_matches(" UTC");
        let reference = reference.split('.').next().unwrap_or(reference);
        let p = parse_partial(reference).map_err(|_| err(&format!("cannot read the reference date {since:?}")))?;
        Ok(CfTime { unit_ns, epoch_ns: p.start })
    }

    /// Decode one stored value. Values beyond the nanosecond datetimes (years 1678–2262)
    /// saturate; [`CfTime::checked_decode`] tells them apart.
    pub fn decode(&self, v: i64) -> i64 {
        self.epoch_ns.saturating_add(v.saturating_mul(self.unit_ns))
    }

    /// Decode one stored value, or `None` when it lies beyond the datetimes a nanosecond
    /// count can hold (years 1678–2262), as a corrupt or foreign time coordinate may.
    ///
    /// ```
    /// use cumulus_labeled::time::CfTime;
    /// let cf = CfTime::parse("hours since 2019-01-01", None)?;
    /// assert_eq!(cf.checked_decode(1), Some(cf.decode(0) + 3_600_000_000_000));
    /// assert_eq!(cf.checked_decode(i64::MAX / 2), None);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    pub fn checked_decode(&self, v: i64) -> Option<i64> {
        v.checked_mul(self.unit_ns).and_then(|x| x.checked_add(self.epoch_ns))
    }

    /// Decode a float value (CF allows float time).
    pub fn decode_f64(&self, v: f64) -> i64 {
        self.epoch_ns + (v * self.unit_ns as f64).round() as i64
    }

    /// [`CfTime::decode_f64`], or `None` for NaN, infinities and values beyond the nanosecond
    /// datetimes.
    pub fn checked_decode_f64(&self, v: f64) -> Option<i64> {
        // The offset in floats, the sum in integers, as `decode_f64`: an epoch far from 1970
        // added in floats would round the result to a multiple of up to 512 ns.
        let offset = (v * self.unit_ns as f64).round();
        // i64::MAX as f64 rounds up to 2^63, which is already out of range.
        let fits = offset.is_finite() && offset >= i64::MIN as f64 && offset < i64::MAX as f64;
        fits.then_some(offset as i64).and_then(|o| o.checked_add(self.epoch_ns))
    }

    /// Encode a datetime as a value in this unit (exact when it is a whole number of units).
    pub fn encode(&self, ns: i64) -> i64 {
        (ns - self.epoch_ns).div_euclid(self.unit_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked float decoding gives what `decode_f64` gives, to the nanosecond, also for an
    /// epoch far from 1970 (where adding in floats would round), and `None` only out of range.
    #[test]
    fn checked_float_decoding_is_exact_to_the_nanosecond() {
        let cf = CfTime::parse("seconds since 1900-01-01", None).unwrap();
        for v in [0.5, 1.25, 3_600.000_001, -0.5, 1.0e9 + 0.5] {
            let want = cf.decode_f64(v);
            assert_eq!(cf.checked_decode_f64(v), Some(want), "{v}");
        }
        assert_eq!(cf.checked_decode_f64(0.5), Some(cf.decode(0) + 500_000_000));
        for v in [f64::NAN, f64::INFINITY, 1.0e12, -1.0e12] {
            assert_eq!(cf.checked_decode_f64(v), None, "{v}");
        }
    }

    #[test]
    fn civil_round_trip_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in [-800_000, -1, 0, 1, 18_000, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        // 2019-06-01 was a Saturday: dayofweek 5 with Monday = 0; day of year 152.
        let p = parts(days_from_civil(2019, 6, 1) * NS_PER_DAY + 13 * NS_PER_HOUR);
        assert_eq!((p.dayofweek, p.dayofyear, p.hour), (5, 152, 13));
        assert_eq!(parts(days_from_civil(2020, 12, 31) * NS_PER_DAY).dayofyear, 366);
    }

    #[test]
    fn cf_decoding_matches_xarray() {
        // xarray: decode_cf of 1044168 "hours since 1900-01-01 00:00:00" → 2019-02-13T00:00.
        let cf = CfTime::parse("hours since 1900-01-01 00:00:00", Some("gregorian")).unwrap();
        assert_eq!(format_ns(cf.decode(1_044_168)), "2019-02-13T00:00:00");
        assert_eq!(cf.encode(cf.decode(1_044_168)), 1_044_168);
        let e = CfTime::parse("days since 2000-01-01", Some("noleap")).unwrap_err().to_string();
        assert!(e.contains("noleap"), "{e}");
    }

    #[test]
    fn partial_strings_cover_their_period() {
        let p = parse_partial("2020-02").unwrap();
        assert_eq!((p.end - p.start) / NS_PER_DAY, 29);
        assert_eq!(parse_partial("2019-06-15T12").unwrap().resolution, Resolution::Hour);
        assert!(parse_partial("2019-02-29").is_err());
        assert!(parse_partial("June").is_err());
    }
}
