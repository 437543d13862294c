//! [`LabeledAxis`]: a plotters axis over `f64` with ticks and labels chosen by us (names of
//! bars, dates), where plotters would choose round numbers.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

/// A linear `f64` axis whose ticks are exactly `ticks`, labelled with their strings.
#[derive(Clone)]
pub(crate) struct LabeledAxis {
    inner: RangedCoordf64,
    ticks: Vec<(f64, String)>,
}

impl LabeledAxis {
    /// An axis over `range` with these ticks.
    pub fn new(range: Range<f64>, ticks: Vec<(f64, String)>) -> LabeledAxis {
        LabeledAxis { inner: range.into(), ticks }
    }
}

impl Ranged for LabeledAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold points carry labels and gridlines; there are no light (minor) points.
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.iter().map(|t| t.0).collect() }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

impl ValueFormatter<f64> for LabeledAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks.iter().find(|t| t.0 == *value).map(|t| t.1.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::ranged1d::KeyPointWeight;

    struct Bold;
    impl KeyPointHint for Bold {
        fn max_num_points(&self) -> usize {
            10
        }
        fn weight(&self) -> KeyPointWeight {
            KeyPointWeight::Bold
        }
    }

    #[test]
    fn ticks_and_labels_are_ours() {
        let a = LabeledAxis::new(-0.5..1.5, vec![(0.0, "zstd".into()), (1.0, "lz4".into())]);
        assert_eq!(a.key_points(Bold), vec![0.0, 1.0]);
        assert_eq!(a.format_ext(&1.0), "lz4");
        assert_eq!(a.format_ext(&0.5), "");
        // Linear: the middle of the range maps to the middle of the pixels.
        assert_eq!(a.map(&0.5, (0, 100)), 50);
    }
}
