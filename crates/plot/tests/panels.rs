//! Multi-panel figures and confusion matrices through the public API: the workshop's 2 × 3
//! verification panel, files by extension, and errors matched by variant from outside.

use cumulus_chunked::ChunkedArray;
use cumulus_labeled::{DataArray, Variable};
use cumulus_plot::{Colormap, Panel, PlotError, confusion_matrix, line_chart, map, panels};
use ndarray::{ArrayD, IxDyn};

fn field(name: &str, f: impl Fn(usize, usize) -> f64) -> DataArray {
    let a = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| f(i[0], i[1]));
    let var = Variable::new(&["latitude", "longitude"], ChunkedArray::from_array(a, &[3, 4]).unwrap()).unwrap();
    DataArray::new(name, var)
        .with_coord("latitude", Variable::from_vec("latitude", vec![25.0f64, 24.0, 23.0]))
        .unwrap()
        .with_coord("longitude", Variable::from_vec("longitude", vec![120.0f64, 121.0, 122.0, 123.0]))
        .unwrap()
}

/// A loss per epoch, on a numeric `epoch` coordinate.
fn loss() -> DataArray {
    let a = ArrayD::from_shape_fn(IxDyn(&[5]), |i| 1.0 / (1.0 + i[0] as f64));
    DataArray::new("loss", Variable::new(&["epoch"], ChunkedArray::from_array(a, &[5]).unwrap()).unwrap())
        .with_coord("epoch", Variable::from_vec("epoch", vec![1i64, 2, 3, 4, 5]))
        .unwrap()
}

#[test]
fn the_workshop_verification_panel_writes_every_title_and_colorbar_label() {
    let obs = field("obs", |i, j| 290.0 + (i + j) as f64);
    let pred = field("pred", |i, j| 290.5 + (i * j) as f64);
    let diff = field("diff", |i, j| (i * j) as f64 + 0.5 - (i + j) as f64);
    let fig = panels(2, 3)
        .map(map(&obs).title("Observation").colorbar_label("T obs [K]"))
        .map(map(&pred).title("Prediction").colorbar_label("T pred [K]"))
        .map(map(&diff).title("Difference").colorbar_label("ΔT [K]").cmap(Colormap::RdBuR))
        .map(map(&diff).title("RMSE").colorbar_label("RMSE [K]"))
        .map(map(&obs).title("Correlation").colorbar_label("correlation r").vmin(0.0).vmax(300.0))
        .map(map(&pred).title("MAE").colorbar_label("MAE [K]").cmap(Colormap::Turbo))
        .title("Skill")
        .size(1650, 840);
    let svg = fig.to_svg().unwrap();
    assert!(svg.starts_with("<svg width=\"1650\" height=\"840\""));
    let titles = ["Skill", "Observation", "Prediction", "Difference", "RMSE", "Correlation", "MAE"];
    let labels = ["T obs [K]", "T pred [K]", "ΔT [K]", "RMSE [K]", "correlation r", "MAE [K]"];
    for text in titles.into_iter().chain(labels) {
        assert_eq!(svg.matches(&format!(">\n{text}\n<")).count(), 1, "{text:?} once");
    }
    let dir = tempfile::tempdir().unwrap();
    fig.save(dir.path().join("panel.png")).unwrap();
    let png = std::fs::read(dir.path().join("panel.png")).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (1650, 840));
}

#[test]
fn a_line_chart_and_a_confusion_matrix_share_a_figure() {
    let fig = panels(1, 2)
        .panel(line_chart(&loss()).title("training loss"))
        .panel(Panel::from(confusion_matrix(&[[8u64, 2], [1, 9]], &["no", "yes"]).normalize(true)))
        .size(1100, 420);
    let svg = fig.to_svg().unwrap();
    for text in ["training loss", "Predicted label", "0.80", "0.20", "0.10", "0.90"] {
        assert!(svg.contains(&format!(">\n{text}\n<")), "{text}");
    }
}

#[test]
fn errors_name_the_panel_that_failed() {
    let fig = panels(2, 2).map(map(&field("a", |_, _| 1.0))).panel(line_chart(&field("b", |_, _| 1.0)));
    match fig.to_svg().unwrap_err() {
        PlotError::Panel { row: 0, col: 1, source } => {
            assert!(matches!(*source, PlotError::Dims { plot: "line chart", .. }), "{source}")
        }
        e => panic!("expected the panel (0, 1) error, got {e}"),
    }
    let e = confusion_matrix(&[[1u64, 2], [3, 4]], &["x"]).to_svg().unwrap_err();
    assert!(matches!(e, PlotError::Argument { arg: "labels", .. }), "{e}");
}
