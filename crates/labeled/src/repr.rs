//! Text reprs in xarray's layout (dimensions, coordinates with `*` for indexes, data
//! variables with dtype and chunks, attributes).

use std::fmt;

use crate::coords::Coords;
use crate::variable::{Attrs, Variable};

pub(crate) fn preview(var: &Variable, index: Option<&crate::index::Index>) -> String {
    match index {
        Some(i) if !i.is_empty() => {
            let n = i.len();
            if n <= 4 {
                (0..n).map(|k| i.label_string(k)).collect::<Vec<_>>().join(" ")
            } else {
                format!("{} {} … {}", i.label_string(0), i.label_string(1), i.label_string(n - 1))
            }
        }
        _ => format!("chunks {}", var.chunks()),
    }
}

pub(crate) fn dtype_name(var: &Variable) -> String {
    if var.is_datetime() { "datetime64[ns]".into() } else { var.dtype().to_string() }
}

/// The "Coordinates:" section.
pub(crate) fn write_coords(f: &mut fmt::Formatter<'_>, coords: &Coords) -> fmt::Result {
    if coords.names().is_empty() {
        return Ok(());
    }
    writeln!(f, "Coordinates:")?;
    let width = coords.names().iter().map(|n| n.len()).max().unwrap_or(0);
    for (name, var, index) in coords.iter() {
        let mark = if index.is_some() { "*" } else { " " };
        writeln!(
            f,
            "  {mark} {name:<width$}  ({}) {} {}",
            var.dims().join(", "),
            dtype_name(var),
            preview(var, index)
        )?;
    }
    Ok(())
}

/// One data variable line.
pub(crate) fn write_var(f: &mut fmt::Formatter<'_>, name: &str, width: usize, var: &Variable) -> fmt::Result {
    let chunk: Vec<String> = var.chunks().axes().iter().map(|a| a.first().copied().unwrap_or(0).to_string()).collect();
    writeln!(
        f,
        "    {name:<width$}  ({}) {} {} chunksize=({})",
        var.dims().join(", "),
        dtype_name(var),
        cumulus_chunked::array::human_bytes(var.data().nbytes()),
        chunk.join(", ")
    )
}

/// The "Attributes:" section.
pub(crate) fn write_attrs(f: &mut fmt::Formatter<'_>, attrs: &Attrs) -> fmt::Result {
    if attrs.is_empty() {
        return Ok(());
    }
    writeln!(f, "Attributes:")?;
    let width = attrs.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in attrs {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        writeln!(f, "    {k:<width$}  {text}")?;
    }
    Ok(())
}
