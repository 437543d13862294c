//! [`Standardizer`]: per-channel mean and standard deviation, fitted on the training data
//! (scikit-learn's `StandardScaler` over all pixels).

use ndarray::{Array4, ArrayView4, Axis};

use super::Batch;
use super::error::MlError;

/// Subtracts each channel's training mean and divides by its training standard deviation, so
/// that CAPE (thousands of J/kg) and the K index (tens of K) weigh alike.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// The mean of each channel.
    pub mean: Vec<f32>,
    /// The standard deviation of each channel (1 where a channel is constant).
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Fits the means and standard deviations of each channel of `batch.x` over all pixels.
    ///
    /// # Errors
    /// [`MlError::Empty`] when the batch has no pixel or no channel, [`MlError::Shape`] when
    /// `y` is not `x` without its channel dim.
    pub fn fit(batch: &Batch) -> Result<Standardizer, MlError> {
        super::batch::check(batch.x.shape(), batch.y.shape())?;
        let c = batch.x.shape()[3];
        let flat = batch.x.view().into_shape_with_order((batch.x.len() / c, c)).map_err(|_| MlError::Shape {
            what: "x",
            expected: "a standard-layout (n, height, width, channel) array".into(),
            got: batch.x.shape().to_vec(),
        })?;
        if flat.nrows() == 0 {
            return Err(MlError::Empty { what: "the batch to fit the standardizer on" });
        }
        let n = flat.nrows() as f64;
        let mut mean = Vec::with_capacity(c);
        let mut std = Vec::with_capacity(c);
        for col in flat.axis_iter(Axis(1)) {
            let m = col.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let var = col.iter().map(|&v| (f64::from(v) - m).powi(2)).sum::<f64>() / n;
            mean.push(m as f32);
            std.push(if var > 0.0 { var.sqrt() as f32 } else { 1.0 });
        }
        Ok(Standardizer { mean, std })
    }

    /// The standardized features of `x` (`(n, height, width, channel)`).
    ///
    /// # Errors
    /// [`MlError::Shape`] when `x` has another number of channels than the fitted data.
    pub fn transform_x(&self, x: ArrayView4<f32>) -> Result<Array4<f32>, MlError> {
        if x.shape()[3] != self.mean.len() {
            return Err(MlError::Shape {
                what: "x",
                expected: format!("{} channels (as fitted)", self.mean.len()),
                got: x.shape().to_vec(),
            });
        }
        let mut out = x.to_owned();
        for (k, mut lane) in out.axis_iter_mut(Axis(3)).enumerate() {
            let (m, s) = (self.mean[k], self.std[k]);
            lane.mapv_inplace(|v| (v - m) / s);
        }
        Ok(out)
    }

    /// The batch with standardized features and the same labels.
    ///
    /// # Errors
    /// As [`transform_x`](Self::transform_x).
    pub fn transform(&self, batch: &Batch) -> Result<Batch, MlError> {
        Ok(Batch { x: self.transform_x(batch.x.view())?, y: batch.y.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Array4};

    #[test]
    fn standardized_channels_have_mean_zero_and_std_one() {
        let x = Array4::from_shape_fn((3, 2, 2, 2), |(n, i, j, c)| if c == 0 { (n + i + j) as f32 } else { 5.0 });
        let b = Batch { x, y: Array3::zeros((3, 2, 2)) };
        let s = Standardizer::fit(&b).unwrap();
        // Channel 0 holds 0,1,1,2, 1,2,2,3, 2,3,3,4: mean 2, squared deviations sum to 14.
        assert!((s.mean[0] - 2.0).abs() < 1e-6);
        assert!((s.std[0] - (14.0f32 / 12.0).sqrt()).abs() < 1e-6);
        // A constant channel is centred, not divided by zero.
        assert_eq!((s.mean[1], s.std[1]), (5.0, 1.0));
        let t = s.transform(&b).unwrap();
        let c0 = t.x.index_axis(Axis(3), 0);
        assert!(c0.mean().unwrap().abs() < 1e-6);
        assert!(t.x.index_axis(Axis(3), 1).iter().all(|&v| v == 0.0));
        assert!(matches!(s.transform_x(Array4::zeros((1, 2, 2, 3)).view()), Err(MlError::Shape { .. })));
    }
}
