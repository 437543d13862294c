//! [`ConvNet`]: a small fully convolutional network giving a convection logit per pixel,
//! trained with weighted binary cross-entropy and Adam on the CPU (built on `candle`).
//!
//! The PyTorch it mirrors:
//!
//! ```python
//! net = nn.Sequential(nn.Conv2d(4, 16, 3, padding=1), nn.ReLU(),
//!                     nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
//!                     nn.Conv2d(16, 1, 1))
//! loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(n_neg / n_pos))
//! opt = torch.optim.Adam(net.parameters(), lr=1e-3)
//! ```

use std::collections::HashMap;
use std::path::Path;

use candle_core::{D, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use cumulus_batches::DataLoader;
use cumulus_batches::dataset::MapDataset;
use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array3, ArrayView3, ArrayView4, Axis, Slice};

use super::Batch;
use super::batch::{check, check_finite};
use super::error::{MlError, tensor};

/// The shape of a [`ConvNet`] and the seed of its initial weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvNetConfig {
    /// Input channels (the features).
    pub in_channels: usize,
    /// Output channels of each hidden `kernel × kernel` convolution (each followed by ReLU).
    pub hidden: Vec<usize>,
    /// Side of the hidden convolutions' kernels (odd; padded to keep the patch size).
    pub kernel: usize,
    /// Seed of the initial weights.
    pub seed: u64,
}

impl Default for ConvNetConfig {
    /// Four features, two hidden layers of 16 channels, 3 × 3 kernels, seed 0.
    fn default() -> Self {
        ConvNetConfig { in_channels: 4, hidden: vec![16, 16], kernel: 3, seed: 0 }
    }
}

/// One convolution: weight `(out, in, k, k)`, bias `(out)`.
#[derive(Debug)]
struct Conv {
    w: Var,
    b: Var,
}

/// A fully convolutional network: hidden convolutions with ReLU, then a 1 × 1 convolution
/// giving one logit per pixel. Works on any patch size.
#[derive(Debug)]
pub struct ConvNet {
    layers: Vec<Conv>,
    config: ConvNetConfig,
}

/// SplitMix64: a tiny seeded generator for the initial weights and the shuffling (candle's
/// CPU random numbers cannot be seeded).
#[derive(Debug, Clone)]
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    fn symmetric(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

impl ConvNet {
    /// A network with PyTorch's default initial weights for `Conv2d` (uniform in
    /// `±1/√fan_in` for weights and biases), drawn from `config.seed`.
    ///
    /// # Errors
    /// [`MlError::BadArgument`] for zero channels or an even or zero kernel.
    pub fn new(config: &ConvNetConfig) -> Result<ConvNet, MlError> {
        if config.in_channels == 0 || config.hidden.contains(&0) {
            return Err(MlError::BadArgument {
                argument: "config",
                reason: format!(
                    "channel counts must be >= 1, got in {} hidden {:?}",
                    config.in_channels, config.hidden
                ),
            });
        }
        if config.kernel.is_multiple_of(2) {
            return Err(MlError::BadArgument {
                argument: "config.kernel",
                reason: format!("must be odd to keep the patch size, got {}", config.kernel),
            });
        }
        let mut rng = SplitMix(config.seed);
        let mut layers = Vec::new();
        let mut cin = config.in_channels;
        let shapes = config.hidden.iter().map(|&c| (c, config.kernel)).chain([(1, 1)]);
        for (cout, k) in shapes {
            let bound = 1.0 / ((cin * k * k) as f32).sqrt();
            let w: Vec<f32> = (0..cout * cin * k * k).map(|_| bound * rng.symmetric()).collect();
            let b: Vec<f32> = (0..cout).map(|_| bound * rng.symmetric()).collect();
            let w = Var::from_vec(w, (cout, cin, k, k), &Device::Cpu).map_err(tensor("initial weights"))?;
            let b = Var::from_vec(b, cout, &Device::Cpu).map_err(tensor("initial biases"))?;
            layers.push(Conv { w, b });
            cin = cout;
        }
        Ok(ConvNet { layers, config: config.clone() })
    }

    /// The configuration (after [`load`](Self::load), with seed 0).
    #[must_use]
    pub fn config(&self) -> &ConvNetConfig {
        &self.config
    }

    /// The number of trainable parameters.
    #[must_use]
    pub fn num_parameters(&self) -> usize {
        self.layers.iter().map(|l| l.w.elem_count() + l.b.elem_count()).sum()
    }

    fn vars(&self) -> Vec<Var> {
        self.layers.iter().flat_map(|l| [l.w.clone(), l.b.clone()]).collect()
    }

    /// Logits `(n, 1, h, w)` of a `(n, c, h, w)` tensor.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        let last = self.layers.len() - 1;
        for (i, l) in self.layers.iter().enumerate() {
            let k = l.w.dims()[2];
            h = h.conv2d(l.w.as_tensor(), k / 2, 1, 1, 1)?;
            h = h.broadcast_add(&l.b.as_tensor().reshape((1, l.b.dims()[0], 1, 1))?)?;
            if i < last {
                h = h.relu()?;
            }
        }
        Ok(h)
    }

    fn check_x(&self, x: &[usize]) -> Result<(), MlError> {
        if x[3] != self.config.in_channels {
            return Err(MlError::Shape {
                what: "x",
                expected: format!("(n, height, width, {}) channels last", self.config.in_channels),
                got: x.to_vec(),
            });
        }
        Ok(())
    }

    /// The logit of convection at every pixel of `x` (`(n, height, width, channel)`).
    ///
    /// # Errors
    /// [`MlError::Shape`] when `x` has the wrong number of channels.
    pub fn predict_logits(&self, x: ArrayView4<f32>) -> Result<Array3<f32>, MlError> {
        self.check_x(x.shape())?;
        let (n, h, w, _) = x.dim();
        let mut out = Array3::<f32>::zeros((n, h, w));
        // In slices of 256 patches, to bound the memory of the activations.
        for start in (0..n).step_by(256) {
            let end = (start + 256).min(n);
            let t = to_nchw(x.slice_axis(Axis(0), Slice::from(start..end)))?;
            let z = self.forward(&t).and_then(|z| z.squeeze(1)?.flatten_all()?.to_vec1::<f32>());
            let z = z.map_err(tensor("the forward pass"))?;
            out.slice_axis_mut(Axis(0), Slice::from(start..end)).assign(
                &ArrayView3::from_shape((end - start, h, w), &z).map_err(|_| MlError::Shape {
                    what: "logits",
                    expected: "one per pixel".into(),
                    got: vec![z.len()],
                })?,
            );
        }
        Ok(out)
    }

    /// The probability of convection at every pixel of `x` (`(n, height, width, channel)`).
    ///
    /// # Errors
    /// As [`predict_logits`](Self::predict_logits).
    pub fn predict_proba(&self, x: ArrayView4<f32>) -> Result<Array3<f32>, MlError> {
        Ok(self.predict_logits(x)?.mapv(|z| 1.0 / (1.0 + (-z).exp())))
    }

    /// The mean weighted binary cross-entropy of the logits for `batch` (PyTorch's
    /// `BCEWithLogitsLoss(pos_weight=...)`).
    ///
    /// # Errors
    /// As [`predict_logits`](Self::predict_logits), and [`MlError::Shape`] for mismatched `y`.
    pub fn loss(&self, batch: &Batch, pos_weight: f32) -> Result<f64, MlError> {
        check(batch.x.shape(), batch.y.shape())?;
        let z = self.predict_logits(batch.x.view())?;
        if z.is_empty() {
            return Err(MlError::Empty { what: "the batch" });
        }
        let sp = |v: f32| f64::from(v.max(0.0) + (-v.abs()).exp().ln_1p());
        let sum: f64 = ndarray::Zip::from(&z)
            .and(&batch.y)
            .fold(0.0, |acc, &z, &y| acc + f64::from(pos_weight * y) * sp(-z) + f64::from(1.0 - y) * sp(z));
        Ok(sum / z.len() as f64)
    }

    /// Writes the weights to a safetensors file (`conv0.weight`, `conv0.bias`, ...; readable
    /// by PyTorch with `safetensors.torch.load_file`).
    ///
    /// # Errors
    /// [`MlError::Checkpoint`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), MlError> {
        let path = path.as_ref();
        let mut map = HashMap::new();
        for (i, l) in self.layers.iter().enumerate() {
            map.insert(format!("conv{i}.weight"), l.w.as_tensor().clone());
            map.insert(format!("conv{i}.bias"), l.b.as_tensor().clone());
        }
        candle_core::safetensors::save(&map, path)
            .map_err(|e| MlError::Checkpoint { path: path.to_owned(), reason: e.to_string() })
    }

    /// Reads a network written by [`save`](Self::save); its shape comes from the weights.
    ///
    /// # Errors
    /// [`MlError::Checkpoint`] when the file cannot be read or its tensors do not form a
    /// network of this kind.
    pub fn load(path: impl AsRef<Path>) -> Result<ConvNet, MlError> {
        let path = path.as_ref();
        let bad = |reason: String| MlError::Checkpoint { path: path.to_owned(), reason };
        let mut map = candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| bad(e.to_string()))?;
        let mut layers = Vec::new();
        let mut hidden = Vec::new();
        let (mut in_channels, mut kernel) = (0, 1);
        let mut i = 0;
        while let Some(w) = map.remove(&format!("conv{i}.weight")) {
            let b = map.remove(&format!("conv{i}.bias")).ok_or_else(|| bad(format!("conv{i}.bias is missing")))?;
            let (cout, cin, k, k2) = w.dims4().map_err(|e| bad(format!("conv{i}.weight: {e}")))?;
            let prev = layers.last().map_or(cin, |l: &Conv| l.w.dims()[0]);
            if k != k2
                || k.is_multiple_of(2)
                || cin != prev
                || b.dims() != [cout]
                || w.dtype() != candle_core::DType::F32
            {
                return Err(bad(format!(
                    "conv{i}: weight {:?} and bias {:?} are not an odd square f32 kernel taking {prev} channels",
                    w.dims(),
                    b.dims()
                )));
            }
            if i == 0 {
                in_channels = cin;
            }
            if k > 1 {
                kernel = k;
            }
            hidden.push(cout);
            let w = Var::from_tensor(&w).map_err(|e| bad(e.to_string()))?;
            let b = Var::from_tensor(&b).map_err(|e| bad(e.to_string()))?;
            layers.push(Conv { w, b });
            i += 1;
        }
        if hidden.pop() != Some(1) {
            return Err(bad("expected conv0.weight ... and a last layer with 1 output channel".into()));
        }
        if !map.is_empty() {
            let mut extra: Vec<_> = map.into_keys().collect();
            extra.sort();
            return Err(bad(format!("unexpected tensors {extra:?}")));
        }
        Ok(ConvNet { layers, config: ConvNetConfig { in_channels, hidden, kernel, seed: 0 } })
    }

    /// Trains on `train` for `opts.epochs` epochs of shuffled mini-batches, recording the
    /// mean training loss of each epoch and, when `val` is given, the validation loss after it
    /// (PyTorch's usual loop: `model.train()` over a `DataLoader(shuffle=True)`, then
    /// `model.eval()` on the validation set).
    ///
    /// # Errors
    /// [`MlError::Shape`] for mismatched shapes, [`MlError::Empty`] for an empty training set
    /// or one without positives when `opts.pos_weight` is `None`, [`MlError::BadArgument`] for
    /// bad options.
    pub fn fit(&mut self, train: &Batch, val: Option<&Batch>, opts: &TrainOptions) -> Result<History, MlError> {
        check(train.x.shape(), train.y.shape())?;
        self.check_x(train.x.shape())?;
        if train.is_empty() {
            return Err(MlError::Empty { what: "the training set" });
        }
        if opts.batch_size == 0 {
            return Err(MlError::BadArgument { argument: "batch_size", reason: "must be at least 1".into() });
        }
        let pos_weight = match opts.pos_weight {
            Some(w) => w,
            None => balanced_pos_weight(train.y.view())?,
        };
        let mut rng = SplitMix(opts.seed ^ 0x5EED);
        let n = train.len();
        let epoch = |_: usize| -> Result<_, MlError> {
            // Fisher–Yates shuffle of the patch order.
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.below(i + 1));
            }
            let groups: Vec<Vec<usize>> = order.chunks(opts.batch_size).map(<[usize]>::to_vec).collect();
            Ok(groups
                .into_iter()
                .map(move |idx| Ok(Batch { x: train.x.select(Axis(0), &idx), y: train.y.select(Axis(0), &idx) })))
        };
        self.train_loop(val, opts, pos_weight, n.div_ceil(opts.batch_size), epoch)
    }

    /// Trains for `opts.epochs` epochs over the batches of a [`DataLoader`] (PyTorch's
    /// `for X, y in train_loader: ...` loop over xbatcher's `MapDataset`): epoch `e` is
    /// `loader.epoch(e)`, so the loader's shuffle, seed, batch size and workers apply and
    /// `opts.batch_size` and `opts.seed` are not used. With `opts.pos_weight` `None`, one pass
    /// over the loader's dataset first counts the classes. Records the losses as
    /// [`fit`](Self::fit) does; the same weights, loader seed and data give the same network.
    ///
    /// # Errors
    /// [`MlError::Batches`] when a batch cannot be read, and as [`fit`](Self::fit).
    pub fn fit_loader<D>(
        &mut self,
        loader: &DataLoader<D>,
        val: Option<&Batch>,
        opts: &TrainOptions,
    ) -> Result<History, MlError>
    where
        D: MapDataset<Item = Batch> + 'static,
    {
        if loader.is_empty() {
            return Err(MlError::Empty { what: "the training loader" });
        }
        let pos_weight = match opts.pos_weight {
            Some(w) => w,
            None => {
                let (mut pos, mut all) = (0usize, 0usize);
                for i in 0..loader.dataset().len() {
                    let b = loader.dataset().get(i)?;
                    pos += b.y.iter().filter(|&&v| v > 0.5).count();
                    all += b.y.len();
                }
                if pos == 0 || pos == all {
                    return Err(MlError::Empty {
                        what: "one of the two classes in the training labels (set pos_weight)",
                    });
                }
                (all - pos) as f32 / pos as f32
            }
        };
        let epoch = |e: usize| -> Result<_, MlError> { Ok(loader.epoch(e as u64)?.map(|b| b.map_err(MlError::from))) };
        self.train_loop(val, opts, pos_weight, loader.len(), epoch)
    }

    /// The epochs of [`fit`](Self::fit) and [`fit_loader`](Self::fit_loader): one Adam step
    /// per batch of `epoch(e)`, the mean training loss per patch, the validation loss.
    fn train_loop<F, I>(
        &mut self,
        val: Option<&Batch>,
        opts: &TrainOptions,
        pos_weight: f32,
        batches_per_epoch: usize,
        mut epoch: F,
    ) -> Result<History, MlError>
    where
        F: FnMut(usize) -> Result<I, MlError>,
        I: Iterator<Item = Result<Batch, MlError>>,
    {
        if let Some(v) = val {
            check(v.x.shape(), v.y.shape())?;
            self.check_x(v.x.shape())?;
        }
        let mut trainer = Trainer::new(self, opts.learning_rate, pos_weight)?;
        let bar = if opts.progress {
            ProgressBar::new((opts.epochs * batches_per_epoch) as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} batches {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix("CNN");
        let mut history = History::default();
        for e in 0..opts.epochs {
            let (mut total, mut n) = (0.0, 0usize);
            for batch in epoch(e)? {
                let batch = batch?;
                total += trainer.step(&batch)? * batch.len() as f64;
                n += batch.len();
                bar.inc(1);
            }
            if n == 0 {
                return Err(MlError::Empty { what: "an epoch of the training set" });
            }
            history.train_loss.push(total / n as f64);
            if let Some(v) = val {
                history.val_loss.push(trainer.net.loss(v, pos_weight)?);
            }
            bar.set_message(format!(
                "epoch {} loss {:.4}{}",
                e + 1,
                total / n as f64,
                history.val_loss.last().map(|l| format!(" val {l:.4}")).unwrap_or_default()
            ));
        }
        bar.finish();
        Ok(history)
    }
}

/// `n_negative / n_positive` of the labels: the `pos_weight` that gives both classes the same
/// total weight.
///
/// # Errors
/// [`MlError::Empty`] when there is no positive or no negative label.
pub(crate) fn balanced_pos_weight(y: ArrayView3<f32>) -> Result<f32, MlError> {
    let pos = y.iter().filter(|&&v| v > 0.5).count();
    if pos == 0 || pos == y.len() {
        return Err(MlError::Empty { what: "one of the two classes in the training labels (set pos_weight)" });
    }
    Ok((y.len() - pos) as f32 / pos as f32)
}

/// `(n, h, w, c)` channels last to a contiguous `(n, c, h, w)` tensor.
fn to_nchw(x: ArrayView4<f32>) -> Result<Tensor, MlError> {
    let (n, h, w, c) = x.dim();
    let data: Vec<f32> = x.permuted_axes([0, 3, 1, 2]).iter().copied().collect();
    Tensor::from_vec(data, (n, c, h, w), &Device::Cpu).map_err(tensor("building the input tensor"))
}

/// Mini-batch training of a [`ConvNet`] with Adam: one [`step`](Trainer::step) per batch, for
/// loops over a data loader.
#[derive(Debug)]
pub struct Trainer<'a> {
    net: &'a mut ConvNet,
    opt: AdamW,
    pos_weight: f32,
}

impl<'a> Trainer<'a> {
    /// Adam (β = 0.9, 0.999, ε = 1e-8, no weight decay) with learning rate `lr` on the
    /// parameters of `net`, minimising BCE with `pos_weight` on positives.
    ///
    /// # Errors
    /// [`MlError::BadArgument`] for a non-positive `lr` or `pos_weight`.
    pub fn new(net: &'a mut ConvNet, lr: f64, pos_weight: f32) -> Result<Trainer<'a>, MlError> {
        if !(lr > 0.0 && lr.is_finite()) {
            return Err(MlError::BadArgument { argument: "learning_rate", reason: format!("must be > 0, got {lr}") });
        }
        if !(pos_weight > 0.0 && pos_weight.is_finite()) {
            return Err(MlError::BadArgument {
                argument: "pos_weight",
                reason: format!("must be > 0, got {pos_weight}"),
            });
        }
        let params = ParamsAdamW { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };
        let opt = AdamW::new(net.vars(), params).map_err(tensor("creating the optimizer"))?;
        Ok(Trainer { net, opt, pos_weight })
    }

    /// One Adam step on the mean weighted BCE of `batch`; returns that loss (before the step).
    ///
    /// # Errors
    /// [`MlError::Shape`] for mismatched or wrongly sized arrays, [`MlError::Empty`] for an
    /// empty batch, [`MlError::NotFinite`] for NaN or infinite features.
    pub fn step(&mut self, batch: &Batch) -> Result<f64, MlError> {
        check(batch.x.shape(), batch.y.shape())?;
        self.net.check_x(batch.x.shape())?;
        if batch.is_empty() {
            return Err(MlError::Empty { what: "the batch" });
        }
        check_finite(batch.x.view(), "x")?;
        let x = to_nchw(batch.x.view())?;
        let (n, h, w) = batch.y.dim();
        let y = Tensor::from_vec(batch.y.iter().copied().collect::<Vec<f32>>(), (n, 1, h, w), &Device::Cpu)
            .map_err(tensor("building the label tensor"))?;
        let pw = f64::from(self.pos_weight);
        let loss = (|| -> candle_core::Result<Tensor> {
            let z = self.net.forward(&x)?;
            // BCE with logits: pw · y · softplus(−z) + (1 − y) · softplus(z), stable for any z.
            let softplus =
                |t: &Tensor| -> candle_core::Result<Tensor> { t.relu()? + (t.abs()?.neg()?.exp()? + 1.0)?.log()? };
            let pos = (y.affine(pw, 0.0)? * softplus(&z.neg()?)?)?;
            let neg = (y.affine(-1.0, 1.0)? * softplus(&z)?)?;
            (pos + neg)?.flatten_all()?.mean(D::Minus1)
        })()
        .map_err(tensor("the loss"))?;
        self.opt.backward_step(&loss).map_err(tensor("the backward pass and Adam step"))?;
        let l = loss.to_scalar::<f32>().map_err(tensor("reading the loss"))?;
        Ok(f64::from(l))
    }
}

/// How [`ConvNet::fit`] trains.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Passes over the training set.
    pub epochs: usize,
    /// Patches per mini-batch.
    pub batch_size: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Weight of positive pixels in the loss; `None`: `n_negative / n_positive` of the
    /// training labels.
    pub pos_weight: Option<f32>,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Show a progress bar (drawn only on a terminal).
    pub progress: bool,
}

impl Default for TrainOptions {
    /// 10 epochs of 32 patches, learning rate 1e-3, balanced classes, seed 0, no bar.
    fn default() -> Self {
        TrainOptions { epochs: 10, batch_size: 32, learning_rate: 1e-3, pos_weight: None, seed: 0, progress: false }
    }
}

/// The loss after each epoch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Mean training loss of each epoch (over its mini-batches, before each step).
    pub train_loss: Vec<f64>,
    /// Validation loss after each epoch (empty without a validation set).
    pub val_loss: Vec<f64>,
}

impl History {
    /// The loss curves as a line chart along `epoch` (1, 2, ...): `train` and, when recorded,
    /// `validation`; write it with `.save_png(path)`.
    ///
    /// # Errors
    /// [`MlError::Empty`] before the first epoch.
    pub fn loss_chart(&self) -> Result<cumulus_plot::LineChart, MlError> {
        if self.train_loss.is_empty() {
            return Err(MlError::Empty { what: "the loss history (no epoch yet)" });
        }
        let curve = |name: &str, v: &[f64]| -> Result<cumulus_labeled::DataArray, MlError> {
            let epochs: Vec<i64> = (1..=v.len() as i64).collect();
            cumulus_labeled::DataArray::new(name, cumulus_labeled::Variable::from_vec("epoch", v.to_vec()))
                .with_coord("epoch", cumulus_labeled::Variable::from_vec("epoch", epochs))
                .map_err(|e| MlError::Load { variable: name.into(), source: Box::new(e) })
        };
        let mut chart = cumulus_plot::line_chart(&curve("train", &self.train_loss)?).title("loss").ylabel("loss");
        if !self.val_loss.is_empty() {
            chart = chart.add_line(&curve("validation", &self.val_loss)?);
        }
        Ok(chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Array4};

    /// Patches where convection is where feature 0 exceeds 0.8, blurred by feature 1 of the
    /// left neighbour: learnable by a 3 × 3 convolution.
    fn toy(n: usize, seed: u64) -> Batch {
        let mut rng = SplitMix(seed);
        let x = Array4::from_shape_simple_fn((n, 8, 8, 2), || rng.symmetric());
        let y = Array3::from_shape_fn((n, 8, 8), |(k, i, j)| {
            let left = if j > 0 { x[[k, i, j - 1, 1]] } else { 0.0 };
            f32::from(x[[k, i, j, 0]] + 0.5 * left > 0.6)
        });
        Batch { x, y }
    }

    fn small(seed: u64) -> ConvNetConfig {
        ConvNetConfig { in_channels: 2, hidden: vec![8], kernel: 3, seed }
    }

    #[test]
    fn shapes_and_bad_input() {
        let net = ConvNet::new(&small(1)).unwrap();
        assert_eq!(net.num_parameters(), 8 * 2 * 9 + 8 + 8 + 1);
        let b = toy(3, 1);
        assert_eq!(net.predict_logits(b.x.view()).unwrap().dim(), (3, 8, 8));
        let p = net.predict_proba(b.x.view()).unwrap();
        assert!(p.iter().all(|&v| v > 0.0 && v < 1.0));
        let mut nan = b.clone();
        nan.x[[0, 1, 1, 1]] = f32::NAN;
        let mut other = ConvNet::new(&small(1)).unwrap();
        let mut t = Trainer::new(&mut other, 1e-3, 1.0).unwrap();
        assert!(matches!(t.step(&nan), Err(MlError::NotFinite { count: 1, .. })));
        let wrong = Array4::<f32>::zeros((1, 8, 8, 3));
        assert!(matches!(net.predict_logits(wrong.view()), Err(MlError::Shape { what: "x", .. })));
        assert!(matches!(
            ConvNet::new(&ConvNetConfig { kernel: 2, ..small(0) }),
            Err(MlError::BadArgument { argument: "config.kernel", .. })
        ));
    }

    #[test]
    fn loss_of_zero_logits_is_ln2_weighted() {
        // All weights 0: every logit is 0 and each pixel costs ln 2, times pos_weight if positive.
        let mut net = ConvNet::new(&small(3)).unwrap();
        for l in &mut net.layers {
            l.w.set(&l.w.zeros_like().unwrap()).unwrap();
            l.b.set(&l.b.zeros_like().unwrap()).unwrap();
        }
        let b = toy(4, 2);
        let frac = f64::from(b.y.mean().unwrap());
        let want = std::f64::consts::LN_2 * (3.0 * frac + (1.0 - frac));
        assert!((net.loss(&b, 3.0).unwrap() - want).abs() < 1e-6);
        // The training step computes the same loss in the autodiff graph.
        let mut t = Trainer::new(&mut net, 1e-3, 3.0).unwrap();
        assert!((t.step(&b).unwrap() - want).abs() < 1e-5);
    }

    #[test]
    fn training_lowers_the_loss_on_a_learnable_problem() {
        let (train, val) = (toy(64, 10), toy(32, 11));
        let mut net = ConvNet::new(&small(5)).unwrap();
        let opts = TrainOptions { epochs: 15, batch_size: 16, learning_rate: 1e-2, ..TrainOptions::default() };
        let h = net.fit(&train, Some(&val), &opts).unwrap();
        assert_eq!((h.train_loss.len(), h.val_loss.len()), (15, 15));
        assert!(h.val_loss[14] < 0.5 * h.val_loss[0], "{h:?}");
        assert!(h.train_loss[14] < h.train_loss[0], "{h:?}");
        let s = crate::ml::evaluate(net.predict_proba(val.x.view()).unwrap().view(), val.y.view(), 0.5).unwrap();
        assert!(s.auc > 0.95, "{s:?}");
        assert!(h.loss_chart().unwrap().to_svg().unwrap().contains("validation"));
    }

    #[test]
    fn same_seed_same_weights() {
        let train = toy(32, 20);
        let opts = TrainOptions { epochs: 2, batch_size: 8, seed: 9, ..TrainOptions::default() };
        let fit = |seed: u64, shuffle: u64| {
            let mut net = ConvNet::new(&small(seed)).unwrap();
            net.fit(&train, None, &TrainOptions { seed: shuffle, ..opts.clone() }).unwrap();
            net.vars().iter().flat_map(|v| v.flatten_all().unwrap().to_vec1::<f32>().unwrap()).collect::<Vec<f32>>()
        };
        let a = fit(1, 9);
        assert_eq!(a, fit(1, 9));
        assert_ne!(a, fit(2, 9));
        assert_ne!(a, fit(1, 10));
    }

    #[test]
    fn checkpoint_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.safetensors");
        let mut net = ConvNet::new(&ConvNetConfig { in_channels: 2, hidden: vec![4, 3], kernel: 5, seed: 4 }).unwrap();
        let b = toy(8, 30);
        net.fit(&b, None, &TrainOptions { epochs: 1, batch_size: 4, ..TrainOptions::default() }).unwrap();
        net.save(&path).unwrap();
        let back = ConvNet::load(&path).unwrap();
        assert_eq!(back.config(), &ConvNetConfig { in_channels: 2, hidden: vec![4, 3], kernel: 5, seed: 0 });
        assert_eq!(net.predict_logits(b.x.view()).unwrap(), back.predict_logits(b.x.view()).unwrap());
        std::fs::write(&path, b"not a safetensors file").unwrap();
        assert!(matches!(ConvNet::load(&path), Err(MlError::Checkpoint { .. })));
        // A missing file names the path.
        let err = ConvNet::load(dir.path().join("missing.safetensors")).unwrap_err();
        assert!(matches!(&err, MlError::Checkpoint { path, .. } if path.ends_with("missing.safetensors")), "{err}");
        assert!(err.to_string().contains("missing.safetensors"), "{err}");
    }
}
