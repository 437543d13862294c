//! [`DataLoader`]: PyTorch's `DataLoader` over a [`MapDataset`]: optional batching with
//! [`Collate`], seeded shuffling (the same seed and epoch give the same order), `drop_last`,
//! worker threads with a bounded prefetch, epochs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::dataset::{Collate, MapDataset};
use crate::error::{BatchError, Result};

/// Loads the items of a dataset in (shuffled) order, optionally grouped, on worker threads.
///
/// ```
/// use cumulus_batches::dataset::MapDataset;
/// use cumulus_batches::loader::DataLoader;
///
/// struct Squares;
/// impl MapDataset for Squares {
///     type Item = Vec<u64>;
///     fn len(&self) -> usize { 10 }
///     fn get(&self, i: usize) -> cumulus_batches::Result<Vec<u64>> { Ok(vec![(i * i) as u64]) }
/// }
///
/// // Groups of 4 (the last has 2), shuffled with a seed, loaded by 2 worker threads.
/// let loader = DataLoader::new(Squares).batch_size(Some(4)).shuffle(true).seed(7).num_workers(2);
/// let a: Vec<Vec<u64>> = loader.epoch(0).unwrap().map(|r| r.unwrap()).collect();
/// let b: Vec<Vec<u64>> = loader.epoch(0).unwrap().map(|r| r.unwrap()).collect();
/// assert_eq!(a, b); // same seed, same epoch: same order
/// assert_eq!(a.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 2]);
/// let mut all: Vec<u64> = a.concat();
/// all.sort();
/// assert_eq!(all, (0..10).map(|i| i * i).collect::<Vec<u64>>());
/// ```
pub struct DataLoader<D: MapDataset> {
    dataset: Arc<D>,
    batch_size: Option<usize>,
    shuffle: bool,
    seed: u64,
    drop_last: bool,
    num_workers: usize,
    prefetch: usize,
}

impl<D: MapDataset> std::fmt::Debug for DataLoader<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataLoader")
            .field("len", &self.dataset.len())
            .field("batch_size", &self.batch_size)
            .field("shuffle", &self.shuffle)
            .field("seed", &self.seed)
            .field("drop_last", &self.drop_last)
            .field("num_workers", &self.num_workers)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

/// SplitMix64: a small, well-mixed, seedable generator (enough for a shuffle).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next();
            if v < zone {
                return v % n;
            }
        }
    }
}

/// The order of `0..n` for `seed` and `epoch` (Fisher–Yates).
pub fn shuffled(n: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let mut rng = SplitMix(seed ^ epoch.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

impl<D: MapDataset + 'static> DataLoader<D> {
    /// A loader yielding the items one by one, in order, on the calling thread.
    pub fn new(dataset: D) -> DataLoader<D> {
        DataLoader {
            dataset: Arc::new(dataset),
            batch_size: None,
            shuffle: false,
            seed: 0,
            drop_last: false,
            num_workers: 0,
            prefetch: 2,
        }
    }

    /// Group `n` items into one with [`Collate`] (`None`: the items as they are, e.g. the
    /// generator's own batches).
    pub fn batch_size(mut self, n: Option<usize>) -> Self {
        self.batch_size = n;
        self
    }

    /// Shuffle the items each epoch.
    pub fn shuffle(mut self, yes: bool) -> Self {
        self.shuffle = yes;
        self
    }

    /// The seed of the shuffle; epoch `e` uses the order of `(seed, e)`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Drop a last group smaller than the batch size.
    pub fn drop_last(mut self, yes: bool) -> Self {
        self.drop_last = yes;
        self
    }

    /// Worker threads (0: load on the calling thread).
    pub fn num_workers(mut self, n: usize) -> Self {
        self.num_workers = n;
        self
    }

    /// Items each worker may have ready ahead of the consumer (PyTorch's `prefetch_factor`;
    /// at least 1). Memory stays bounded by `num_workers × (prefetch + 1)` items.
    pub fn prefetch(mut self, n: usize) -> Self {
        self.prefetch = n;
        self
    }

    /// The dataset.
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// The groups of dataset indices of epoch `epoch`, in order.
    ///
    /// # Errors
    /// [`BatchError::BadArgument`] for a batch size of 0.
    pub fn groups(&self, epoch: u64) -> Result<Vec<Vec<usize>>> {
        let n = self.dataset.len();
        let order = if self.shuffle { shuffled(n, self.seed, epoch) } else { (0..n).collect() };
        Ok(match self.batch_size {
            None => order.into_iter().map(|i| vec![i]).collect(),
            Some(0) => {
                return Err(BatchError::BadArgument {
                    argument: "batch_size",
                    reason: "must be at least 1 (or None for the items as they are)".into(),
                });
            }
            Some(b) => order.chunks(b).filter(|c| !(self.drop_last && c.len() < b)).map(<[usize]>::to_vec).collect(),
        })
    }

    /// The number of items (or groups) one epoch yields.
    pub fn len(&self) -> usize {
        let n = self.dataset.len();
        match self.batch_size {
            None => n,
            Some(0) => 0,
            Some(b) if self.drop_last => n / b,
            Some(b) => n.div_ceil(b),
        }
    }

    /// True when an epoch yields nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<D> DataLoader<D>
where
    D: MapDataset + 'static,
    D::Item: Collate,
{
    /// Iterate over epoch `epoch`: items (or collated groups) in order, loaded ahead by the
    /// workers. Dropping the iterator stops the workers.
    ///
    /// # Errors
    /// [`BatchError::BadArgument`] for a batch size or prefetch of 0.
    pub fn epoch(&self, epoch: u64) -> Result<LoaderIter<D::Item>> {
        if self.prefetch == 0 {
            return Err(BatchError::BadArgument { argument: "prefetch", reason: "must be at least 1".into() });
        }
        let groups = Arc::new(self.groups(epoch)?);
        let load = {
            let ds = self.dataset.clone();
            let collate = self.batch_size.is_some();
            Arc::new(move |g: &[usize]| -> Result<D::Item> {
                let mut items = g.iter().map(|&i| ds.get(i)).collect::<Result<Vec<_>>>()?;
                if collate || items.len() != 1 { D::Item::collate(items) } else { Ok(items.remove(0)) }
            })
        };
        let n = groups.len();
        if self.num_workers == 0 {
            return Ok(LoaderIter {
                next: 0,
                n,
                inline: Some(Box::new(move |j| load(&groups[j]))),
                workers: Vec::new(),
                stop: Arc::new(AtomicBool::new(false)),
            });
        }
        let stop = Arc::new(AtomicBool::new(false));
        let w = self.num_workers;
        let mut workers = Vec::with_capacity(w);
        for k in 0..w {
            let (tx, rx) = sync_channel(self.prefetch);
            let (groups, load, stop) = (groups.clone(), load.clone(), stop.clone());
            let handle = std::thread::Builder::new()
                .name(format!("cumulus-loader-{k}"))
                .spawn(move || {
                    for j in (k..n).step_by(w) {
                        if stop.load(Ordering::Relaxed) || tx.send(load(&groups[j])).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| BatchError::BadArgument {
                    argument: "num_workers",
                    reason: format!("cannot start a thread: {e}"),
                })?;
            workers.push((Mutex::new(rx), Some(handle)));
        }
        Ok(LoaderIter { next: 0, n, inline: None, workers, stop })
    }

    /// Iterate over epoch 0.
    ///
    /// # Errors
    /// As [`DataLoader::epoch`].
    pub fn iter(&self) -> Result<LoaderIter<D::Item>> {
        self.epoch(0)
    }
}

type Inline<T> = Box<dyn Fn(usize) -> Result<T> + Send>;
type Worker<T> = (Mutex<Receiver<Result<T>>>, Option<JoinHandle<()>>);

/// The items of one epoch, from [`DataLoader::epoch`].
pub struct LoaderIter<T> {
    next: usize,
    n: usize,
    inline: Option<Inline<T>>,
    workers: Vec<Worker<T>>,
    stop: Arc<AtomicBool>,
}

impl<T> Iterator for LoaderIter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.next >= self.n {
            return None;
        }
        let j = self.next;
        self.next += 1;
        if let Some(f) = &self.inline {
            return Some(f(j));
        }
        let w = j % self.workers.len();
        let got = self.workers[w].0.lock().unwrap_or_else(|e| e.into_inner()).recv();
        Some(got.unwrap_or(Err(BatchError::WorkerPanicked { worker: w })))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let r = self.n - self.next;
        (r, Some(r))
    }
}

impl<T> Drop for LoaderIter<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Dropping the receivers unblocks workers waiting to send.
        let handles: Vec<JoinHandle<()>> = self.workers.iter_mut().filter_map(|w| w.1.take()).collect();
        self.workers.clear();
        for h in handles {
            let _ = h.join();
        }
    }
}
