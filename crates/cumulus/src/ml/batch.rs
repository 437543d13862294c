//! The models' input: [`cumulus_batches::Batch`] (re-exported as [`Batch`](super::Batch)),
//! patches of features and labels, channels last, as a `PatchDataset` yields them; and the
//! shape check every model runs on it.

use super::error::MlError;

/// Checks that `y` is `x` without its channel dim and that there is a channel.
pub(crate) fn check(x: &[usize], y: &[usize]) -> Result<(), MlError> {
    if x[3] == 0 {
        return Err(MlError::Empty { what: "the channel dim of x" });
    }
    if y != &x[..3] {
        return Err(MlError::Shape {
            what: "y",
            expected: format!("(n, height, width) = {:?} like x without its channel dim", &x[..3]),
            got: y.to_vec(),
        });
    }
    Ok(())
}

/// Checks that every value of `x` (`(n, height, width, channel)`) is finite; the error names
/// `what` and the first channel with NaN or infinite values.
pub(crate) fn check_finite(x: ndarray::ArrayView4<f32>, what: &str) -> Result<(), MlError> {
    if x.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    let ((k, i, j, c), v) = x.indexed_iter().find(|(_, v)| !v.is_finite()).map(|(ix, v)| (ix, *v)).unwrap_or_default();
    let count = x.index_axis(ndarray::Axis(3), c).iter().filter(|v| !v.is_finite()).count();
    Err(MlError::NotFinite {
        variable: format!("{what} channel {c}"),
        count,
        first: format!("{v} at [{k}, {i}, {j}, {c}]"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_must_be_x_without_channels() {
        assert!(check(&[2, 4, 4, 3], &[2, 4, 4]).is_ok());
        assert!(matches!(check(&[2, 4, 4, 3], &[2, 4, 5]), Err(MlError::Shape { what: "y", .. })));
        assert!(matches!(check(&[2, 4, 4, 0], &[2, 4, 4]), Err(MlError::Empty { .. })));
    }

    #[test]
    fn non_finite_features_name_the_channel_and_the_first_place() {
        let mut x = ndarray::Array4::<f32>::zeros((2, 3, 3, 2));
        assert!(check_finite(x.view(), "x").is_ok());
        x[[1, 0, 2, 1]] = f32::INFINITY;
        x[[1, 2, 2, 1]] = f32::NAN;
        let err = check_finite(x.view(), "x").unwrap_err();
        assert!(
            matches!(&err, MlError::NotFinite { variable, count: 2, first } if variable == "x channel 1" && first == "inf at [1, 0, 2, 1]"),
            "{err:?}"
        );
        assert!(err.to_string().contains("expected finite values"), "{err}");
    }
}
