//! The physical model: how each variable depends on place, height, time and chance.
//!
//! It follows the Python peer's `make_data.py` formula by formula, so that both stacks teach
//! the same picture, with a counter-based random source instead of NumPy's
//! streams. Let `y = (lat − 10) / 30` (0 at 10°N, 1 at 40°N), `p = level / 1000`,
//! `season = cos(2π (doy − 196) / 365.25)` (+1 in mid-July), local solar hour
//! `h = utc + lon / 15`, `diurnal = cos(2π (h − 14) / 24)` (+1 at 14 LST),
//! `daylight = max(0, sin(π (h − 7) / 12))`, `w_*` smooth travelling waves (three plane waves
//! each, wavelengths 12–40°, periods 3–7 days, unit variance), and `N` independent N(0, 1):
//!
//! | variable | model |
//! |---|---|
//! | temperature (K) | `T_sfc · p^0.19 + 1.8 w_t (0.5 + 0.5 p) + 0.4 N`, `T_sfc = 300.5 − 12.5 y + (1 + 9 y) season + 2.5 diurnal` |
//! | specific humidity | `0.019 e^(−0.9 y) (1 + 0.15 season) p^3.2 e^(0.12 w_c) e^(0.12 N)`, at least 1e-6 |
//! | u wind (m s-1) | `−6 (1 − y) p² + 30 y^1.2 s (1 − 0.3 season) + 4 w_u (0.6 + 0.8 s) + 1.5 N`, shear `s = ((1 − p) / 0.8)^1.3`: easterlies below, a jet aloft in the north |
//! | v wind (m s-1) | `3.5 w_v (0.6 + 0.8 s) + 1.5 season + 1.5 N` |
//! | CAPE (J kg-1) | `2500 e^(−2.5 y) (0.35 + 0.325 (season + 1)) (0.7 + 0.3 diurnal) e^(0.5 w_c) e^(0.4 N − 0.08)`, in 0–8000: high in the south, in summer, in the afternoon |
//! | CIN (J kg-1) | `20 + 120 e^(0.6 N) (0.6 − 0.4 diurnal) (0.6 + 0.4 y)`, in 0–1000: larger at night and in the north |
//! | K index (K) | `22 + 14 tanh(CAPE / 1500) − 6 y + 2.5 N` |
//! | BLH (m) | `(350 + 900 daylight (1.2 − 0.4 y) + 150 w_b) e^(0.2 N)`, in 50–4000 |
//! | precipitation (mm hr-1) | wet with probability `min(0.06 + 0.25 c, 0.7) e^(−CIN / 400)`, `c = CAPE / 1500`; then `min(Γ(0.7) (1.5 + 4 c), 100)`, else 0 |
//!
//! About 3 % of precipitation values exceed 5 mm/hr, rising from well under 1 % in the north to
//! about 6 % in the south: the convection label is learnable from CAPE, CIN, K index and BLH,
//! but far from trivial.

use std::f64::consts::TAU;

use crate::grid::{Hour, LEVELS};
use crate::noise::{self, cell, key, milli};
use crate::variables::Variable;

/// A block of the domain to generate: the valid time steps, latitudes and longitudes, and the
/// padded chunk shape `(time, latitude, longitude)` the output is laid out in (edge chunks
/// are padded with NaN, as Zarr stores them).
#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
    /// The time steps.
    pub hours: &'a [Hour],
    /// The latitudes.
    pub lats: &'a [f32],
    /// The longitudes.
    pub lons: &'a [f32],
    /// Padded shape (time, latitude, longitude), each at least the valid length.
    pub padded: [usize; 3],
}

#[derive(Clone, Copy, Debug)]
struct Wave {
    inv_wl_lon: f64,
    inv_wl_lat: f64,
    inv_period_h: f64,
    phase: f64,
}

/// The smooth fields, one per use: temperature, u, v, convection/humidity, boundary layer.
#[derive(Clone, Copy, Debug)]
enum WaveField {
    T = 0,
    U = 1,
    V = 2,
    C = 3,
    B = 4,
}

/// The model for one seed.
#[derive(Clone, Debug)]
pub struct Model {
    seed: i64,
    waves: [[Wave; 3]; 5],
}

/// Extra random streams of the 3-D fields (beyond each variable's own).
const STREAM_WET: i64 = 101;
const STREAM_WAVES: i64 = 999_999;

impl Model {
    /// The model for `seed`: wave parameters are drawn from the seed alone, so fields are
    /// continuous across chunks, days and years.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let seed = seed as i64;
        let u =
            |f: usize, w: usize, p: i64| f64::from(noise::uniform(key(&[seed, STREAM_WAVES, f as i64, w as i64, p])));
        let waves = std::array::from_fn(|f| {
            std::array::from_fn(|w| {
                let sign = if u(f, w, 4) < 0.5 { -1.0 } else { 1.0 };
                Wave {
                    inv_wl_lon: 1.0 / (15.0 + 25.0 * u(f, w, 0)),
                    inv_wl_lat: 1.0 / ((12.0 + 23.0 * u(f, w, 1)) * sign),
                    inv_period_h: 1.0 / (72.0 + 96.0 * u(f, w, 2)),
                    phase: TAU * u(f, w, 3),
                }
            })
        });
        Model { seed, waves }
    }

    /// Generates `vars` over `block`. 4-D variables come out as `(time, level, latitude,
    /// longitude)` with all 13 levels, 3-D ones as `(time, latitude, longitude)`, padded to
    /// `block.padded` with NaN.
    #[must_use]
    pub fn generate(&self, block: &Block<'_>, vars: &[Variable]) -> Vec<(Variable, Vec<f32>)> {
        let ctx = Context::new(self, block);
        let want = |v| vars.contains(&v);
        let cape =
            (want(Variable::Cape) || want(Variable::KIndex) || want(Variable::TotalPrecipitation)).then(|| ctx.cape());
        let cin = (want(Variable::Cin) || want(Variable::TotalPrecipitation)).then(|| ctx.cin());
        vars.iter()
            .map(|&v| {
                let data = match v {
                    Variable::Temperature => ctx.temperature(),
                    Variable::SpecificHumidity => ctx.specific_humidity(),
                    Variable::UComponentOfWind => ctx.u_wind(),
                    Variable::VComponentOfWind => ctx.v_wind(),
                    Variable::Cape => ctx.pad3(cape.as_deref().unwrap_or_default()),
                    Variable::Cin => ctx.pad3(cin.as_deref().unwrap_or_default()),
                    Variable::KIndex => ctx.k_index(cape.as_deref().unwrap_or_default()),
                    Variable::BoundaryLayerHeight => ctx.blh(),
                    Variable::TotalPrecipitation => {
                        ctx.precipitation(cape.as_deref().unwrap_or_default(), cin.as_deref().unwrap_or_default())
                    }
                };
                (v, data)
            })
            .collect()
    }
}

/// Per-block values shared by the variables: `y` per latitude, season per hour, diurnal cycle
/// and daylight per (hour, longitude), coordinate keys.
struct Context<'a> {
    model: &'a Model,
    block: &'a Block<'a>,
    nt: usize,
    ny: usize,
    nx: usize,
    y: Vec<f32>,
    season: Vec<f32>,
    diurnal: Vec<f32>,
    daylight: Vec<f32>,
    lat_key: Vec<i64>,
    lon_key: Vec<i64>,
}

impl<'a> Context<'a> {
    fn new(model: &'a Model, block: &'a Block<'a>) -> Self {
        let (nt, ny, nx) = (block.hours.len(), block.lats.len(), block.lons.len());
        let mut diurnal = Vec::with_capacity(nt * nx);
        let mut daylight = Vec::with_capacity(nt * nx);
        for h in block.hours {
            for &lon in block.lons {
                let local = (h.utc_hour + lon / 15.0).rem_euclid(24.0);
                diurnal.push((std::f32::consts::TAU * (local - 14.0) / 24.0).cos());
                daylight.push((std::f32::consts::PI * (local - 7.0) / 12.0).sin().max(0.0));
            }
        }
        Context {
            model,
            block,
            nt,
            ny,
            nx,
            y: block.lats.iter().map(|&lat| (lat - 10.0) / 30.0).collect(),
            season: block
                .hours
                .iter()
                .map(|h| (std::f32::consts::TAU * (h.day_of_year - 196.0) / 365.25).cos())
                .collect(),
            diurnal,
            daylight,
            lat_key: block.lats.iter().map(|&l| milli(l)).collect(),
            lon_key: block.lons.iter().map(|&l| milli(l)).collect(),
        }
    }

    fn len3(&self) -> usize {
        self.nt * self.ny * self.nx
    }

    /// A smooth wave field over the block, `(time, latitude, longitude)`, unit variance.
    fn wave(&self, field: WaveField) -> Vec<f32> {
        let (ny, nx) = (self.ny, self.nx);
        let mut out = vec![0.0f32; self.len3()];
        let scale = (2.0f64 / 3.0).sqrt();
        for w in &self.model.waves[field as usize] {
            let (sin_x, cos_x): (Vec<f64>, Vec<f64>) =
                self.block.lons.iter().map(|&lon| (TAU * f64::from(lon) * w.inv_wl_lon).sin_cos()).unzip();
            for (t, h) in self.block.hours.iter().enumerate() {
                let time_phase = (h.since_1900 as f64 * w.inv_period_h).fract();
                for (i, &lat) in self.block.lats.iter().enumerate() {
                    let (s, c) = (TAU * (f64::from(lat) * w.inv_wl_lat - time_phase) + w.phase).sin_cos();
                    let row = &mut out[(t * ny + i) * nx..][..nx];
                    for j in 0..nx {
                        row[j] += (scale * (s * cos_x[j] + c * sin_x[j])) as f32;
                    }
                }
            }
        }
        out
    }

    /// A 4-D field: `f(t, k, s, z)` with `s` the (t, i, j) index of the shared 3-D arrays and
    /// `z` a standard normal draw for this point of `var`'s stream.
    fn fill4(&self, var: Variable, f: impl Fn(usize, usize, usize, f32) -> f32) -> Vec<f32> {
        let [ct, cy, cx] = self.block.padded;
        let nl = LEVELS.len();
        let mut out = vec![f32::NAN; ct * nl * cy * cx];
        for (t, h) in self.block.hours.iter().enumerate() {
            for (k, &level) in LEVELS.iter().enumerate() {
                for i in 0..self.ny {
                    let row =
                        key(&[self.model.seed, var.stream() as i64, h.since_1900, i64::from(level), self.lat_key[i]]);
                    let dst = &mut out[((t * nl + k) * cy + i) * cx..][..self.nx];
                    let s0 = (t * self.ny + i) * self.nx;
                    for (j, d) in dst.iter_mut().enumerate() {
                        *d = f(t, k, s0 + j, noise::normal(cell(row, self.lon_key[j])));
                    }
                }
            }
        }
        out
    }

    /// A dense 3-D field `(time, latitude, longitude)`: `f(t, s, key)` with `key` this point's
    /// random key in `stream`.
    fn dense3(&self, stream: i64, f: impl Fn(usize, usize, u64) -> f32) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.len3());
        for (t, h) in self.block.hours.iter().enumerate() {
            for i in 0..self.ny {
                let row = key(&[self.model.seed, stream, h.since_1900, -1, self.lat_key[i]]);
                let s0 = (t * self.ny + i) * self.nx;
                out.extend((0..self.nx).map(|j| f(t, s0 + j, cell(row, self.lon_key[j]))));
            }
        }
        out
    }

    /// Pads a dense `(time, latitude, longitude)` field to the chunk shape with NaN.
    fn pad3(&self, dense: &[f32]) -> Vec<f32> {
        let [ct, cy, cx] = self.block.padded;
        let mut out = vec![f32::NAN; ct * cy * cx];
        for t in 0..self.nt {
            for i in 0..self.ny {
                let src = &dense[(t * self.ny + i) * self.nx..][..self.nx];
                out[(t * cy + i) * cx..][..self.nx].copy_from_slice(src);
            }
        }
        out
    }

    fn y_of(&self, s: usize) -> f32 {
        self.y[(s / self.nx) % self.ny]
    }

    fn tx(&self, t: usize, s: usize) -> usize {
        t * self.nx + s % self.nx
    }

    fn temperature(&self) -> Vec<f32> {
        let w = self.wave(WaveField::T);
        let p019: Vec<f32> = LEVELS.iter().map(|&l| (l as f32 / 1000.0).powf(0.19)).collect();
        let amp: Vec<f32> = LEVELS.iter().map(|&l| 1.8 * (0.5 + 0.5 * l as f32 / 1000.0)).collect();
        let t_sfc: Vec<f32> = (0..self.len3())
            .map(|s| {
                let t = s / (self.ny * self.nx);
                let y = self.y_of(s);
                300.5 - 12.5 * y + (1.0 + 9.0 * y) * self.season[t] + 2.5 * self.diurnal[self.tx(t, s)]
            })
            .collect();
        self.fill4(Variable::Temperature, |_, k, s, z| t_sfc[s] * p019[k] + amp[k] * w[s] + 0.4 * z)
    }

    fn specific_humidity(&self) -> Vec<f32> {
        let w = self.wave(WaveField::C);
        let p32: Vec<f32> = LEVELS.iter().map(|&l| (l as f32 / 1000.0).powf(3.2)).collect();
        let q_sfc: Vec<f32> = (0..self.len3())
            .map(|s| {
                let t = s / (self.ny * self.nx);
                0.019 * (-0.9 * self.y_of(s)).exp() * (1.0 + 0.15 * self.season[t]) * (0.12 * w[s]).exp()
            })
            .collect();
        self.fill4(Variable::SpecificHumidity, |_, k, s, z| (q_sfc[s] * p32[k] * (0.12 * z).exp()).max(1e-6))
    }

    /// `((1 − p) / 0.8)^1.3` per level.
    fn shear() -> Vec<f32> {
        LEVELS.iter().map(|&l| ((1.0 - l as f32 / 1000.0) / 0.8).powf(1.3)).collect()
    }

    fn u_wind(&self) -> Vec<f32> {
        let w = self.wave(WaveField::U);
        let shear = Self::shear();
        let p2: Vec<f32> = LEVELS.iter().map(|&l| (l as f32 / 1000.0).powi(2)).collect();
        let y12: Vec<f32> = self.y.iter().map(|y| y.powf(1.2)).collect();
        self.fill4(Variable::UComponentOfWind, |t, k, s, z| {
            let i = (s / self.nx) % self.ny;
            let y = self.y[i];
            -6.0 * (1.0 - y) * p2[k]
                + 30.0 * y12[i] * shear[k] * (1.0 - 0.3 * self.season[t])
                + 4.0 * w[s] * (0.6 + 0.8 * shear[k])
                + 1.5 * z
        })
    }

    fn v_wind(&self) -> Vec<f32> {
        let w = self.wave(WaveField::V);
        let shear = Self::shear();
        self.fill4(Variable::VComponentOfWind, |t, k, s, z| {
            3.5 * w[s] * (0.6 + 0.8 * shear[k]) + 1.5 * self.season[t] + 1.5 * z
        })
    }

    /// CAPE, dense, clipped to 0–8000.
    fn cape(&self) -> Vec<f32> {
        let w = self.wave(WaveField::C);
        self.dense3(Variable::Cape.stream() as i64, |t, s, key| {
            let y = self.y_of(s);
            let v = 2500.0
                * (-2.5 * y).exp()
                * (0.35 + 0.325 * (self.season[t] + 1.0))
                * (0.7 + 0.3 * self.diurnal[self.tx(t, s)])
                * (0.5 * w[s]).exp()
                * (0.4 * noise::normal(key) - 0.08).exp();
            v.clamp(0.0, 8000.0)
        })
    }

    /// CIN (a positive magnitude), dense, clipped to 0–1000.
    fn cin(&self) -> Vec<f32> {
        self.dense3(Variable::Cin.stream() as i64, |t, s, key| {
            let v = 20.0
                + 120.0
                    * (0.6 * noise::normal(key)).exp()
                    * (0.6 - 0.4 * self.diurnal[self.tx(t, s)])
                    * (0.6 + 0.4 * self.y_of(s));
            v.clamp(0.0, 1000.0)
        })
    }

    fn k_index(&self, cape: &[f32]) -> Vec<f32> {
        let dense = self.dense3(Variable::KIndex.stream() as i64, |_, s, key| {
            22.0 + 14.0 * (cape[s] / 1500.0).tanh() - 6.0 * self.y_of(s) + 2.5 * noise::normal(key)
        });
        self.pad3(&dense)
    }

    fn blh(&self) -> Vec<f32> {
        let w = self.wave(WaveField::B);
        let dense = self.dense3(Variable::BoundaryLayerHeight.stream() as i64, |t, s, key| {
            let y = self.y_of(s);
            let v = (350.0 + 900.0 * self.daylight[self.tx(t, s)] * (1.2 - 0.4 * y) + 150.0 * w[s])
                * (0.2 * noise::normal(key)).exp();
            v.clamp(50.0, 4000.0)
        });
        self.pad3(&dense)
    }

    fn precipitation(&self, cape: &[f32], cin: &[f32]) -> Vec<f32> {
        let dense = self.dense3(STREAM_WET, |_, s, key| {
            let c = cape[s] / 1500.0;
            let p_wet = (0.06 + 0.25 * c).clamp(0.0, 0.7) * (-cin[s] / 400.0).exp();
            if noise::uniform(key) < p_wet { (noise::gamma_07(key) * (1.5 + 4.0 * c)).min(100.0) } else { 0.0 }
        });
        self.pad3(&dense)
    }
}
