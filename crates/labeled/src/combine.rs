//! [`concat()`] and [`merge()`]: xarray's `xr.concat` along an existing dimension and `xr.merge`.
//!
//! Both are stricter than xarray in one way, stated where it matters: coordinates that are
//! not concatenated must agree exactly (xarray would align them with an outer join, or
//! concatenate differing scalar coordinates), so a mismatch is reported instead of silently
//! filling with NaN.

use cumulus_chunked::ChunkedArray;

use crate::coords::Coords;
use crate::dataarray::DataArray;
use crate::dataset::Dataset;
use crate::error::{LabeledError, Result};
use crate::index::Index;
use crate::variable::{Variable, block_f64};

/// Join DataArrays along an existing dimension `dim` (xarray's `xr.concat(arrays, dim)`):
/// the data are concatenated lazily, and so are the coordinates that have `dim` (the time
/// labels of consecutive files, …). Every array must have the same dimensions in the same
/// order, the same sizes along the other dimensions, and equal coordinates that do not have
/// `dim`. The result takes the name and attributes of the first array (xarray's
/// `combine_attrs="override"`).
///
/// ```
/// use cumulus_labeled::{DataArray, Variable, concat};
/// let part = |t: Vec<f64>, v: Vec<f64>| {
///     DataArray::new("x", Variable::from_vec("time", v)).with_coord("time", Variable::from_vec("time", t))
/// };
/// let a = part(vec![0.0, 1.0], vec![10.0, 11.0])?;
/// let b = part(vec![2.0], vec![12.0])?;
/// let ab = concat(&[a, b], "time")?;
/// assert_eq!(ab.to_vec_f64()?, vec![10.0, 11.0, 12.0]);
/// assert_eq!(ab.coord("time")?.to_vec_f64()?, vec![0.0, 1.0, 2.0]);
/// # Ok::<(), cumulus_labeled::LabeledError>(())
/// ```
///
/// # Errors
/// No arrays ([`LabeledError::Mismatch`]); an array without `dim` ([`LabeledError::NoDim`]);
/// different dimensions or sizes, a coordinate missing from one array, or a coordinate
/// without `dim` that differs — the error names the coordinate, the arrays (by position) and
/// the first two values that differ.
pub fn concat(arrays: &[DataArray], dim: &str) -> Result<DataArray> {
    let Some(first) = arrays.first() else {
        return Err(LabeledError::Mismatch { op: "concat".into(), reason: "no arrays to concatenate".into() });
    };
    let axis = first.variable().axis(dim)?;
    for (k, a) in arrays.iter().enumerate().skip(1) {
        a.variable().axis(dim)?;
        if a.dims() != first.dims() {
            return Err(LabeledError::Mismatch {
                op: "concat".into(),
                reason: format!("array {k} has dimensions {:?}, array 0 has {:?}", a.dims(), first.dims()),
            });
        }
        for (i, d) in first.dims().iter().enumerate() {
            if i != axis && a.shape()[i] != first.shape()[i] {
                return Err(LabeledError::Mismatch {
                    op: "concat".into(),
                    reason: format!(
                        "dimension {d:?} has size {} in array {k} and {} in array 0; only {dim:?} may differ",
                        a.shape()[i],
                        first.shape()[i]
                    ),
                });
            }
        }
    }
    let pieces: Vec<ChunkedArray> = arrays.iter().map(|a| a.data().clone()).collect();
    let data = ChunkedArray::concatenate(&pieces, axis)?;
    let var = Variable::from_parts(first.dims().to_vec(), data, first.attrs().clone())?
        .with_encoding(first.variable().encoding().clone())
        .with_datetime(first.variable().is_datetime());
    let mut coords = Coords::new();
    for (name, cvar, _) in first.coords().iter() {
        let mut others = Vec::with_capacity(arrays.len());
        for (k, a) in arrays.iter().enumerate().skip(1) {
            let Some(o) = a.coords().get(name) else {
                return Err(LabeledError::Mismatch {
                    op: "concat".into(),
                    reason: format!("coordinate {name:?} is in array 0 but not in array {k}"),
                });
            };
            others.push((k, o));
        }
        match cvar.dims().iter().position(|d| d == dim) {
            Some(caxis) => {
                let mut parts = vec![cvar.data().clone()];
                for (k, o) in &others {
                    if o.dims() != cvar.dims() {
                        return Err(LabeledError::Mismatch {
                            op: "concat".into(),
                            reason: format!(
                                "coordinate {name:?} has dimensions {:?} in array {k} and {:?} in array 0",
                                o.dims(),
                                cvar.dims()
                            ),
                        });
                    }
                    parts.push(o.data().clone());
                }
                let joined = ChunkedArray::concatenate(&parts, caxis)?;
                let v = Variable::from_parts(cvar.dims().to_vec(), joined, cvar.attrs().clone())?
                    .with_encoding(cvar.encoding().clone())
                    .with_datetime(cvar.is_datetime());
                coords.insert(name, v)?;
            }
            None => {
                for (k, o) in &others {
                    check_same_coord(name, cvar, first.coords().index(name), o, arrays[*k].coords().index(name))
                        .map_err(|reason| LabeledError::Mismatch {
                            op: "concat".into(),
                            reason: format!("{reason} (array 0 vs array {k})"),
                        })?;
                }
                coords.insert_with_index(name, cvar.clone(), first.coords().index(name).cloned());
            }
        }
    }
    Ok(DataArray::from_parts(first.name().map(str::to_string), var, coords))
}

/// Combine datasets into one (xarray's `xr.merge(datasets)`): the union of their data
/// variables and coordinates. A variable in several datasets must have the same dimensions,
/// shape and dtype in each (the first one's values are kept; unlike xarray's
/// `compat="no_conflicts"`, the values are not compared, which would load them); a
/// coordinate in several datasets must be equal. The attributes are the first dataset's.
///
/// ```
/// use cumulus_labeled::{Dataset, Variable, merge};
/// let lat = Variable::from_vec("latitude", vec![25.0_f64, 24.0]);
/// let a = Dataset::new().with_coord("latitude", lat.clone())?
///     .with_var("t2m", Variable::from_vec("latitude", vec![300.0_f64, 301.0]))?;
/// let b = Dataset::new().with_coord("latitude", lat)?
///     .with_var("tp", Variable::from_vec("latitude", vec![0.1_f64, 0.2]))?;
/// let both = merge(&[a, b])?;
/// assert_eq!(both.data_vars(), vec!["t2m", "tp"]);
/// # Ok::<(), cumulus_labeled::LabeledError>(())
/// ```
///
/// # Errors
/// A variable whose dimensions, shape or dtype differ between datasets, or a coordinate
/// whose values differ (named, with the two values); dimension sizes that do not fit.
pub fn merge(datasets: &[Dataset]) -> Result<Dataset> {
    let mut out = Dataset::new();
    if let Some(first) = datasets.first() {
        out = out.with_attrs(first.attrs().clone());
    }
    for (k, ds) in datasets.iter().enumerate() {
        for (name, cvar, cidx) in ds.coords().iter() {
            match out.coords().get(name) {
                Some(have) => {
                    check_same_coord(name, have, out.coords().index(name), cvar, cidx).map_err(|reason| {
                        LabeledError::Mismatch { op: "merge".into(), reason: format!("{reason} (dataset {k})") }
                    })?;
                }
                None => out = out.with_coord(name, cvar.clone())?,
            }
        }
        for name in ds.data_vars() {
            let var = ds.get(name)?;
            let var = var.variable();
            if out.data_vars().contains(&name) {
                let have = out.get(name)?;
                let have = have.variable();
                if have.dims() != var.dims() || have.shape() != var.shape() || have.dtype() != var.dtype() {
                    return Err(LabeledError::Mismatch {
                        op: "merge".into(),
                        reason: format!(
                            "variable {name:?} is {} {:?} of shape {:?} in dataset {k}, but {} {:?} of shape {:?} before",
                            var.dtype(),
                            var.dims(),
                            var.shape(),
                            have.dtype(),
                            have.dims(),
                            have.shape()
                        ),
                    });
                }
                continue;
            }
            out = out.with_var(name, var.clone())?;
        }
    }
    Ok(out)
}

/// `Ok` when two coordinates are equal; otherwise why not, naming the first two values that
/// differ. Indexed coordinates compare their labels; others their dimensions and values.
fn check_same_coord(
    name: &str,
    a: &Variable,
    ai: Option<&Index>,
    b: &Variable,
    bi: Option<&Index>,
) -> std::result::Result<(), String> {
    if a.dims() != b.dims() || a.shape() != b.shape() {
        return Err(format!(
            "coordinate {name:?} has dimensions {:?} of shape {:?}, and {:?} of shape {:?}",
            a.dims(),
            a.shape(),
            b.dims(),
            b.shape()
        ));
    }
    if let (Some(x), Some(y)) = (ai, bi) {
        if x.values() == y.values() {
            return Ok(());
        }
        let i = (0..x.len()).find(|&i| x.label_string(i) != y.label_string(i)).unwrap_or(0);
        return Err(format!(
            "coordinate {name:?} differs at position {i}: {} vs {}",
            x.label_string(i),
            y.label_string(i)
        ));
    }
    let values = |v: &Variable| v.data().compute().map(|b| block_f64(&b)).map_err(|e| e.to_string());
    let (x, y) = (values(a)?, values(b)?);
    match x.iter().zip(&y).position(|(p, q)| p != q && !(p.is_nan() && q.is_nan())) {
        None => Ok(()),
        Some(i) => Err(format!("coordinate {name:?} differs at position {i}: {} vs {}", x[i], y[i])),
    }
}
