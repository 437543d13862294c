//! Small in-memory fields for unit tests.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{Attrs, DataArray, Variable};
use ndarray::{ArrayD, IxDyn};

/// A `"t"` field on (latitude, longitude) with value `f(i, j)` and `units = "K"`.
pub(crate) fn field_da(lat: &[f64], lon: &[f64], f: impl Fn(usize, usize) -> f64) -> DataArray {
    let a = ArrayD::from_shape_fn(IxDyn(&[lat.len(), lon.len()]), |ix| f(ix[0], ix[1]));
    let mut attrs = Attrs::new();
    attrs.insert("units".into(), "K".into());
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[lat.len(), lon.len()]).unwrap())
        .unwrap()
        .with_attrs(attrs);
    DataArray::new("t", var)
        .with_coord("latitude", Variable::from_vec("latitude", lat.to_vec()))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", lon.to_vec()))
        .unwrap()
}
