//! Prints every variable of a store (or, with the `netcdf` feature, a `.nc` file) as JSON:
//! dimensions and decoded values (NaN as null, times as ISO strings). CI compares it with what
//! xarray decodes from the same files (`.ci/interop/xarray_to_cumulus.py`).
//!
//! ```text
//! cargo run -p cumulus-store --example dump_dataset -- zarr=STORE [netcdf=FILE.nc]
//! ```

use serde_json::{Map, Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = Map::new();
    for arg in std::env::args().skip(1) {
        let (kind, path) = arg.split_once('=').ok_or("arguments are KIND=PATH, KIND being zarr or netcdf")?;
        let ds = match kind {
            "zarr" => cumulus_store::open_zarr(path)?,
            #[cfg(feature = "netcdf")]
            "netcdf" => cumulus_store::open_netcdf(path)?,
            other => return Err(format!("unknown kind {other:?} (netcdf needs the netcdf feature)").into()),
        };
        let mut vars = Map::new();
        for (name, _, index) in ds.coords().iter() {
            let index = index.ok_or("a coordinate without an index")?;
            let values: Vec<Value> = (0..index.len())
                .map(|i| {
                    if index.is_time() {
                        Value::String(index.label_string(i).chars().take(19).collect())
                    } else {
                        number(index.numeric(i).unwrap_or(f64::NAN))
                    }
                })
                .collect();
            vars.insert(name.to_owned(), json!({"dims": [name], "values": values}));
        }
        for name in ds.data_vars() {
            let da = ds.get(name)?;
            let values: Vec<Value> = da.to_vec_f64()?.into_iter().map(number).collect();
            vars.insert(name.to_owned(), json!({"dims": da.dims(), "values": values}));
        }
        out.insert(kind.to_owned(), Value::Object(vars));
    }
    println!("{}", Value::Object(out));
    Ok(())
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}
