//! [`Dataset`]: data variables sharing coordinates — xarray's `Dataset`.

use std::fmt;

use cumulus_chunked::array::human_bytes;
use cumulus_chunked::{ChunkedArray, ComputeOptions, ReduceOp};

use crate::coords::{Coords, isel_positions, isel_variable};
use crate::dataarray::{DataArray, Dims, How, resolve};
use crate::error::{LabeledError, Result};
use crate::index::Positions;
use crate::variable::{Attrs, Isel, Selector, Variable};

/// Several labeled variables over shared dimensions and coordinates.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    vars: Vec<(String, Variable)>,
    coords: Coords,
    attrs: Attrs,
}

impl Dataset {
    /// An empty dataset.
    pub fn new() -> Dataset {
        Dataset::default()
    }

    /// Add a data variable.
    ///
    /// # Errors
    /// When a dimension's size disagrees with the variables or coordinates already present.
    pub fn with_var(mut self, name: &str, var: Variable) -> Result<Dataset> {
        self.check_sizes(name, &var)?;
        if let Some(e) = self.vars.iter_mut().find(|e| e.0 == name) {
            e.1 = var;
        } else {
            self.vars.push((name.to_string(), var));
        }
        Ok(self)
    }

    /// Add a coordinate.
    ///
    /// # Errors
    /// When its sizes disagree, or its index cannot be built.
    pub fn with_coord(mut self, name: &str, var: Variable) -> Result<Dataset> {
        self.check_sizes(name, &var)?;
        self.coords.insert(name, var)?;
        Ok(self)
    }

    /// Replace the attributes.
    pub fn with_attrs(mut self, attrs: Attrs) -> Dataset {
        self.attrs = attrs;
        self
    }

    fn check_sizes(&self, name: &str, var: &Variable) -> Result<()> {
        let sizes = self.sizes();
        for (d, n) in var.dims().iter().zip(var.shape()) {
            if let Some((_, m)) = sizes.iter().find(|(x, _)| x == d)
                && m != n
            {
                return Err(LabeledError::Mismatch {
                    op: format!("adding {name:?}"),
                    reason: format!("dimension {d:?} has size {n}, but {m} in the dataset"),
                });
            }
        }
        Ok(())
    }

    /// Dimension sizes, in order of first appearance.
    pub fn sizes(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        let all = self.coords.iter().map(|(_, v, _)| v).chain(self.vars.iter().map(|(_, v)| v));
        for v in all {
            for (d, n) in v.dims().iter().zip(v.shape()) {
                if !out.iter().any(|(x, _)| x == d) {
                    out.push((d.clone(), *n));
                }
            }
        }
        out
    }

    /// Data variable names.
    pub fn data_vars(&self) -> Vec<&str> {
        self.vars.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Coordinates.
    pub fn coords(&self) -> &Coords {
        &self.coords
    }

    /// Attributes.
    pub fn attrs(&self) -> &Attrs {
        &self.attrs
    }

    /// A data variable with its coordinates (`ds["temperature"]`).
    ///
    /// # Errors
    /// [`LabeledError::NoVariable`] listing the variables.
    pub fn get(&self, name: &str) -> Result<DataArray> {
        if let Some((_, v)) = self.vars.iter().find(|(n, _)| n == name) {
            return Ok(DataArray::from_parts(Some(name.to_string()), v.clone(), self.coords.clone()));
        }
        if let Some(v) = self.coords.get(name) {
            return Ok(DataArray::from_parts(Some(name.to_string()), v.clone(), self.coords.clone()));
        }
        Err(LabeledError::NoVariable {
            name: name.to_string(),
            available: self.data_vars().iter().chain(self.coords.names().iter()).map(|s| s.to_string()).collect(),
        })
    }

    /// Keep only these data variables, and the coordinates that lie along their dimensions
    /// (xarray's `ds[["a", "b"]]`: a coordinate on a dimension none of them has is dropped,
    /// e.g. `level` when only 3-D variables are kept).
    ///
    /// ```
    /// use cumulus_chunked::ChunkedArray;
    /// use cumulus_labeled::{Dataset, Variable};
    /// use ndarray::{ArrayD, IxDyn};
    ///
    /// let v = |dims: &[&str], shape: &[usize]| {
    ///     Variable::new(dims, ChunkedArray::from_array(ArrayD::<f32>::zeros(IxDyn(shape)), shape).unwrap()).unwrap()
    /// };
    /// let ds = Dataset::new()
    ///     .with_var("t", v(&["time", "level", "x"], &[2, 3, 4])).unwrap()
    ///     .with_var("cape", v(&["time", "x"], &[2, 4])).unwrap()
    ///     .with_coord("level", Variable::from_vec("level", vec![1000.0f64, 850.0, 500.0])).unwrap()
    ///     .with_coord("x", Variable::from_vec("x", vec![0.0f64, 1.0, 2.0, 3.0])).unwrap();
    /// let sub = ds.select_vars(&["cape"]).unwrap();
    /// assert_eq!(sub.data_vars(), ["cape"]);
    /// assert!(sub.coords().get("x").is_some() && sub.coords().get("level").is_none());
    /// assert!(ds.select_vars(&["t"]).unwrap().coords().get("level").is_some());
    /// ```
    ///
    /// # Errors
    /// An unknown name.
    pub fn select_vars(&self, names: &[&str]) -> Result<Dataset> {
        let mut vars = Vec::with_capacity(names.len());
        let mut dims: Vec<String> = Vec::new();
        for n in names {
            let da = self.get(n)?;
            for d in da.dims() {
                if !dims.contains(d) {
                    dims.push(d.clone());
                }
            }
            vars.push((n.to_string(), da.variable().clone()));
        }
        Ok(Dataset { vars, coords: self.coords.restrict(&dims), attrs: self.attrs.clone() })
    }

    /// Remove variables or coordinates by name (unknown names are ignored, like
    /// `errors="ignore"`).
    pub fn drop_vars(&self, names: &[&str]) -> Dataset {
        let mut out = self.clone();
        out.vars.retain(|(n, _)| !names.contains(&n.as_str()));
        for n in names {
            out.coords.remove(n);
        }
        out
    }

    fn select_positions(&self, dim: &str, pos: &Positions) -> Result<Dataset> {
        let vars =
            self.vars.iter().map(|(n, v)| Ok((n.clone(), isel_variable(v, dim, pos)?))).collect::<Result<Vec<_>>>()?;
        Ok(Dataset { vars, coords: self.coords.isel(dim, pos)?, attrs: self.attrs.clone() })
    }

    fn size(&self, dim: &str) -> Result<usize> {
        let sizes = self.sizes();
        sizes.iter().find(|(d, _)| d == dim).map(|(_, n)| *n).ok_or_else(|| LabeledError::NoDim {
            dim: dim.to_string(),
            available: sizes.iter().map(|(d, _)| d.clone()).collect(),
        })
    }

    /// Select by position in every variable.
    ///
    /// # Errors
    /// An unknown dimension or a position out of range.
    pub fn isel<I: Into<Isel>>(&self, sel: impl IntoIterator<Item = (&'static str, I)>) -> Result<Dataset> {
        let mut out = self.clone();
        for (dim, s) in sel {
            let pos = isel_positions(dim, out.size(dim)?, &s.into())?;
            out = out.select_positions(dim, &pos)?;
        }
        Ok(out)
    }

    /// Select by label in every variable (see [`Selector`]).
    ///
    /// # Errors
    /// An unknown dimension, a missing label.
    pub fn sel<'a>(&self, sel: impl IntoIterator<Item = (&'a str, Selector)>) -> Result<Dataset> {
        let mut out = self.clone();
        for (dim, s) in sel {
            out.size(dim)?;
            let idx = out.coords.index(dim).ok_or_else(|| LabeledError::BadSelector {
                dim: dim.to_string(),
                selector: "a label".into(),
                reason: "this dimension has no coordinate; select by position with isel".into(),
            })?;
            let pos = resolve(idx, &s)?;
            out = out.select_positions(dim, &pos)?;
        }
        Ok(out)
    }

    /// Keep the positions along `dim` where the 1-d boolean `mask` is true, in every variable
    /// and coordinate that has `dim` — xarray's `ds.sel(time=ds.time.dt.month == 6)` or
    /// `ds.isel(time=mask)` with a boolean DataArray (from a comparison or
    /// [`DataArray::isin`]). The mask is computed (one value per label); the data stay lazy.
    /// The same checks as [`DataArray::sel_mask`].
    ///
    /// ```
    /// use cumulus_labeled::time::{NS_PER_DAY, days_from_civil};
    /// use cumulus_labeled::{Dataset, Variable};
    /// // The 1st of every month of 2019; x = month, c = 10 × month.
    /// let t: Vec<i64> = (1..=12).map(|m| days_from_civil(2019, m, 1) * NS_PER_DAY).collect();
    /// let ds = Dataset::new()
    ///     .with_coord("time", Variable::from_times("time", t))?
    ///     .with_var("x", Variable::from_vec("time", (1..=12).map(f64::from).collect::<Vec<_>>()))?
    ///     .with_var("c", Variable::from_vec("time", (1..=12).map(|m| 10 * m).collect::<Vec<i64>>()))?;
    /// let month = ds.get("time")?.dt("time", "month")?;
    /// let june = ds.sel_mask("time", &month.equal(6.0))?;
    /// assert_eq!(june.get("c")?.to_vec_f64()?, vec![60.0]);
    /// let summer = ds.sel_mask("time", &month.isin(&[6.0, 7.0, 8.0]))?;
    /// assert_eq!(summer.get("x")?.to_vec_f64()?, vec![6.0, 7.0, 8.0]);
    /// # Ok::<(), cumulus_labeled::LabeledError>(())
    /// ```
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] listing the dimensions; [`LabeledError::BadSelector`] for a mask
    /// of other dimensions, dtype or length; [`LabeledError::Mismatch`] when the mask's
    /// coordinate differs from the dataset's.
    pub fn sel_mask(&self, dim: &str, mask: &DataArray) -> Result<Dataset> {
        let pos = crate::dataarray::mask_positions(dim, self.size(dim)?, self.coords.index(dim), mask)?;
        self.select_positions(dim, &pos)
    }

    /// Rechunk every data variable lazily (xarray's `Dataset.chunk`): each named dimension a
    /// variable has gets chunks of that size.
    ///
    /// # Errors
    /// [`LabeledError::NoDim`] for a dimension no variable has; a chunk size of 0.
    pub fn chunk(&self, chunks: &[(&str, usize)]) -> Result<Dataset> {
        let sizes = self.sizes();
        if let Some((dim, _)) = chunks.iter().find(|(d, _)| !sizes.iter().any(|(n, _)| n == d)) {
            return Err(LabeledError::NoDim {
                dim: (*dim).to_string(),
                available: sizes.iter().map(|(n, _)| n.clone()).collect(),
            });
        }
        self.map(|da| {
            let own: Vec<(&str, usize)> =
                chunks.iter().copied().filter(|(d, _)| da.dims().iter().any(|n| n == d)).collect();
            da.chunk(&own)
        })
    }

    /// Apply a function to every data variable (as a DataArray), keeping the results.
    ///
    /// # Errors
    /// The first error of `f`.
    pub fn map(&self, f: impl Fn(&DataArray) -> Result<DataArray>) -> Result<Dataset> {
        let results =
            self.data_vars().into_iter().map(|n| Ok((n.to_string(), f(&self.get(n)?)?))).collect::<Result<Vec<_>>>()?;
        Ok(Dataset::from_arrays(results, self.attrs.clone()))
    }

    /// A dataset of these named arrays, with the union of their coordinates.
    pub(crate) fn from_arrays(arrays: Vec<(String, DataArray)>, attrs: Attrs) -> Dataset {
        let mut out = Dataset { vars: vec![], coords: Coords::new(), attrs };
        let mut coords: Option<Coords> = None;
        for (n, r) in arrays {
            coords = Some(match coords {
                None => r.coords().clone(),
                Some(c) => c.union(r.coords()),
            });
            out.vars.push((n, r.variable().clone()));
        }
        out.coords = coords.unwrap_or_default();
        out
    }

    /// Reduce every data variable that has all of `dims` (others are dropped, as xarray does
    /// for variables without the dimension… it keeps them; here they are kept unchanged).
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn reduce(&self, op: ReduceOp, dims: impl Into<Dims>) -> Result<Dataset> {
        let dims = dims.into();
        self.map(|da| {
            let these: Dims = match &dims {
                Dims::All => Dims::All,
                Dims::Some(d) => Dims::Some(d.iter().filter(|x| da.dims().contains(x)).cloned().collect()),
            };
            da.reduce(op, these, None)
        })
    }

    /// Mean of every variable.
    ///
    /// # Errors
    /// An unknown dimension.
    pub fn mean(&self, dims: impl Into<Dims>) -> Result<Dataset> {
        self.reduce(ReduceOp::Mean, dims)
    }

    /// A datetime component (`month`, `hour`, …) of every label of a time coordinate, e.g. to
    /// build `ds.time.dt.month.isin([6, 7, 8, 9])` as a mask for [`Selector::Mask`].
    ///
    /// # Errors
    /// When `dim` has no time index or the component is unknown.
    pub fn dt(&self, dim: &str, component: &str) -> Result<Vec<i64>> {
        let idx = self.coords.index(dim).ok_or_else(|| LabeledError::NoDim {
            dim: dim.to_string(),
            available: self.sizes().into_iter().map(|(d, _)| d).collect(),
        })?;
        crate::dataarray::dt_component(idx, component)
    }

    /// Drop the positions along `dim` that hold NaN in the variables that have `dim`: with
    /// [`How::Any`] (xarray's default) where any value of any of them is NaN, with
    /// [`How::All`] where every value of every one of them is.
    ///
    /// # Errors
    /// An unknown dimension; engine errors.
    pub fn dropna(&self, dim: &str, how: How) -> Result<Dataset> {
        let n = self.size(dim)?;
        // Per position: values that are not NaN, and values in all.
        let mut valid = vec![0usize; n];
        let mut total = 0usize;
        for name in self.data_vars() {
            let da = self.get(name)?;
            let Ok(axis) = da.variable().axis(dim) else { continue };
            let others: Vec<usize> = (0..da.dims().len()).filter(|&a| a != axis).collect();
            total += others.iter().map(|&a| da.shape()[a]).product::<usize>();
            let counts = if others.is_empty() {
                da.data().isnan().not().astype(cumulus_chunked::DType::I64).compute()?
            } else {
                da.data().count(others)?.compute()?
            };
            for (k, c) in crate::variable::block_i64(&counts).into_iter().enumerate() {
                valid[k] += c as usize;
            }
        }
        let pos: Vec<usize> = valid
            .iter()
            .enumerate()
            .filter(|(_, v)| match how {
                How::Any => **v == total,
                How::All => **v > 0,
            })
            .map(|(i, _)| i)
            .collect();
        self.select_positions(dim, &Positions::List(pos))
    }

    /// Compute every variable in one pass (shared reads run once).
    ///
    /// # Errors
    /// The first failing task.
    pub fn compute(&self) -> Result<Dataset> {
        let arrays: Vec<ChunkedArray> = self.vars.iter().map(|(_, v)| v.data().clone()).collect();
        let (blocks, _) = ChunkedArray::compute_many_with(&arrays, &ComputeOptions::default())?;
        let mut out = self.clone();
        for ((_, v), b) in out.vars.iter_mut().zip(blocks) {
            let shape = b.shape().to_vec();
            let data = ChunkedArray::from_block(b, cumulus_chunked::Chunks::single(&shape))?;
            *v = Variable::from_parts(v.dims().to_vec(), data, v.attrs().clone())?.with_encoding(v.encoding().clone());
        }
        Ok(out)
    }

    /// Total bytes of the data variables.
    pub fn nbytes(&self) -> usize {
        self.vars.iter().map(|(_, v)| v.data().nbytes()).sum()
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "<cumulus.Dataset> Size: {}", human_bytes(self.nbytes()))?;
        let dims: Vec<String> = self.sizes().iter().map(|(d, n)| format!("{d}: {n}")).collect();
        writeln!(f, "Dimensions:  ({})", dims.join(", "))?;
        crate::repr::write_coords(f, &self.coords)?;
        writeln!(f, "Data variables:")?;
        let width = self.vars.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (n, v) in &self.vars {
            crate::repr::write_var(f, n, width, v)?;
        }
        crate::repr::write_attrs(f, &self.attrs)
    }
}
