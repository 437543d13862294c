//! [`Batch`]: patches of features and labels, channels last (what `cumulus-batches` yields).

use ndarray::{Array3, Array4};

use super::error::MlError;

/// A batch of patches: `x` is `(n, height, width, channel)` (channels last, like an xbatcher
/// batch of a `Dataset` stacked along a `channel` dim), `y` is `(n, height, width)` with 1 where
/// there is convection and 0 elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// Features, `(n, height, width, channel)`.
    pub x: Array4<f32>,
    /// Labels, `(n, height, width)`.
    pub y: Array3<f32>,
}

impl Batch {
    /// A batch from features and labels whose first three dims agree.
    ///
    /// # Errors
    /// [`MlError::Shape`] when `y`'s shape is not `x`'s without the channel dim, or
    /// [`MlError::Empty`] when `x` has no channel.
    pub fn new(x: Array4<f32>, y: Array3<f32>) -> Result<Batch, MlError> {
        check(x.shape(), y.shape())?;
        Ok(Batch { x, y })
    }

    /// The number of patches.
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.shape()[0]
    }

    /// Whether there is no patch.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of feature channels.
    #[must_use]
    pub fn channels(&self) -> usize {
        self.x.shape()[3]
    }
}

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
