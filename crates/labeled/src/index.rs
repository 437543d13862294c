//! Indexes: the labels along a dimension and how labels, slices and nearest lookups become
//! positions — with xarray's (pandas') rules.
//!
//! - Label slices include both ends and follow the index's order: on the descending
//!   `latitude` (40 → 10), `25.0..=22.0` selects 25, 24.75, …, 22; a slice given in the other
//!   order (`22.0..=25.0`) selects nothing, exactly as xarray does.
//! - Time labels may be partial strings: `"2019-06"` on an hourly index selects the whole month
//!   (the dimension is kept); a string as precise as the index (`"2019-06-15T12"` on hourly
//!   data) selects one value (the dimension is dropped).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::error::{LabeledError, Result};
use crate::time::{self, format_ns, index_resolution, parse_partial};

/// A label used in selections.
#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    /// A number.
    Float(f64),
    /// An integer.
    Int(i64),
    /// A string: a name, or a (partial) date on a time index.
    Str(String),
    /// A datetime in nanoseconds since 1970.
    Time(i64),
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Float(v) => write!(f, "{v}"),
            Label::Int(v) => write!(f, "{v}"),
            Label::Str(s) => write!(f, "{s:?}"),
            Label::Time(t) => write!(f, "{}", format_ns(*t)),
        }
    }
}

macro_rules! label_from {
    ($($t:ty => $v:ident as $c:ty),*) => {$(
        impl From<$t> for Label { fn from(x: $t) -> Label { Label::$v(x as $c) } }
    )*};
}
label_from!(f64 => Float as f64, f32 => Float as f64, i64 => Int as i64, i32 => Int as i64, u32 => Int as i64,
    usize => Int as i64);
impl From<&str> for Label {
    fn from(s: &str) -> Label {
        Label::Str(s.to_string())
    }
}
impl From<String> for Label {
    fn from(s: String) -> Label {
        Label::Str(s)
    }
}

/// The values of an index.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexValues {
    /// Floating-point labels (latitude, longitude, pressure levels stored as floats).
    Float(Arc<[f64]>),
    /// Integer labels.
    Int(Arc<[i64]>),
    /// Datetimes (ns since 1970).
    Time(Arc<[i64]>),
    /// Names.
    Str(Arc<[String]>),
}

/// Monotonic order of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Strictly or weakly increasing.
    Ascending,
    /// Decreasing.
    Descending,
    /// Neither.
    Unordered,
}

/// The index of one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    dim: String,
    values: IndexValues,
    order: Order,
}

/// What a selector resolves to along one dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum Positions {
    /// One position; the dimension is dropped.
    Scalar(usize),
    /// A range of positions; the dimension is kept.
    Range(Range<usize>),
    /// A list of positions; the dimension is kept.
    List(Vec<usize>),
}

fn order_of<T: PartialOrd>(v: &[T]) -> Order {
    if v.windows(2).all(|w| w[0] <= w[1]) {
        Order::Ascending
    } else if v.windows(2).all(|w| w[0] >= w[1]) {
        Order::Descending
    } else {
        Order::Unordered
    }
}

impl Index {
    /// An index over `values` for dimension `dim`.
    pub fn new(dim: impl Into<String>, values: IndexValues) -> Index {
        let order = match &values {
            IndexValues::Float(v) => order_of(v),
            IndexValues::Int(v) | IndexValues::Time(v) => order_of(v),
            IndexValues::Str(v) => order_of(v),
        };
        Index { dim: dim.into(), values, order }
    }

    /// The dimension.
    pub fn dim(&self) -> &str {
        &self.dim
    }

    /// The values.
    pub fn values(&self) -> &IndexValues {
        &self.values
    }

    /// The order.
    pub fn order(&self) -> Order {
        self.order
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        match &self.values {
            IndexValues::Float(v) => v.len(),
            IndexValues::Int(v) | IndexValues::Time(v) => v.len(),
            IndexValues::Str(v) => v.len(),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for a datetime index.
    pub fn is_time(&self) -> bool {
        matches!(self.values, IndexValues::Time(_))
    }

    /// Label `i` as text.
    pub fn label_string(&self, i: usize) -> String {
        match &self.values {
            IndexValues::Float(v) => format!("{}", v[i]),
            IndexValues::Int(v) => format!("{}", v[i]),
            IndexValues::Time(v) => format_ns(v[i]),
            IndexValues::Str(v) => v[i].clone(),
        }
    }

    /// "40.0 … 10.0, 121 values, descending".
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "empty".into();
        }
        let n = self.len();
        let order = match self.order {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::Unordered => "unordered",
        };
        format!("{} … {}, {n} values, {order}", self.label_string(0), self.label_string(n - 1))
    }

    /// Keep positions `pos` (the index of a selection's result).
    pub fn take(&self, pos: &[usize]) -> Index {
        let values = match &self.values {
            IndexValues::Float(v) => IndexValues::Float(pos.iter().map(|&i| v[i]).collect()),
            IndexValues::Int(v) => IndexValues::Int(pos.iter().map(|&i| v[i]).collect()),
            IndexValues::Time(v) => IndexValues::Time(pos.iter().map(|&i| v[i]).collect()),
            IndexValues::Str(v) => IndexValues::Str(pos.iter().map(|&i| v[i].clone()).collect()),
        };
        Index::new(self.dim.clone(), values)
    }

    /// The numeric value of label `i` (datetimes in ns), `None` for strings.
    pub fn numeric(&self, i: usize) -> Option<f64> {
        match &self.values {
            IndexValues::Float(v) => Some(v[i]),
            IndexValues::Int(v) | IndexValues::Time(v) => Some(v[i] as f64),
            IndexValues::Str(_) => None,
        }
    }

    fn bad(&self, sel: &str, reason: &str) -> LabeledError {
        LabeledError::BadSelector { dim: self.dim.clone(), selector: sel.to_string(), reason: reason.to_string() }
    }

    fn not_found(&self, label: &Label) -> LabeledError {
        // Name the labels on either side of the one asked for, when it can be placed.
        let near = match (self.key(label), self.order) {
            (Ok(k), Order::Ascending | Order::Descending) if !self.is_empty() => {
                let mut by_distance: Vec<usize> = (0..self.len()).collect();
                by_distance.sort_by(|&a, &b| {
                    let d = |i: usize| (self.numeric(i).unwrap_or(f64::NAN) - k).abs();
                    d(a).total_cmp(&d(b)).then(a.cmp(&b))
                });
                let mut nearest: Vec<usize> = by_distance.into_iter().take(2).collect();
                nearest.sort_unstable();
                let names: Vec<String> = nearest.iter().map(|&i| self.label_string(i)).collect();
                format!(
                    "; the nearest labels are {} (select with nearest(...) to take the closest)",
                    names.join(" and ")
                )
            }
            _ => String::new(),
        };
        LabeledError::NoLabel {
            dim: self.dim.clone(),
            label: label.to_string(),
            summary: format!("{}{near}", self.summary()),
        }
    }

    /// A label as a number comparable with this index's values.
    fn key(&self, label: &Label) -> Result<f64> {
        match (&self.values, label) {
            (IndexValues::Str(_), _) => Err(self.bad(&label.to_string(), "this coordinate holds strings")),
            (IndexValues::Time(_), Label::Str(s)) => Ok(parse_partial(s)?.start as f64),
            (IndexValues::Time(_), Label::Time(t)) => Ok(*t as f64),
            (IndexValues::Time(_), _) => {
                Err(self.bad(&label.to_string(), "a time coordinate takes a date string such as \"2019-06-15\""))
            }
            (_, Label::Float(v)) => Ok(*v),
            (_, Label::Int(v)) => Ok(*v as f64),
            (_, Label::Time(_)) | (_, Label::Str(_)) => {
                Err(self.bad(&label.to_string(), "this coordinate is numeric; give a number"))
            }
        }
    }

    /// Exact lookup of one label (partial date strings coarser than the index select a range).
    ///
    /// # Errors
    /// [`LabeledError::NoLabel`] when absent (with a summary of the coordinate).
    pub fn get(&self, label: &Label) -> Result<Positions> {
        if let (IndexValues::Time(v), Label::Str(s)) = (&self.values, label) {
            let p = parse_partial(s)?;
            if p.resolution < index_resolution(v) {
                let pos: Vec<usize> = (0..v.len()).filter(|&i| v[i] >= p.start && v[i] < p.end).collect();
                if pos.is_empty() {
                    return Err(self.not_found(label));
                }
                return Ok(contiguous(pos));
            }
            return v.iter().position(|&t| t == p.start).map(Positions::Scalar).ok_or_else(|| self.not_found(label));
        }
        if let (IndexValues::Str(v), Label::Str(s)) = (&self.values, label) {
            return v.iter().position(|x| x == s).map(Positions::Scalar).ok_or_else(|| self.not_found(label));
        }
        let k = self.key(label)?;
        (0..self.len())
            .find(|&i| self.numeric(i) == Some(k))
            .map(Positions::Scalar)
            .ok_or_else(|| self.not_found(label))
    }

    /// Positions of several labels, in the order given (each must exist).
    ///
    /// # Errors
    /// The first label that is absent.
    pub fn get_many(&self, labels: &[Label]) -> Result<Vec<usize>> {
        labels
            .iter()
            .map(|l| match self.get(l)? {
                Positions::Scalar(i) => Ok(i),
                _ => Err(self.bad(&l.to_string(), "a list needs labels that each name one value")),
            })
            .collect()
    }

    /// A label slice, inclusive at both ends, in the index's order (see the module docs).
    ///
    /// # Errors
    /// On an unordered index, or a label of the wrong kind.
    pub fn slice(&self, start: Option<&Label>, stop: Option<&Label>) -> Result<Positions> {
        let n = self.len();
        // Bounds as numbers: a partial date as start takes its first instant, as stop its last.
        let lo = match start {
            Some(l) => Some(self.key(l)?),
            None => None,
        };
        // A partial date as stop ends where the next period begins (exclusive): comparing with
        // its last nanosecond would not work in f64, which cannot tell it from the next
        // period's first instant.
        let (hi, hi_inclusive) = match stop {
            Some(Label::Str(s)) if self.is_time() => (Some(parse_partial(s)?.end as f64), false),
            Some(l) => (Some(self.key(l)?), true),
            None => (None, true),
        };
        let val = |i: usize| self.numeric(i).unwrap_or(f64::NAN);
        let before_hi = |v: f64, hi: f64| if hi_inclusive { v <= hi } else { v < hi };
        let range = match self.order {
            Order::Ascending => {
                let a = lo.map_or(0, |lo| (0..n).find(|&i| val(i) >= lo).unwrap_or(n));
                let b = hi.map_or(n, |hi| (0..n).rev().find(|&i| before_hi(val(i), hi)).map_or(0, |i| i + 1));
                a..b.max(a)
            }
            Order::Descending => {
                let a = lo.map_or(0, |lo| (0..n).find(|&i| val(i) <= lo).unwrap_or(n));
                let b = hi.map_or(n, |hi| (0..n).rev().find(|&i| val(i) >= hi).map_or(0, |i| i + 1));
                a..b.max(a)
            }
            Order::Unordered => {
                return Err(self.bad(
                    &format!("{}..={}", fmt_opt(start), fmt_opt(stop)),
                    "label slices need a sorted coordinate (ascending or descending)",
                ));
            }
        };
        Ok(Positions::Range(range))
    }

    /// The position of the label nearest to `label`, optionally within `tolerance` (in the
    /// index's units; nanoseconds for time).
    ///
    /// # Errors
    /// [`LabeledError::BeyondTolerance`] when the nearest label is too far.
    pub fn nearest(&self, label: &Label, tolerance: Option<f64>) -> Result<usize> {
        let k = self.key(label)?;
        let mut best: Option<(usize, f64, f64)> = None;
        for i in 0..self.len() {
            let x = self.numeric(i).unwrap_or(f64::NAN);
            let d = (x - k).abs();
            // A tie goes to the larger label, on ascending and descending indexes alike, as
            // pandas' get_indexer(method="nearest") (and so xarray's sel) does.
            if best.is_none_or(|(_, bd, bx)| d < bd || (d == bd && x > bx)) {
                best = Some((i, d, x));
            }
        }
        let (i, d, _) = best.ok_or_else(|| self.not_found(label))?;
        if let Some(t) = tolerance
            && d > t
        {
            return Err(LabeledError::BeyondTolerance {
                dim: self.dim.clone(),
                label: label.to_string(),
                nearest: self.label_string(i),
                tolerance: t.to_string(),
            });
        }
        Ok(i)
    }
}

fn fmt_opt(l: Option<&Label>) -> String {
    l.map_or(String::new(), ToString::to_string)
}

fn contiguous(pos: Vec<usize>) -> Positions {
    if pos.windows(2).all(|w| w[1] == w[0] + 1) {
        Positions::Range(pos[0]..pos[pos.len() - 1] + 1)
    } else {
        Positions::List(pos)
    }
}

/// Days (as datetimes) from the first day of `values` to the last, for `resample("1D")`, and
/// the bin of every value. Works for any bin length in nanoseconds.
pub fn time_bins(values: &[i64], bin_ns: i64) -> (Vec<i64>, Vec<i64>) {
    if values.is_empty() {
        return (vec![], vec![]);
    }
    let first = values.iter().min().copied().unwrap_or(0).div_euclid(bin_ns);
    let last = values.iter().max().copied().unwrap_or(0).div_euclid(bin_ns);
    let starts = (first..=last).map(|b| b * bin_ns).collect();
    let labels = values.iter().map(|v| v.div_euclid(bin_ns) - first).collect();
    (starts, labels)
}

/// Calendar bins of `months` months whose starts fall on `anchor_month` (1–12) or every
/// `months` months from it: month starts (`"MS"`: 1, 1), quarters starting in December
/// (`"QS-DEC"`: 3, 12), year starts (`"YS"`: 12, 1). Returns the start of every bin from the
/// first value's to the last's (empty bins included, as pandas does) and each value's bin.
#[must_use]
pub fn calendar_bins(values: &[i64], months: i64, anchor_month: u32) -> (Vec<i64>, Vec<i64>) {
    if values.is_empty() || months <= 0 {
        return (vec![], vec![]);
    }
    let month_index = |ns: i64| {
        let (y, m, _) = time::civil_from_days(ns.div_euclid(time::NS_PER_DAY));
        y * 12 + i64::from(m) - 1
    };
    let offset = i64::from(anchor_month.clamp(1, 12)) - 1;
    let bin = |ns: i64| (month_index(ns) - offset).div_euclid(months);
    let first = values.iter().copied().map(bin).min().unwrap_or(0);
    let last = values.iter().copied().map(bin).max().unwrap_or(0);
    let starts = (first..=last)
        .map(|b| {
            let m = b * months + offset;
            time::days_from_civil(m.div_euclid(12), (m.rem_euclid(12) + 1) as u32, 1) * time::NS_PER_DAY
        })
        .collect();
    let labels = values.iter().map(|&v| bin(v) - first).collect();
    (starts, labels)
}

/// A calendar frequency: `"MS"`/`"1MS"`/`"3MS"` (month starts), `"QS"` or `"QS-DEC"` and the
/// other `QS-<MON>` (quarter starts), `"YS"`/`"AS"` (year starts): `(months per bin, anchor
/// month)`. `None` for anything else.
#[must_use]
pub fn parse_calendar_freq(freq: &str) -> Option<(i64, u32)> {
    let s = freq.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = if num.is_empty() { 1 } else { num.parse().ok()? };
    const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    let anchor = |name: &str| MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1);
    match unit {
        "MS" => Some((n, 1)),
        "QS" => Some((3 * n, 1)),
        "YS" | "AS" => Some((12 * n, 1)),
        _ => {
            let (kind, month) = unit.split_once('-')?;
            let a = anchor(month)?;
            match kind {
                "QS" => Some((3 * n, a)),
                "YS" | "AS" => Some((12 * n, a)),
                _ => None,
            }
        }
    }
    .filter(|(m, _)| *m > 0)
}

/// Parse a resample frequency: `"1D"`, `"D"`, `"6h"`, `"1H"`, `"30min"`, `"1W"`.
///
/// # Errors
/// [`LabeledError::BadSelector`] for anything else (calendar frequencies such as `"1MS"` are
/// read by [`parse_calendar_freq`]).
pub fn parse_freq(freq: &str) -> Result<i64> {
    let s = freq.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = if num.is_empty() { 1 } else { num.parse().unwrap_or(0) };
    let unit_ns = match unit {
        "D" | "d" => time::NS_PER_DAY,
        "h" | "H" => time::NS_PER_HOUR,
        "min" | "T" => time::NS_PER_MINUTE,
        "s" | "S" => time::NS_PER_SECOND,
        "W" => 7 * time::NS_PER_DAY,
        _ => 0,
    };
    if n <= 0 || unit_ns == 0 {
        return Err(LabeledError::BadSelector {
            dim: "time".into(),
            selector: freq.to_string(),
            reason: "resample takes a fixed frequency such as \"1D\", \"6h\", \"30min\" or \"1W\", or calendar bins \"1MS\", \"QS-DEC\", \"YS\"".into(),
        });
    }
    Ok(n * unit_ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lat() -> Index {
        Index::new("latitude", IndexValues::Float((0..121).map(|i| 40.0 - 0.25 * i as f64).collect()))
    }

    #[test]
    fn descending_slices_follow_xarray() {
        let i = lat();
        assert_eq!(i.slice(Some(&25.0.into()), Some(&22.0.into())).unwrap(), Positions::Range(60..73));
        // Wrong order on a descending index: empty, like xarray.
        assert_eq!(i.slice(Some(&22.0.into()), Some(&25.0.into())).unwrap(), Positions::Range(72..72));
        assert_eq!(i.nearest(&25.1.into(), None).unwrap(), 60);
        assert!(i.nearest(&50.0.into(), Some(1.0)).is_err());
        let e = i.get(&25.1.into()).unwrap_err().to_string();
        assert!(e.contains("25.1") && e.contains("descending"), "{e}");
    }

    #[test]
    fn partial_dates_select_ranges_or_points() {
        let h = time::NS_PER_HOUR;
        let start = time::days_from_civil(2019, 5, 31) * time::NS_PER_DAY;
        let t = Index::new("time", IndexValues::Time((0..72).map(|k| start + k * h).collect()));
        assert_eq!(t.get(&"2019-06-01".into()).unwrap(), Positions::Range(24..48));
        assert_eq!(t.get(&"2019-06-01T05".into()).unwrap(), Positions::Scalar(29));
        assert_eq!(t.slice(Some(&"2019-06-01".into()), Some(&"2019-06-02".into())).unwrap(), Positions::Range(24..72));
        assert!(t.get(&"2019-07".into()).is_err());
    }

    #[test]
    fn bins_and_frequencies() {
        assert_eq!(parse_freq("1D").unwrap(), time::NS_PER_DAY);
        assert_eq!(parse_freq("6h").unwrap(), 6 * time::NS_PER_HOUR);
        assert!(parse_freq("1M").is_err());
        let (starts, labels) = time_bins(&[0, 5, 25 * time::NS_PER_HOUR], time::NS_PER_DAY);
        assert_eq!(starts.len(), 2);
        assert_eq!(labels, vec![0, 0, 1]);
    }
}
