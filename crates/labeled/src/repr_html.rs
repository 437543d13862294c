//! HTML reprs for notebooks, in the spirit of xarray's `_repr_html_`: a header with the type
//! and size, the dimensions (bold when they have an index), then collapsible sections
//! (`<details>`, no script or stylesheet needed, so they also work in renderers that strip
//! them) for coordinates (`*` marks an index), data variables (dims, dtype, size, chunk shape,
//! number of chunks, and each variable's attributes) and attributes. Every name and value is
//! HTML-escaped.
//!
//! The evcxr Jupyter kernel calls an inherent `evcxr_display(&self)` method on a cell's last
//! value: [`Dataset::evcxr_display`] and [`DataArray::evcxr_display`] print the text repr
//! (`text/plain`) and this one (`text/html`).

use std::fmt::Write as _;

use cumulus_chunked::array::human_bytes;

use crate::coords::Coords;
use crate::dataarray::DataArray;
use crate::dataset::Dataset;
use crate::repr::{dtype_name, preview};
use crate::variable::{Attrs, Variable};

pub(crate) use cumulus_chunked::markup::escape_html as escape;

const STYLE: &str = "font-family:monospace;font-size:0.9em";
const TABLE: &str = "margin:0 0 0.3em 1.2em";
const CELL: &str = "text-align:left;vertical-align:top;padding:0 1em 0 0";

fn header(out: &mut String, kind: &str, name: Option<&str>, nbytes: usize) {
    let _ = write!(out, "<div class=\"cumulus-repr\" style=\"{STYLE}\"><div><b>cumulus.{kind}</b>");
    if let Some(n) = name {
        let _ = write!(out, " <b>&#39;{}&#39;</b>", escape(n));
    }
    let _ = write!(out, " &nbsp;Size: {}</div>", escape(&human_bytes(nbytes)));
}

fn dims_line(out: &mut String, sizes: &[(String, usize)], coords: &Coords) {
    let parts: Vec<String> = sizes
        .iter()
        .map(|(d, n)| {
            let e = escape(d);
            if coords.index(d).is_some() { format!("<b>{e}</b>: {n}") } else { format!("{e}: {n}") }
        })
        .collect();
    let _ = write!(out, "<div class=\"cumulus-dims\">Dimensions: ({})</div>", parts.join(", "));
}

fn section_start(out: &mut String, class: &str, title: &str, count: usize, open: bool) {
    let open = if open { " open" } else { "" };
    let _ = write!(
        out,
        "<details class=\"cumulus-{class}\"{open}><summary>{title}: ({count})</summary><table style=\"{TABLE}\">"
    );
}

fn section_end(out: &mut String) {
    out.push_str("</table></details>");
}

fn cell(out: &mut String, text: &str) {
    let _ = write!(out, "<td style=\"{CELL}\">{text}</td>");
}

fn dims_of(var: &Variable) -> String {
    format!("({})", escape(&var.dims().join(", ")))
}

fn coords_section(out: &mut String, coords: &Coords) {
    let names = coords.names();
    if names.is_empty() {
        return;
    }
    section_start(out, "coords", "Coordinates", names.len(), true);
    for (name, var, index) in coords.iter() {
        out.push_str("<tr>");
        cell(out, if index.is_some() { "<b title=\"index\">*</b>" } else { "" });
        cell(out, &if index.is_some() { format!("<b>{}</b>", escape(name)) } else { escape(name) });
        cell(out, &dims_of(var));
        cell(out, &escape(&dtype_name(var)));
        cell(out, &escape(&preview(var, index)));
        out.push_str("</tr>");
    }
    section_end(out);
}

/// The attributes of one variable, folded under its row.
fn var_attrs(attrs: &Attrs) -> String {
    if attrs.is_empty() {
        return String::new();
    }
    let items: Vec<String> = attrs
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><td style=\"{CELL}\">{}</td><td style=\"{CELL}\">{}</td></tr>",
                escape(k),
                escape(&value_text(v))
            )
        })
        .collect();
    format!(
        "<details class=\"cumulus-var-attrs\"><summary>attributes ({})</summary><table style=\"{TABLE}\">{}</table></details>",
        attrs.len(),
        items.concat()
    )
}

fn var_row(out: &mut String, name: &str, var: &Variable) {
    let chunk: Vec<String> = var.chunks().axes().iter().map(|a| a.first().copied().unwrap_or(0).to_string()).collect();
    out.push_str("<tr>");
    cell(out, &escape(name));
    cell(out, &dims_of(var));
    cell(out, &escape(&dtype_name(var)));
    cell(out, &escape(&human_bytes(var.data().nbytes())));
    cell(out, &format!("chunksize=({})", chunk.join(", ")));
    cell(out, &format!("{} chunks", var.data().num_chunks()));
    cell(out, &var_attrs(var.attrs()));
    out.push_str("</tr>");
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn attrs_section(out: &mut String, attrs: &Attrs) {
    if attrs.is_empty() {
        return;
    }
    section_start(out, "attrs", "Attributes", attrs.len(), false);
    for (k, v) in attrs {
        out.push_str("<tr>");
        cell(out, &escape(k));
        cell(out, &escape(&value_text(v)));
        out.push_str("</tr>");
    }
    section_end(out);
}

/// The HTML repr of a dataset.
pub(crate) fn dataset_html(ds: &Dataset) -> String {
    let mut out = String::new();
    header(&mut out, "Dataset", None, ds.nbytes());
    dims_line(&mut out, &ds.sizes(), ds.coords());
    coords_section(&mut out, ds.coords());
    let names = ds.data_vars();
    section_start(&mut out, "vars", "Data variables", names.len(), true);
    for n in names {
        if let Ok(da) = ds.get(n) {
            var_row(&mut out, n, da.variable());
        }
    }
    section_end(&mut out);
    attrs_section(&mut out, ds.attrs());
    out.push_str("</div>");
    out
}

/// The HTML repr of a data array.
pub(crate) fn dataarray_html(da: &DataArray) -> String {
    let mut out = String::new();
    header(&mut out, "DataArray", Some(da.name().unwrap_or("")), da.data().nbytes());
    let sizes: Vec<(String, usize)> = da.dims().iter().cloned().zip(da.shape().iter().copied()).collect();
    dims_line(&mut out, &sizes, da.coords());
    let _ = write!(
        out,
        "<div class=\"cumulus-data\">{} &nbsp;chunked {} &nbsp;({} chunks)</div>",
        escape(&dtype_name(da.variable())),
        escape(&da.data().chunks().to_string()),
        da.data().num_chunks()
    );
    coords_section(&mut out, da.coords());
    attrs_section(&mut out, da.attrs());
    out.push_str("</div>");
    out
}

/// Print one evcxr display block (the kernel turns it into an output of that MIME type).
fn emit(mime: &str, body: &str) {
    println!("EVCXR_BEGIN_CONTENT {mime}\n{body}\nEVCXR_END_CONTENT");
}

impl Dataset {
    /// The HTML repr (see the [module docs](crate::repr_html)): dimensions, coordinates,
    /// data variables with dtype, size and chunks, attributes; every text HTML-escaped.
    ///
    /// ```
    /// use cumulus_labeled::{Dataset, Variable};
    /// let ds = Dataset::new()
    ///     .with_coord("level", Variable::from_vec("level", vec![1000i64, 850])).unwrap()
    ///     .with_var("t", Variable::from_vec("level", vec![288.0f32, 281.5])).unwrap();
    /// let html = ds.to_html();
    /// assert!(html.contains("Dimensions: (<b>level</b>: 2)"));
    /// assert!(html.contains("Data variables: (1)"));
    /// ```
    pub fn to_html(&self) -> String {
        dataset_html(self)
    }

    /// Called by the evcxr Jupyter kernel when a dataset is a cell's last value: prints the
    /// text repr as `text/plain` and [`Dataset::to_html`] as `text/html`, in evcxr's
    /// `EVCXR_BEGIN_CONTENT` blocks (outside a kernel they are just printed).
    ///
    /// ```
    /// let ds = cumulus_labeled::Dataset::new();
    /// ds.evcxr_display(); // prints two blocks
    /// ```
    pub fn evcxr_display(&self) {
        emit("text/plain", self.to_string().trim_end());
        emit("text/html", &self.to_html());
    }
}

impl DataArray {
    /// The HTML repr (see the [module docs](crate::repr_html)): name, dimensions, dtype and
    /// chunks, coordinates, attributes; every text HTML-escaped.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// let da = DataArray::new("t", Variable::from_vec("level", vec![288.0f32, 281.5]))
    ///     .with_coord("level", Variable::from_vec("level", vec![1000i64, 850])).unwrap();
    /// assert!(da.to_html().contains("<b>&#39;t&#39;</b>"));
    /// ```
    pub fn to_html(&self) -> String {
        dataarray_html(self)
    }

    /// Called by the evcxr Jupyter kernel when an array is a cell's last value: prints the
    /// text repr as `text/plain` and [`DataArray::to_html`] as `text/html`.
    ///
    /// ```
    /// use cumulus_labeled::{DataArray, Variable};
    /// DataArray::new("t", Variable::from_vec("x", vec![1.0f64])).evcxr_display();
    /// ```
    pub fn evcxr_display(&self) {
        emit("text/plain", self.to_string().trim_end());
        emit("text/html", &self.to_html());
    }
}

#[cfg(test)]
mod tests {
    use cumulus_chunked::ChunkedArray;
    use ndarray::{ArrayD, IxDyn};
    use serde_json::json;

    use super::*;

    fn sample() -> Dataset {
        let t = ArrayD::from_shape_fn(IxDyn(&[2, 3]), |i| (i[0] * 3 + i[1]) as f32);
        let mut attrs = Attrs::new();
        attrs.insert("units".into(), json!("K"));
        attrs.insert("note".into(), json!("a <b>bold</b> & \"quoted\" claim"));
        let temp = Variable::new(&["time", "latitude"], ChunkedArray::from_array(t, &[1, 3]).unwrap())
            .unwrap()
            .with_attrs(attrs.clone());
        let cape =
            Variable::new(&["latitude"], ChunkedArray::from_array(ArrayD::<f64>::zeros(IxDyn(&[3])), &[2]).unwrap())
                .unwrap();
        let mut global = Attrs::new();
        global.insert("title".into(), json!("x < y"));
        Dataset::new()
            .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0]))
            .unwrap()
            .with_coord("station", Variable::from_vec("latitude", vec![1i64, 2, 3]))
            .unwrap()
            .with_var("temperature", temp)
            .unwrap()
            .with_var("cape<x>", cape)
            .unwrap()
            .with_attrs(global)
    }

    /// Tags open and closed in balance (a cheap well-formedness check).
    fn balanced(html: &str, tag: &str) -> bool {
        html.matches(&format!("<{tag}")).count() == html.matches(&format!("</{tag}>")).count()
    }

    #[test]
    fn dataset_lists_every_dim_and_variable() {
        let html = dataset_html(&sample());
        assert!(html.starts_with("<div class=\"cumulus-repr\""));
        assert!(html.contains("<b>cumulus.Dataset</b>"));
        // `latitude` has an index (bold), `time` has none; coordinates' dimensions come first.
        assert!(html.contains("Dimensions: (<b>latitude</b>: 3, time: 2)"), "{html}");
        for name in ["<b>latitude</b>", "station", "temperature", "cape&lt;x&gt;"] {
            assert!(html.contains(name), "{name} missing in {html}");
        }
        assert!(html.contains("Coordinates: (2)") && html.contains("Data variables: (2)"));
        assert!(html.contains("<b title=\"index\">*</b>"));
        assert!(html.contains("float32") && html.contains("chunksize=(1, 3)") && html.contains("2 chunks"));
        for tag in ["div", "details", "summary", "table", "tr", "td", "b"] {
            assert!(balanced(&html, tag), "unbalanced <{tag}> in {html}");
        }
    }

    #[test]
    fn attributes_are_escaped() {
        let html = dataset_html(&sample());
        assert!(html.contains("x &lt; y"), "{html}");
        assert!(html.contains("a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; claim"), "{html}");
        assert!(!html.contains("<b>bold</b>") && !html.contains("cape<x>") && !html.contains("x < y"));
        assert!(html.contains("Attributes: (1)") && html.contains("attributes (2)"));
    }

    #[test]
    fn dataarray_shows_name_dims_chunks_coords() {
        let da = sample().get("temperature").unwrap();
        let html = dataarray_html(&da);
        assert!(html.contains("<b>cumulus.DataArray</b> <b>&#39;temperature&#39;</b>"), "{html}");
        assert!(html.contains("Dimensions: (time: 2, <b>latitude</b>: 3)"), "{html}");
        assert!(html.contains("float32 &nbsp;chunked (1×2, 3×1) &nbsp;(2 chunks)"), "{html}");
        assert!(html.contains("<b>latitude</b>") && html.contains("station"));
        assert!(html.contains("Attributes: (2)") && html.contains("&amp; &quot;quoted&quot;"));
        for tag in ["div", "details", "table", "tr", "td"] {
            assert!(balanced(&html, tag), "unbalanced <{tag}> in {html}");
        }
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }
}
