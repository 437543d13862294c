"""xskillscore 0.0.29 as the oracle for cumulus-skill's metrics.

Builds the dataset of `crates/skill/examples/skill_oracle.rs` from the same formulas (dims
(time: 48, y: 3, x: 4); a and b with NaN at fixed positions; b constant at y=10, x=130), runs
the same metrics with xskillscore, and compares them with the example's JSON (first argument,
or stdin): dimensions, shapes, and values within float32 round-off (relative 1e-5, absolute
1e-6; NaN must match NaN, infinities must match). JSON has no NaN or infinity: the example
writes them as the strings "NaN", "Infinity", "-Infinity".. Prints what differs and exits 1 then.

Where cumulus differs from xskillscore by design, this script does what cumulus documents:
- misaligned coordinates: cumulus aligns with an inner join as xarray arithmetic does
  (xskillscore refuses misaligned reduced dimensions), so the "_aligned" case is compared
  with xskillscore on `xr.align(a, b, join="inner")`;
- weights along `y` only for dims (y, x): cumulus broadcasts them by name, xskillscore wants
  them on (y, x), so they are broadcast before the call;
- the ROC area is `xs.roc(o, p, bin_edges="continuous", dim=...)`.

    cargo run -p cumulus-skill --example skill_oracle > skill_oracle.json
    python .ci/interop/skill_oracle.py skill_oracle.json
"""

import json
import sys
import warnings

import numpy as np
import xarray as xr
import xskillscore as xs

RTOL, ATOL = 1e-5, 1e-6
NT = 48
YS = [30.0, 20.0, 10.0]
XS = [100.0, 110.0, 120.0, 130.0]


def grids(t0=0):
    t = np.arange(t0, t0 + NT)[:, None, None]
    j = np.arange(len(YS))[None, :, None]
    i = np.arange(len(XS))[None, None, :]
    return t, j, i


def a_values(t, j, i):
    return 280.0 + 3.0 * np.sin(2 * np.pi * t / 24.0 + j) + 0.5 * i + 0.37 * ((7 * t + 3 * j + 5 * i) % 11)


def b_values(t, j, i):
    b = a_values(t, j, i) + 1.5 * np.cos(2 * np.pi * t / 12.0 + i) - 0.2 * j + 0.29 * ((5 * t + 2 * j + 3 * i) % 7) - 0.8
    b = np.broadcast_to(b, (NT, len(YS), len(XS))).copy()
    b[:, 2, 3] = 281.0
    return b


def field(values, time):
    values = np.broadcast_to(values, (NT, len(YS), len(XS))).astype(float)
    return xr.DataArray(values, dims=("time", "y", "x"), coords={"time": time, "y": YS, "x": XS})


def data():
    t, j, i = grids()
    time = np.arange(NT, dtype=float)
    a_full = field(a_values(t, j, i), time)
    b_full = field(b_values(t, j, i), time)
    a = a_full.where(~np.broadcast_to((13 * t + 5 * j + 3 * i) % 37 == 0, a_full.shape))
    b = b_full.where(~np.broadcast_to((11 * t + 7 * j + 2 * i) % 41 == 0, b_full.shape))
    ts, js, is_ = grids(5)
    b_shift = field(b_values(ts, js, is_), time + 5.0)
    w = xr.DataArray(np.cos(np.deg2rad(YS)), dims="y", coords={"y": YS})
    return a, b, a_full, b_full, b_shift, w


def dump(da):
    da = xr.DataArray(da)
    return {"dims": list(da.dims), "shape": list(da.shape), "values": np.asarray(da.values, dtype=float).ravel()}


def expected():
    a, b, a_full, b_full, b_shift, w = data()
    out = {}
    w_yx = w.broadcast_like(a.isel(time=0, drop=True))
    for name in ["rmse", "mse", "mae", "me", "pearson_r", "r2"]:
        f = getattr(xs, name)
        out[f"{name}_time"] = dump(f(a, b, dim="time"))
        out[f"{name}_time_skipna"] = dump(f(a, b, dim="time", skipna=True))
        out[f"{name}_yx"] = dump(f(a, b, dim=["y", "x"]))
        out[f"{name}_yx_skipna"] = dump(f(a, b, dim=["y", "x"], skipna=True))
        out[f"{name}_all_skipna"] = dump(f(a, b, dim=None, skipna=True))
        out[f"{name}_yx_weighted_skipna"] = dump(f(a, b, dim=["y", "x"], weights=w_yx, skipna=True))
        out[f"{name}_yx_weighted"] = dump(f(a_full, b_full, dim=["y", "x"], weights=w_yx))
        aa, bb = xr.align(a_full, b_shift, join="inner")
        out[f"{name}_time_aligned"] = dump(f(aa, bb, dim="time"))
    out["spearman_r_time"] = dump(xs.spearman_r(a_full, b_full, dim="time"))
    out["spearman_r_yx"] = dump(xs.spearman_r(a_full, b_full, dim=["y", "x"]))

    two = np.array([-np.inf, 281.0, np.inf])
    scores = ["hits", "misses", "false_alarms", "correct_negatives", "hit_rate", "false_alarm_ratio",
              "false_alarm_rate", "success_ratio", "threat_score", "equit_threat_score", "bias_score",
              "odds_ratio", "odds_ratio_skill_score", "accuracy", "heidke_score", "peirce_score"]
    for key, dim in [("time", "time"), ("all", ["time", "y", "x"])]:
        c = xs.Contingency(a, b, two, two, dim=dim)
        for s in scores:
            out[f"contingency2_{key}_{s}"] = dump(getattr(c, s)())
        out[f"contingency2_{key}_table"] = dump(c.table)
    c3 = xs.Contingency(a, b, np.array([270.0, 279.5, 282.0, 290.0]), np.array([270.0, 279.0, 281.5, 290.0]), dim="time")
    out["contingency3_time_table"] = dump(c3.table)
    for s in ["accuracy", "heidke_score", "peirce_score"]:
        out[f"contingency3_time_{s}"] = dump(getattr(c3, s)())

    o = (a > 281.0).astype(float).where(a.notnull())
    p = 1.0 / (1.0 + np.exp(-(b - 281.0)))
    out["brier_score_time"] = dump(xs.brier_score(o, p, dim="time"))
    out["brier_score_all"] = dump(xs.brier_score(o, p, dim=None))
    o_full = a_full > 281.0
    # xskillscore's "continuous" ROC bins the 0/1 observations with the forecast thresholds
    # too, which is only right for forecasts in (0, 1]: probabilities here.
    p_full = 1.0 / (1.0 + np.exp(-0.5 * (b_full - 281.0)))
    out["roc_auc_time"] = dump(xs.roc(o_full, p_full, bin_edges="continuous", dim="time"))
    out["roc_auc_all"] = dump(xs.roc(o_full, p_full, bin_edges="continuous", dim=["time", "y", "x"]))
    return out


def main():
    # xhistogram warns that it converts boolean observations to uint8.
    warnings.filterwarnings("ignore", message="Converting input from bool", category=RuntimeWarning)
    got = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    want = expected()
    problems = []
    for key, w in want.items():
        g = got.get(key)
        if g is None:
            problems.append(f"{key}: missing from cumulus' output")
            continue
        if g["dims"] != w["dims"] or g["shape"] != w["shape"]:
            problems.append(f"{key}: dims {g['dims']} shape {g['shape']}, xskillscore {w['dims']} {w['shape']}")
            continue
        gv = np.array([float(v) for v in g["values"]], dtype=float)
        wv = w["values"]
        same_nan = np.isnan(gv) == np.isnan(wv)
        with np.errstate(invalid="ignore"):
            close = np.isclose(gv, wv, rtol=RTOL, atol=ATOL) | (np.isnan(gv) & np.isnan(wv))
        if not (same_nan.all() and close.all()):
            bad = np.flatnonzero(~close)[:5]
            problems.append(f"{key}: at {bad.tolist()} cumulus {gv[bad].tolist()} xskillscore {wv[bad].tolist()}")
    extra = sorted(set(got) - set(want))
    if extra:
        problems.append(f"not checked (no xskillscore case): {extra}")
    if problems:
        print("cumulus-skill differs from xskillscore:")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print(f"cumulus-skill agrees with xskillscore {xs.__version__} on {len(want)} results")


if __name__ == "__main__":
    main()
