//! Machine learning for Part 3 of the workshop: classify convection per pixel.
//!
//! The label is `total_precipitation > 5` mm/hr; the features are CAPE, CIN, the K index and
//! the boundary-layer height ([`FEATURES`]). Patches of 16 × 16 pixels are cut by
//! cumulus-batches (xbatcher's `BatchGenerator`, a `PatchDataset` with a train-set
//! `Normalizer`, PyTorch's `DataLoader`; see [`convection_dataset`] and [`patch_generator`])
//! and come as a [`Batch`] (cumulus-batches' own): `x` is `(n, height, width, channel)`
//! (channels last), `y` is `(n, height, width)` with 0 or 1.
//!
//! Three models, from simple to spatial, all trained on the CPU:
//!
//! - [`Climatology`]: the train-set frequency of convection at each pixel (no features).
//! - [`LogisticRegression`]: one pixel at a time, on standardized features, fitted by
//!   linfa-logistic (scikit-learn's `LogisticRegression`); linfa has no class weights, so the
//!   balancing is a documented intercept shift (see [`LogisticRegression::fit`]).
//! - [`ConvNet`]: a few 3 × 3 convolutions with ReLU and a 1 × 1 head giving a logit per pixel,
//!   trained with weighted binary cross-entropy (`pos_weight`) and Adam (PyTorch's
//!   `BCEWithLogitsLoss(pos_weight=...)` and `torch.optim.Adam`), built on `candle`.
//!
//! [`run_part3`] (module [`pipeline`]) chains it all on the stores of a folder, as the
//! `convection` example and `cumulus demo` run it.
//!
//! [`evaluate`] scores probabilities against the labels with cumulus-skill (CSI, ETS, F1 at a
//! threshold chosen on the training data, and the ROC AUC).
//!
//! ## Why candle (and not burn)
//!
//! Measured on this project's 2-core machine (shared with other builds, so wall times are
//! noisy; CPU times are steadier), for the same throwaway program — the CNN below, weighted BCE,
//! Adam, 10 epochs of 1024 random 16 × 16 patches in batches of 64, with the workspace's dev
//! profile (dependencies at `opt-level = 3`):
//!
//! | | candle-core/candle-nn 0.11.1 (CPU) | burn 0.22.1 (`ndarray` + `autodiff` + `optim`) |
//! |---|---|---|
//! | cold `cargo build` | 5 min 47 s wall, 400 s user + 23 s sys | 18 min 5 s wall, 884 s user + 38 s sys |
//! | one epoch | 7.6 s | 27.6 s |
//!
//! For students candle reads like PyTorch (`Tensor`, `conv2d`, `relu`, `backward_step`), with
//! no backend type parameters; burn 0.22 has just reworked its API (tensors lost their backend
//! parameter, the `ndarray` backend is deprecated for `flex`), so examples in the wild no
//! longer compile. candle's CPU random numbers cannot be seeded, so [`ConvNet`] draws its
//! initial weights itself (PyTorch's default `Conv2d` initialisation) from a seed, which makes
//! training reproducible. The feature `ml` (on by default) can be turned off with
//! `default-features = false` to keep candle out of builds that do not need the models.
//!
//! ```
//! use cumulus::ml::{Batch, LogisticRegression, Standardizer, evaluate};
//! use ndarray::{Array3, Array4};
//!
//! // 8 patches of 4 × 4 pixels: convection where the first feature is large.
//! let x = Array4::from_shape_fn((8, 4, 4, 4), |(n, i, j, c)| ((n * 7 + i * 3 + j * 5 + c) % 11) as f32);
//! let y = Array3::from_shape_fn((8, 4, 4), |(n, i, j)| f32::from(x[[n, i, j, 0]] > 7.0));
//! let batch = Batch { x, y };
//! let scaler = Standardizer::fit(&batch)?;
//! let train = scaler.transform(&batch)?;
//! let model = LogisticRegression::fit(&train, &Default::default())?;
//! let p = model.predict_proba(train.x.view())?;
//! let scores = evaluate(p.view(), train.y.view(), 0.5)?;
//! assert!(scores.auc > 0.9);
//! # Ok::<(), cumulus::ml::MlError>(())
//! ```

mod batch;
mod climatology;
mod cnn;
mod data;
mod error;
mod logistic;
mod metrics;
pub mod pipeline;
mod predict;
mod standardize;

pub use climatology::Climatology;
pub use cnn::{ConvNet, ConvNetConfig, History, TrainOptions, Trainer};
pub use cumulus_batches::Batch;
pub use data::{
    FEATURES, LABEL, LABEL_NAME, LABEL_THRESHOLD, Patches, collect_patches, convection_dataset, load_patches,
    patch_generator,
};
pub use error::MlError;
pub use logistic::{LogisticOptions, LogisticRegression};
pub use metrics::{Scores, best_threshold, evaluate};
pub use pipeline::{Part3Options, Part3Results, run_part3};
pub use predict::{predict_map, prediction_generator};
pub use standardize::Standardizer;

use ndarray::{ArrayBase, ArrayView2, ArrayViewMut2, Data, DataMut, Ix2, Slice};

/// `a[i0..i0 + h, j0..j0 + w]` (without ndarray's `s!` macro, which the workspace's
/// `forbid(unsafe_code)` rejects).
pub(crate) fn window<S: Data>(
    a: &ArrayBase<S, Ix2>,
    (i0, j0): (usize, usize),
    (h, w): (usize, usize),
) -> ArrayView2<'_, S::Elem> {
    a.slice_each_axis(|ax| if ax.axis.index() == 0 { Slice::from(i0..i0 + h) } else { Slice::from(j0..j0 + w) })
}

/// The mutable [`window`].
pub(crate) fn window_mut<S: DataMut>(
    a: &mut ArrayBase<S, Ix2>,
    (i0, j0): (usize, usize),
    (h, w): (usize, usize),
) -> ArrayViewMut2<'_, S::Elem> {
    a.slice_each_axis_mut(|ax| if ax.axis.index() == 0 { Slice::from(i0..i0 + h) } else { Slice::from(j0..j0 + w) })
}
