//! # Exercise 3: the value nearest a city
//!
//! Cities do not sit on grid points. xarray's `sel(latitude=25.03, longitude=121.56,
//! method="nearest")` picks the closest grid point instead of failing; the coordinates that
//! remain on the result say which point was picked.
//!
//! **Task:** for each of [`CITIES`], find the value of `field` (a 2-D latitude × longitude
//! field, already computed) at the nearest grid point, and report the latitude and longitude of
//! that grid point with it, in the order of [`CITIES`].
//!
//! ## Hint
//! `field.sel([("latitude", nearest(lat)), ("longitude", nearest(lon))])?` is a 0-dimensional
//! `DataArray`: `.item()?` is its value, and `.coord("latitude")?.item()?` the latitude that was
//! picked.

use cumulus::prelude::*;

use crate::Result;

/// Taiwan's three largest cities: name, latitude (°N), longitude (°E).
pub const CITIES: [(&str, f64, f64); 3] =
    [("Taipei", 25.03, 121.56), ("Taichung", 24.15, 120.67), ("Kaohsiung", 22.63, 120.30)];

/// A field's value at the grid point nearest a city.
#[derive(Clone, Debug, PartialEq)]
pub struct CityValue {
    /// The city.
    pub name: &'static str,
    /// Latitude of the grid point picked.
    pub latitude: f64,
    /// Longitude of the grid point picked.
    pub longitude: f64,
    /// The field's value there.
    pub value: f64,
}

/// The value of `field` nearest each of [`CITIES`].
pub fn at_cities(field: &DataArray) -> Result<Vec<CityValue>> {
    todo!("exercise: replace this with your code")
}
