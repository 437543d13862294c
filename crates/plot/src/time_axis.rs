//! Ticks for a time axis: round instants (hours, days, month and year starts) with labels as
//! precise as the step needs. Times are `i64` nanoseconds since 1970, as in `cumulus-labeled`.

use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil, parts};

/// A step between ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Hours(i64),
    Days(i64),
    Months(i64),
}

const STEPS: [Step; 14] = [
    Step::Hours(1),
    Step::Hours(3),
    Step::Hours(6),
    Step::Hours(12),
    Step::Days(1),
    Step::Days(2),
    Step::Days(7),
    Step::Days(14),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Months(12),
    Step::Months(60),
];

/// Ticks between `t0` and `t1` (inclusive), at most `max` of them (at least 2 asked): the
/// smallest step from 1 h … 5 years that fits, aligned to round times (midnight, the 1st of a
/// month, January). Labels: `2019-06-15 12:00` for hours, `2019-06-15` for days, `2019-06`
/// for months, `2019` for years.
///
/// ```
/// use cumulus_plot::time_axis::time_ticks;
/// use cumulus_labeled::time::{NS_PER_DAY, NS_PER_HOUR, days_from_civil};
///
/// let t0 = days_from_civil(2019, 6, 30) * NS_PER_DAY;
/// let ticks = time_ticks(t0, t0 + 71 * NS_PER_HOUR, 5);
/// let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
/// assert_eq!(labels, ["2019-06-30", "2019-07-01", "2019-07-02"]);
/// ```
pub fn time_ticks(t0: i64, t1: i64, max: usize) -> Vec<(i64, String)> {
    let (t0, t1) = (t0.min(t1), t0.max(t1));
    let max = max.max(2);
    for step in STEPS {
        let ticks = ticks_with(step, t0, t1);
        if ticks.len() <= max {
            return ticks.into_iter().map(|t| (t, label(step, t))).collect();
        }
    }
    // Longer than 5 years × max: every 5·k years.
    let years = (parts(t1).year - parts(t0).year) / max as i64 + 1;
    let step = Step::Months(12 * ((years + 4) / 5 * 5));
    ticks_with(step, t0, t1).into_iter().map(|t| (t, label(step, t))).collect()
}

fn ticks_with(step: Step, t0: i64, t1: i64) -> Vec<i64> {
    let mut out = Vec::new();
    match step {
        Step::Hours(h) | Step::Days(h) => {
            let s = if let Step::Days(_) = step { h * NS_PER_DAY } else { h * NS_PER_HOUR };
            // The first tick is the first multiple of the step (counted from 1970) at or
            // after t0: hours on multiples of 3 h, days at midnight.
            let first = t0.div_euclid(s) * s + if t0.rem_euclid(s) == 0 { 0 } else { s };
            let mut t = first;
            while t <= t1 && out.len() < 10_000 {
                out.push(t);
                t += s;
            }
        }
        Step::Months(m) => {
            let p = parts(t0);
            let mut month_index = p.year * 12 + i64::from(p.month) - 1;
            if t0 > month_start(month_index) {
                month_index += 1;
            }
            month_index = month_index.div_euclid(m) * m + if month_index.rem_euclid(m) == 0 { 0 } else { m };
            loop {
                let t = month_start(month_index);
                if t > t1 || out.len() >= 10_000 {
                    break;
                }
                out.push(t);
                month_index += m;
            }
        }
    }
    out
}

/// The first instant of month `k` counted as `year * 12 + month - 1`.
fn month_start(k: i64) -> i64 {
    let (y, m) = (k.div_euclid(12), (k.rem_euclid(12) + 1) as u32);
    days_from_civil(y, m, 1) * NS_PER_DAY
}

fn label(step: Step, t: i64) -> String {
    let p = parts(t);
    match step {
        Step::Hours(_) => format!("{:04}-{:02}-{:02} {:02}:00", p.year, p.month, p.day, p.hour),
        Step::Days(_) => format!("{:04}-{:02}-{:02}", p.year, p.month, p.day),
        Step::Months(m) if m % 12 == 0 => format!("{:04}", p.year),
        Step::Months(_) => format!("{:04}-{:02}", p.year, p.month),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, m, d) * NS_PER_DAY + h * NS_PER_HOUR
    }

    fn labels(t: &[(i64, String)]) -> Vec<&str> {
        t.iter().map(|x| x.1.as_str()).collect()
    }

    #[test]
    fn hours_within_a_day() {
        let t = time_ticks(at(2019, 6, 15, 1), at(2019, 6, 15, 23), 8);
        assert_eq!(
            labels(&t),
            [
                "2019-06-15 03:00",
                "2019-06-15 06:00",
                "2019-06-15 09:00",
                "2019-06-15 12:00",
                "2019-06-15 15:00",
                "2019-06-15 18:00",
                "2019-06-15 21:00"
            ]
        );
        assert_eq!(t[0].0, at(2019, 6, 15, 3));
    }

    #[test]
    fn months_over_a_year_start_on_the_first() {
        let t = time_ticks(at(2019, 1, 1, 0), at(2019, 12, 31, 23), 6);
        assert_eq!(labels(&t), ["2019-01", "2019-03", "2019-05", "2019-07", "2019-09", "2019-11"]);
        assert_eq!(t[1].0, at(2019, 3, 1, 0));
        // Starting mid-month, the first tick is the next month that fits the step.
        let t = time_ticks(at(2019, 6, 15, 0), at(2019, 9, 30, 0), 4);
        assert_eq!(labels(&t), ["2019-07", "2019-08", "2019-09"]);
    }

    #[test]
    fn years_over_decades() {
        let t = time_ticks(at(1979, 1, 1, 0), at(2020, 12, 31, 0), 6);
        // Every 5 years would be 9 ticks: every 10 years, on decades.
        assert_eq!(labels(&t), ["1980", "1990", "2000", "2010", "2020"]);
    }
}
