//! [`Climatology`]: the reference forecast every model must beat — the training-set frequency
//! of convection at each pixel of the grid, whatever the weather.

use ndarray::{Array2, Array3, Axis};

use super::data::Patches;
use super::error::MlError;
use super::{window, window_mut};

/// The frequency of convection at each grid pixel in the training data.
#[derive(Clone, Debug, PartialEq)]
pub struct Climatology {
    /// Probability of convection at each (latitude, longitude) of the grid.
    pub rate: Array2<f32>,
}

impl Climatology {
    /// Counts convection at each grid pixel over all training patches.
    ///
    /// # Errors
    /// [`MlError::Shape`] when `corners` does not have one entry per patch or a patch falls
    /// outside `grid`; [`MlError::Empty`] with no patch.
    pub fn fit(train: &Patches) -> Result<Climatology, MlError> {
        check(train)?;
        let (h, w) = (train.batch.y.shape()[1], train.batch.y.shape()[2]);
        let mut hits = Array2::<f64>::zeros(train.grid);
        let mut count = Array2::<f64>::zeros(train.grid);
        for (k, &(i0, j0)) in train.corners.iter().enumerate() {
            let y = train.batch.y.index_axis(Axis(0), k);
            window_mut(&mut hits, (i0, j0), (h, w)).zip_mut_with(&y, |a, &b| *a += f64::from(b));
            window_mut(&mut count, (i0, j0), (h, w)).mapv_inplace(|c| c + 1.0);
        }
        let rate =
            ndarray::Zip::from(&hits).and(&count).map_collect(|&a, &c| if c > 0.0 { (a / c) as f32 } else { 0.0 });
        Ok(Climatology { rate })
    }

    /// The climatological probability at every pixel of `patches`.
    ///
    /// # Errors
    /// [`MlError::Shape`] when `patches` is on another grid than the training data or its
    /// corners do not match its patches.
    pub fn predict_proba(&self, patches: &Patches) -> Result<Array3<f32>, MlError> {
        check(patches)?;
        if patches.grid != self.rate.dim() {
            return Err(MlError::Shape {
                what: "the grid of the patches",
                expected: format!("{:?} as in training", self.rate.dim()),
                got: vec![patches.grid.0, patches.grid.1],
            });
        }
        let (h, w) = (patches.batch.y.shape()[1], patches.batch.y.shape()[2]);
        let mut out = Array3::<f32>::zeros(patches.batch.y.dim());
        for (k, &(i0, j0)) in patches.corners.iter().enumerate() {
            out.index_axis_mut(Axis(0), k).assign(&window(&self.rate, (i0, j0), (h, w)));
        }
        Ok(out)
    }
}

fn check(p: &Patches) -> Result<(), MlError> {
    let (n, h, w) = p.batch.y.dim();
    if n == 0 {
        return Err(MlError::Empty { what: "the patches" });
    }
    if p.corners.len() != n {
        return Err(MlError::Shape {
            what: "corners",
            expected: format!("one per patch ({n})"),
            got: vec![p.corners.len()],
        });
    }
    if let Some(&(i0, j0)) = p.corners.iter().find(|&&(i, j)| i + h > p.grid.0 || j + w > p.grid.1) {
        return Err(MlError::Shape {
            what: "a patch corner",
            expected: format!("a {h} x {w} patch inside the {:?} grid", p.grid),
            got: vec![i0, j0],
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::Batch;
    use ndarray::Array4;

    #[test]
    fn rate_is_the_per_pixel_frequency() {
        // A 2 x 4 grid cut into two 2 x 2 patches, seen at two times.
        let y = Array3::from_shape_vec(
            (4, 2, 2),
            vec![1., 0., 0., 0., /**/ 1., 1., 1., 1., /**/ 1., 0., 1., 0., /**/ 0., 1., 1., 1.],
        )
        .unwrap();
        let p = Patches {
            batch: Batch { x: Array4::zeros((4, 2, 2, 1)), y },
            corners: vec![(0, 0), (0, 2), (0, 0), (0, 2)],
            times: vec![0, 0, 1, 1],
            grid: (2, 4),
        };
        let c = Climatology::fit(&p).unwrap();
        assert_eq!(c.rate, ndarray::array![[1.0, 0.0, 0.5, 1.0], [0.5, 0.0, 1.0, 1.0]]);
        let pred = c.predict_proba(&p).unwrap();
        assert_eq!(pred.index_axis(Axis(0), 2), ndarray::array![[1.0, 0.0], [0.5, 0.0]]);
        let bad = Patches { grid: (2, 3), ..p };
        assert!(matches!(Climatology::fit(&bad), Err(MlError::Shape { .. })));
    }
}
