//! [`Coords`]: the coordinate variables of a DataArray or Dataset, with an index for every
//! dimension coordinate, and the selection helpers shared by both.

use cumulus_chunked::plan::node::AxisIndex;

use crate::error::{LabeledError, Result};
use crate::index::{Index, Positions};
use crate::variable::{Variable, axis_index};

/// Ordered coordinate variables; 1-d coordinates named like their dimension get an index.
#[derive(Clone, Debug, Default)]
pub struct Coords {
    entries: Vec<(String, Variable, Option<Index>)>,
}

impl Coords {
    /// No coordinates.
    pub fn new() -> Coords {
        Coords::default()
    }

    /// Add or replace a coordinate (computing its index when it is a dimension coordinate).
    ///
    /// # Errors
    /// When the index cannot be built (the values cannot be computed).
    pub fn insert(&mut self, name: &str, var: Variable) -> Result<()> {
        let index = if var.dims().len() == 1 && var.dims()[0] == name { Some(var.to_index(name)?) } else { None };
        self.insert_with_index(name, var, index);
        Ok(())
    }

    pub(crate) fn insert_with_index(&mut self, name: &str, var: Variable, index: Option<Index>) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.0 == name) {
            *e = (name.to_string(), var, index);
        } else {
            self.entries.push((name.to_string(), var, index));
        }
    }

    /// Add or replace a coordinate without an index, placed right after `after` (at the end
    /// when there is no `after`), as xarray lists a non-index coordinate after the dimension
    /// coordinate it lies along.
    pub(crate) fn insert_after(&mut self, after: &str, name: &str, var: Variable) {
        self.remove(name);
        let at = self.entries.iter().position(|e| e.0 == after).map_or(self.entries.len(), |i| i + 1);
        self.entries.insert(at, (name.to_string(), var, None));
    }

    /// A coordinate variable.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.entries.iter().find(|e| e.0 == name).map(|e| &e.1)
    }

    /// The index of a dimension.
    pub fn index(&self, dim: &str) -> Option<&Index> {
        self.entries.iter().find(|e| e.0 == dim).and_then(|e| e.2.as_ref())
    }

    /// Coordinate names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.0.as_str()).collect()
    }

    /// Iterate over (name, variable, index).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Variable, Option<&Index>)> {
        self.entries.iter().map(|e| (e.0.as_str(), &e.1, e.2.as_ref()))
    }

    /// Remove a coordinate.
    pub fn remove(&mut self, name: &str) -> Option<Variable> {
        let i = self.entries.iter().position(|e| e.0 == name)?;
        Some(self.entries.remove(i).1)
    }

    /// Keep the coordinates whose dimensions are all in `dims`.
    pub fn restrict(&self, dims: &[String]) -> Coords {
        Coords {
            entries: self.entries.iter().filter(|e| e.1.dims().iter().all(|d| dims.contains(d))).cloned().collect(),
        }
    }

    /// Apply a selection along `dim` to every coordinate that has it.
    ///
    /// # Errors
    /// Engine errors (out-of-range positions).
    pub fn isel(&self, dim: &str, pos: &Positions) -> Result<Coords> {
        let mut out = Coords::new();
        for (name, var, index) in &self.entries {
            if !var.dims().iter().any(|d| d == dim) {
                out.entries.push((name.clone(), var.clone(), index.clone()));
                continue;
            }
            let v = isel_variable(var, dim, pos)?;
            let idx = match (index, pos) {
                (Some(i), Positions::Range(r)) => Some(i.take(&r.clone().collect::<Vec<_>>())),
                (Some(i), Positions::List(l)) => Some(i.take(l)),
                _ => None,
            };
            out.entries.push((name.clone(), v, idx));
        }
        Ok(out)
    }

    /// Rename a dimension in every coordinate (and rename the coordinate named like it).
    pub fn rename_dim(&self, from: &str, to: &str) -> Coords {
        let mut out = Coords::new();
        for (name, var, index) in &self.entries {
            let dims = var.dims().iter().map(|d| if d == from { to.to_string() } else { d.clone() }).collect();
            let v = var.replace(dims, var.data().clone());
            let new_name = if name == from { to.to_string() } else { name.clone() };
            out.entries.push((new_name, v, index.clone()));
        }
        out
    }

    /// Union: `self`'s coordinates, then `other`'s that `self` lacks.
    pub fn union(&self, other: &Coords) -> Coords {
        let mut out = self.clone();
        for (name, var, index) in &other.entries {
            if out.get(name).is_none() {
                out.entries.push((name.clone(), var.clone(), index.clone()));
            }
        }
        out
    }
}

/// Select along `dim` in one variable.
///
/// # Errors
/// Engine errors (out-of-range positions).
pub fn isel_variable(var: &Variable, dim: &str, pos: &Positions) -> Result<Variable> {
    let Some(axis) = var.dims().iter().position(|d| d == dim) else {
        return Ok(var.clone());
    };
    let data = var.data();
    Ok(match pos {
        Positions::Scalar(i) => {
            let mut dims = var.dims().to_vec();
            dims.remove(axis);
            var.replace(dims, data.index_axis(axis, *i)?)
        }
        Positions::Range(r) => {
            let ix = AxisIndex::Slice { start: r.start, step: 1, len: r.len() };
            var.replace(var.dims().to_vec(), data.index(axis, ix)?)
        }
        Positions::List(l) => var.replace(var.dims().to_vec(), data.index(axis, axis_index(l))?),
    })
}

/// Resolve an `Isel` to positions along an axis of length `n`.
///
/// # Errors
/// A position out of range, with the dimension's name and length.
pub fn isel_positions(dim: &str, n: usize, sel: &crate::variable::Isel) -> Result<Positions> {
    use crate::variable::Isel;
    let bad = |what: String| LabeledError::BadSelector {
        dim: dim.to_string(),
        selector: what,
        reason: format!("the dimension has length {n}"),
    };
    match sel {
        Isel::At(i) => {
            let j = if *i < 0 { *i + n as isize } else { *i };
            if j < 0 || j as usize >= n {
                return Err(bad(format!("position {i}")));
            }
            Ok(Positions::Scalar(j as usize))
        }
        Isel::Slice(start, stop, step) => {
            if *step == 0 {
                return Err(bad("a slice with step 0".into()));
            }
            let n_i = n as isize;
            let norm = |v: isize| if v < 0 { v + n_i } else { v };
            let mut out = Vec::new();
            if *step > 0 {
                let (s, e) = (start.map_or(0, |v| norm(v).clamp(0, n_i)), stop.map_or(n_i, |v| norm(v).clamp(0, n_i)));
                let mut i = s;
                while i < e {
                    out.push(i as usize);
                    i += step;
                }
            } else {
                let (s, e) = (
                    start.map_or(n_i - 1, |v| norm(v).clamp(-1, n_i - 1)),
                    stop.map_or(-1, |v| norm(v).clamp(-1, n_i - 1)),
                );
                let mut i = s;
                while i > e {
                    out.push(i as usize);
                    i += step;
                }
            }
            if *step == 1 {
                let r = out.first().map_or(0..0, |&f| f..f + out.len());
                return Ok(Positions::Range(r));
            }
            Ok(Positions::List(out))
        }
        Isel::List(l) => {
            if let Some(bad_pos) = l.iter().find(|&&p| p >= n) {
                return Err(bad(format!("position {bad_pos}")));
            }
            Ok(Positions::List(l.clone()))
        }
    }
}
