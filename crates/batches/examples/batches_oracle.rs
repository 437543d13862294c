//! The xbatcher oracle's Rust half: cut a store into batches with several settings and print
//! what came out as JSON, for `.ci/interop/batches_oracle.py` to compare with xbatcher 0.4.0.
//!
//! ```text
//! cargo run -p cumulus-batches --example batches_oracle -- era5_2019_10N40N_100E140E.zarr > got.json
//! ```

use cumulus_batches::BatchGenerator;
use cumulus_chunked::DType;
use cumulus_labeled::{Dataset, variable::block_f64};
use serde_json::{Value, json};

/// One setting; the same list is in `.ci/interop/batches_oracle.py`.
struct Setting {
    name: &'static str,
    vars: &'static [&'static str],
    levels: Option<usize>,
    input: &'static [(&'static str, usize)],
    overlap: &'static [(&'static str, usize)],
    batch: &'static [(&'static str, usize)],
    concat: bool,
    dataarray: bool,
}

const SETTINGS: &[Setting] = &[
    Setting {
        name: "w8_like",
        vars: &["k_index", "total_precipitation"],
        levels: None,
        input: &[("latitude", 8), ("longitude", 8)],
        overlap: &[("latitude", 2), ("longitude", 2)],
        batch: &[("time", 24)],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "no_batch_dims",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 5), ("longitude", 7)],
        overlap: &[("longitude", 3)],
        batch: &[],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "stacked_levels",
        vars: &["k_index", "temperature"],
        levels: Some(3),
        input: &[("latitude", 4), ("longitude", 5)],
        overlap: &[("latitude", 1)],
        batch: &[("time", 10)],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "time_in_input",
        vars: &["convective_inhibition"],
        levels: None,
        input: &[("time", 12), ("latitude", 16)],
        overlap: &[("time", 6)],
        batch: &[],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "concat",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 8), ("longitude", 8)],
        overlap: &[],
        batch: &[("time", 24)],
        concat: true,
        dataarray: false,
    },
    Setting {
        name: "concat_levels",
        vars: &["temperature", "k_index"],
        levels: Some(2),
        input: &[("latitude", 8), ("longitude", 10)],
        overlap: &[("longitude", 4)],
        batch: &[("time", 32)],
        concat: true,
        dataarray: false,
    },
    Setting {
        name: "concat_no_batch",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 8), ("longitude", 8)],
        overlap: &[],
        batch: &[],
        concat: true,
        dataarray: false,
    },
    Setting {
        name: "concat_duplicate",
        vars: &["k_index"],
        levels: None,
        input: &[("time", 6), ("latitude", 8)],
        overlap: &[("time", 2)],
        batch: &[("time", 12)],
        concat: true,
        dataarray: false,
    },
    Setting {
        name: "dataarray",
        vars: &["boundary_layer_height"],
        levels: None,
        input: &[("latitude", 8)],
        overlap: &[("latitude", 4)],
        batch: &[("time", 48)],
        concat: false,
        dataarray: true,
    },
    Setting {
        name: "full_size",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 16), ("longitude", 21)],
        overlap: &[],
        batch: &[("time", 96)],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "err_overlap",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 4)],
        overlap: &[("latitude", 4)],
        batch: &[],
        concat: false,
        dataarray: false,
    },
    Setting {
        name: "err_too_large",
        vars: &["k_index"],
        levels: None,
        input: &[("latitude", 17)],
        overlap: &[],
        batch: &[],
        concat: false,
        dataarray: false,
    },
];

fn describe(ds: &Dataset) -> anyhow::Result<Value> {
    let mut coords = serde_json::Map::new();
    for (name, var, _) in ds.coords().iter() {
        let b = var.data().compute()?;
        let values: Vec<Value> = if var.is_datetime() || !b.dtype().is_float() {
            cumulus_labeled::variable::block_i64(&b).into_iter().map(|v| json!(v)).collect()
        } else {
            block_f64(&b).into_iter().map(|v| json!(v)).collect()
        };
        coords.insert(name.to_string(), json!({ "dims": var.dims(), "values": values }));
    }
    let mut vars = serde_json::Map::new();
    for name in ds.data_vars() {
        let da = ds.get(name)?;
        let v = block_f64(&da.values()?.cast(DType::F64));
        let sum: f64 = v.iter().sum();
        let head: Vec<f64> = v.iter().take(6).copied().collect();
        let tail: Vec<f64> = v.iter().rev().take(3).copied().collect();
        vars.insert(
            name.to_string(),
            json!({ "dims": da.dims(), "shape": da.shape(), "sum": sum, "head": head, "tail": tail }),
        );
    }
    let sizes: serde_json::Map<String, Value> = ds.sizes().into_iter().map(|(d, n)| (d, json!(n))).collect();
    Ok(json!({ "sizes": sizes, "coords": coords, "vars": vars }))
}

fn run(ds: &Dataset, s: &Setting) -> anyhow::Result<Value> {
    // xarray's `ds[names]` keeps only the coordinates of the variables' dimensions.
    let mut sub = ds.select_vars(s.vars)?;
    match s.levels {
        Some(n) => sub = sub.isel([("level", 0..n)])?,
        None => sub = sub.drop_vars(&["level"]),
    }
    let builder = if s.dataarray {
        BatchGenerator::builder_for_dataarray(&sub.get(s.vars[0])?)?
    } else {
        BatchGenerator::builder(&sub)
    };
    let built = builder
        .input_dims(s.input.iter().copied())
        .input_overlap(s.overlap.iter().copied())
        .batch_dims(s.batch.iter().copied())
        .concat_input_dims(s.concat)
        .build();
    let bgen = match built {
        Ok(b) => b,
        Err(e) => return Ok(json!({ "error": e.to_string() })),
    };
    let n = bgen.len() as isize;
    let mut picks: Vec<isize> = vec![0, 1, n / 2, n - 1, -1];
    picks.retain(|&i| i < n && i >= -n);
    picks.dedup();
    let mut batches = serde_json::Map::new();
    for i in picks {
        let b = if s.dataarray {
            let da = bgen.get_dataarray(i)?;
            let mut ds = Dataset::new();
            for (c, v, _) in da.coords().iter() {
                ds = ds.with_coord(c, v.clone())?;
            }
            ds.with_var(da.name().unwrap_or("da"), da.variable().clone())?
        } else {
            bgen.get(i)?
        };
        batches.insert(i.to_string(), describe(&b)?);
    }
    Ok(json!({ "len": bgen.len(), "batches": batches }))
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: oracle <store.zarr>"))?;
    let ds = cumulus_store::open_zarr(&path)?;
    let mut out = serde_json::Map::new();
    for s in SETTINGS {
        out.insert(s.name.to_string(), run(&ds, s)?);
    }
    println!("{}", serde_json::to_string(&Value::Object(out))?);
    Ok(())
}
