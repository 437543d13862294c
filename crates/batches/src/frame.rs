//! The in-memory form of one batch before it becomes a [`Dataset`]: named blocks with
//! dimension names, and xbatcher's `_maybe_stack_batch_dims` on it.

use cumulus_chunked::plan::eval::assemble;
use cumulus_chunked::{Block, ChunkedArray, Chunks, DType};
use cumulus_labeled::{Attrs, Dataset, Variable};

use crate::error::Result;

/// One variable or coordinate of a batch.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub name: String,
    pub dims: Vec<String>,
    pub block: Block,
    pub datetime: bool,
    pub attrs: Attrs,
}

/// A batch: its dimension sizes (in xarray's order), data variables and coordinates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    pub sizes: Vec<(String, usize)>,
    pub vars: Vec<Item>,
    pub coords: Vec<Item>,
}

/// The name of the stacked dimension.
pub const SAMPLE: &str = "sample";

impl Frame {
    fn size(&self, dim: &str) -> usize {
        self.sizes.iter().find(|(d, _)| d == dim).map_or(1, |(_, n)| *n)
    }

    /// xbatcher's `_maybe_stack_batch_dims`: when two or more dimensions are not input
    /// dimensions, stack them (in the order of `sizes`) into `sample`, and order every
    /// variable `(sample, *input_dims)`. Each stacked dimension becomes a coordinate along
    /// `sample` (its positions when it had no coordinate), like the levels of xarray's
    /// MultiIndex.
    pub fn maybe_stack(self, input_dims: &[String]) -> Frame {
        let stack: Vec<String> =
            self.sizes.iter().map(|(d, _)| d.clone()).filter(|d| !input_dims.contains(d)).collect();
        if stack.len() < 2 {
            return self;
        }
        let n_sample: usize = stack.iter().map(|d| self.size(d)).product();
        let mut sizes = vec![(SAMPLE.to_string(), n_sample)];
        sizes.extend(input_dims.iter().filter_map(|d| self.sizes.iter().find(|(x, _)| x == d).cloned()));
        let restack = |it: &Item| -> Item {
            if !it.dims.iter().any(|d| stack.contains(d)) {
                // Not stacked; `transpose` still puts its dimensions in input-dimension order.
                let order: Vec<&String> = input_dims.iter().filter(|d| it.dims.contains(d)).collect();
                let others: Vec<&String> = it.dims.iter().filter(|d| !input_dims.contains(d)).collect();
                let target: Vec<String> = others.into_iter().chain(order).cloned().collect();
                let perm: Vec<usize> =
                    target.iter().map(|d| it.dims.iter().position(|x| x == d).unwrap_or(0)).collect();
                return Item { dims: target, block: it.block.permuted(&perm), ..it.clone() };
            }
            let kept: Vec<String> = input_dims.iter().filter(|d| it.dims.contains(d)).cloned().collect();
            let expanded: Vec<String> = stack.iter().chain(&kept).cloned().collect();
            // Permute the present dimensions into `expanded` order, then insert and broadcast
            // the missing stacked ones.
            let present: Vec<&String> = expanded.iter().filter(|d| it.dims.contains(d)).collect();
            let perm: Vec<usize> = present.iter().map(|d| it.dims.iter().position(|x| x == *d).unwrap_or(0)).collect();
            let b = it.block.permuted(&perm);
            let with_ones: Vec<usize> =
                expanded.iter().map(|d| if it.dims.contains(d) { self.size(d) } else { 1 }).collect();
            let full: Vec<usize> = expanded.iter().map(|d| self.size(d)).collect();
            let b = b.reshaped(&with_ones);
            let b = if with_ones == full { b } else { b.broadcast_to(&full).unwrap_or(b) };
            let mut out_shape = vec![n_sample];
            out_shape.extend(kept.iter().map(|d| self.size(d)));
            let mut dims = vec![SAMPLE.to_string()];
            dims.extend(kept);
            Item { dims, block: b.reshaped(&out_shape), ..it.clone() }
        };
        let vars = self.vars.iter().map(restack).collect();
        let mut coords: Vec<Item> = Vec::new();
        for d in &stack {
            if !self.coords.iter().any(|c| &c.name == d) {
                let pos: Vec<i64> = (0..self.size(d) as i64).collect();
                let block = Block::from_vec(&[pos.len()], pos).unwrap_or_else(|_| Block::full(DType::I64, &[0], 0.0));
                let it = Item { name: d.clone(), dims: vec![d.clone()], block, datetime: false, attrs: Attrs::new() };
                coords.push(restack(&it));
            }
        }
        let mut stacked: Vec<Item> = self.coords.iter().map(restack).collect();
        // xarray lists the levels in stacking order, after the other coordinates.
        stacked.append(&mut coords);
        let (mut levels, mut rest): (Vec<Item>, Vec<Item>) =
            stacked.into_iter().partition(|c| stack.contains(&c.name) && c.dims == [SAMPLE]);
        levels.sort_by_key(|c| stack.iter().position(|d| d == &c.name));
        rest.append(&mut levels);
        Frame { sizes, vars, coords: rest }
    }

    /// The batch as a labeled [`Dataset`].
    pub fn into_dataset(self, attrs: &Attrs) -> Result<Dataset> {
        let mut ds = Dataset::new().with_attrs(attrs.clone());
        let to_var = |it: Item| -> Result<Variable> {
            let shape = it.block.shape().to_vec();
            let data = ChunkedArray::from_block(it.block, Chunks::single(&shape))?;
            Ok(Variable::from_parts(it.dims, data, it.attrs)?.with_datetime(it.datetime))
        };
        for c in self.coords {
            let name = c.name.clone();
            ds = ds.with_coord(&name, to_var(c)?)?;
        }
        for v in self.vars {
            let name = v.name.clone();
            ds = ds.with_var(&name, to_var(v)?)?;
        }
        Ok(ds)
    }
}

/// Stack equal-shaped blocks along a new first axis.
pub(crate) fn stack_blocks(dtype: DType, blocks: Vec<Block>) -> Block {
    let n = blocks.len();
    let inner: Vec<usize> = blocks.first().map(|b| b.shape().to_vec()).unwrap_or_default();
    let mut shape = vec![n];
    shape.extend(&inner);
    let parts = blocks
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let region: Vec<std::ops::Range<usize>> =
                std::iter::once(i..i + 1).chain(inner.iter().map(|&m| 0..m)).collect();
            let mut s1 = vec![1];
            s1.extend(&inner);
            (region, b.reshaped(&s1))
        })
        .collect();
    assemble(dtype, &shape, parts)
}
