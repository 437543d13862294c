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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_must_be_x_without_channels() {
        assert!(check(&[2, 4, 4, 3], &[2, 4, 4]).is_ok());
        assert!(matches!(check(&[2, 4, 4, 3], &[2, 4, 5]), Err(MlError::Shape { what: "y", .. })));
        assert!(matches!(check(&[2, 4, 4, 0], &[2, 4, 4]), Err(MlError::Empty { .. })));
    }
}
