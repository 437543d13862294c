//! Grades exercise 3: values nearest three cities, on a field computed here.

use cumulus::prelude::*;
use part1::data;
use part1::ex03_nearest_city::at_cities;

#[test]
fn ex03_nearest_city() {
    let t = open_zarr(data::store(2019)).unwrap().get("temperature").unwrap();
    let field = t.sel([("time", Selector::from("2019-06")), ("level", 850.into())]).unwrap().mean("time").unwrap();
    let field = field.compute().unwrap();
    let found = at_cities(&field).expect("at_cities returned an error");
    let lines: Vec<String> = found
        .iter()
        .map(|c| format!("{:<10} {:>5.2}N {:>6.2}E {:.2} K", c.name, c.latitude, c.longitude, c.value))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
