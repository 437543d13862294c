//! The fields behave like the atmosphere the class talks about (checked on the tiny preset's
//! grid, a week of one year).

mod common;

use common::read_f32;
use cumulus_data_gen::{GenConfig, LEVELS, Preset, generate};
use indicatif::ProgressBar;

struct Data {
    dir: tempfile::TempDir,
    cfg: GenConfig,
}

fn data() -> Data {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = GenConfig::preset(Preset::Tiny, dir.path());
    cfg.years = vec![2020];
    cfg.first = "07-01".parse().unwrap();
    cfg = cfg.with_days(7).unwrap();
    generate(&cfg, &ProgressBar::hidden()).unwrap();
    Data { dir, cfg }
}

fn mean(v: impl Iterator<Item = f32>) -> f64 {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + f64::from(x), n + 1));
    s / n as f64
}

#[test]
fn fields_are_physically_plausible() {
    let d = data();
    let store = d.cfg.store_path(2020);
    assert!(d.dir.path().exists());
    let (shape, t) = read_f32(&store, "temperature");
    let [nt, nl, ny, nx] = [0, 1, 2, 3].map(|i| shape[i] as usize);
    assert_eq!((nt, nl, ny, nx), (168, 13, 16, 21));
    let at = |t_: usize, k: usize, i: usize, j: usize| t[((t_ * nl + k) * ny + i) * nx + j];
    // Temperature falls with height at every level step, and from south to north.
    let by_level: Vec<f64> = (0..nl)
        .map(|k| {
            mean(
                (0..nt)
                    .flat_map(|a| (0..ny).flat_map(move |i| (0..nx).map(move |j| (a, i, j))))
                    .map(|(a, i, j)| at(a, k, i, j)),
            )
        })
        .collect();
    assert!(by_level.windows(2).all(|w| w[0] > w[1]), "{by_level:?}");
    assert!((285.0..305.0).contains(&by_level[0]), "1000 hPa mean {}", by_level[0]);
    assert!((205.0..240.0).contains(&by_level[12]), "200 hPa mean {}", by_level[12]);
    let k850 = LEVELS.iter().position(|&l| l == 850).unwrap();
    let south = mean((0..nt).flat_map(|a| (0..nx).map(move |j| (a, j))).map(|(a, j)| at(a, k850, ny - 1, j)));
    let north = mean((0..nt).flat_map(|a| (0..nx).map(move |j| (a, j))).map(|(a, j)| at(a, k850, 0, j)));
    // In July the model's gradient is 3.5 K at the surface (12.5 K less 9 K of northern summer).
    assert!(south > north + 2.5, "T850 south {south} north {north}");
    assert!(t.iter().all(|x| x.is_finite()));

    // Precipitation: a few percent above 5 mm/hr, more in the south than in the north.
    let (_, tp) = read_f32(&store, "total_precipitation");
    let frac = |rows: std::ops::Range<usize>| {
        let mut n = 0;
        let mut hits = 0;
        for a in 0..nt {
            for i in rows.clone() {
                for j in 0..nx {
                    n += 1;
                    hits += usize::from(tp[(a * ny + i) * nx + j] > 5.0);
                }
            }
        }
        hits as f64 / n as f64
    };
    let all = frac(0..ny);
    assert!((0.015..0.05).contains(&all), "fraction above 5 mm/hr {all}");
    assert!(frac(11..ny) > 3.0 * frac(0..5), "south {} north {}", frac(11..ny), frac(0..5));
    assert!(tp.iter().all(|&x| (0.0..=100.0).contains(&x)));

    // CAPE peaks in the afternoon: at 120E (local = UTC + 8), 06 UTC is 14 LST, 18 UTC is 02 LST.
    let (_, cape) = read_f32(&store, "convective_available_potential_energy");
    let j120 = 10; // 100 + 2 * 10
    let cape_at = |hour: usize| {
        mean(
            (0..7)
                .flat_map(|day| (0..ny).map(move |i| (day * 24 + hour, i)))
                .map(|(a, i)| cape[(a * ny + i) * nx + j120]),
        )
    };
    assert!(cape_at(6) > 1.5 * cape_at(18), "afternoon {} night {}", cape_at(6), cape_at(18));

    // Humidity is positive and dries with height; the wind aloft is a westerly jet.
    let (_, q) = read_f32(&store, "specific_humidity");
    assert!(q.iter().all(|x| (1e-6..0.05).contains(x)));
    let (_, u) = read_f32(&store, "u_component_of_wind");
    let u200_north =
        mean((0..nt).flat_map(|a| (0..nx).map(move |j| (a, j))).map(|(a, j)| u[((a * nl + 12) * ny) * nx + j]));
    assert!(u200_north > 15.0, "u at 200 hPa, 40N: {u200_north}");
}
