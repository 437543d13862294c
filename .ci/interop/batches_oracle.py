"""The xbatcher oracle: run xbatcher 0.4.0 with the settings of
crates/batches/examples/batches_oracle.rs on the same store and compare every batch exactly.

    python .ci/interop/batches_oracle.py STORE.zarr got.json

Compared, for each setting: len(bgen) (or that both refuse the setting), and for the batches
picked (0, 1, middle, last, -1): dimension sizes, every coordinate's dimensions and values
(the stacked `sample` MultiIndex is compared through its levels, which cumulus keeps as
coordinates along `sample`), each variable's dimensions, shape, first and last values (exact)
and sum (relative 1e-9). Exits 1 on any difference.
"""
import json
import sys
import warnings

import numpy as np
import xarray as xr
import xbatcher

warnings.simplefilter("ignore")

SETTINGS = {
    "w8_like": dict(vars=["k_index", "total_precipitation"], input={"latitude": 8, "longitude": 8},
                    overlap={"latitude": 2, "longitude": 2}, batch={"time": 24}),
    "no_batch_dims": dict(vars=["k_index"], input={"latitude": 5, "longitude": 7}, overlap={"longitude": 3}),
    "stacked_levels": dict(vars=["k_index", "temperature"], levels=3, input={"latitude": 4, "longitude": 5},
                           overlap={"latitude": 1}, batch={"time": 10}),
    "time_in_input": dict(vars=["convective_inhibition"], input={"time": 12, "latitude": 16}, overlap={"time": 6}),
    "concat": dict(vars=["k_index"], input={"latitude": 8, "longitude": 8}, batch={"time": 24}, concat=True),
    "concat_levels": dict(vars=["temperature", "k_index"], levels=2, input={"latitude": 8, "longitude": 10},
                          overlap={"longitude": 4}, batch={"time": 32}, concat=True),
    "concat_no_batch": dict(vars=["k_index"], input={"latitude": 8, "longitude": 8}, concat=True),
    "concat_duplicate": dict(vars=["k_index"], input={"time": 6, "latitude": 8}, overlap={"time": 2},
                             batch={"time": 12}, concat=True),
    "dataarray": dict(vars=["boundary_layer_height"], input={"latitude": 8}, overlap={"latitude": 4},
                      batch={"time": 48}, dataarray=True),
    "full_size": dict(vars=["k_index"], input={"latitude": 16, "longitude": 21}, batch={"time": 96}),
    "err_overlap": dict(vars=["k_index"], input={"latitude": 4}, overlap={"latitude": 4}),
    "err_too_large": dict(vars=["k_index"], input={"latitude": 17}),
}


def values_of(v):
    a = v.values
    if np.issubdtype(a.dtype, np.datetime64):
        return a.astype("datetime64[ns]").astype("int64").ravel().tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype("int64").ravel().tolist()
    return a.astype("float64").ravel().tolist()


def describe(b):
    if isinstance(b, xr.DataArray):
        b = b.to_dataset(name=b.name)
    coords = {}
    for name, c in b.coords.items():
        if name == "sample":  # the MultiIndex itself; its levels are compared one by one
            continue
        coords[name] = {"dims": list(c.dims), "values": values_of(c)}
    out_vars = {}
    for name, v in b.data_vars.items():
        flat = v.values.astype("float64").ravel()
        out_vars[name] = {"dims": list(v.dims), "shape": list(v.shape), "sum": float(flat.sum()),
                          "head": flat[:6].tolist(), "tail": flat[::-1][:3].tolist()}
    return {"sizes": dict(b.sizes), "coords": coords, "vars": out_vars}


def run(ds, s):
    sub = ds[s["vars"]]
    if "levels" in s:
        sub = sub.isel(level=slice(0, s["levels"]))
    obj = sub[s["vars"][0]] if s.get("dataarray") else sub
    try:
        bgen = xbatcher.BatchGenerator(obj, input_dims=s["input"], input_overlap=s.get("overlap", {}),
                                       batch_dims=s.get("batch", {}), concat_input_dims=s.get("concat", False))
    except ValueError as e:
        return {"error": str(e)}
    n = len(bgen)
    picks = []
    for i in [0, 1, n // 2, n - 1, -1]:
        if -n <= i < n and i not in picks:
            picks.append(i)
    return {"len": n, "batches": {str(i): describe(bgen[i]) for i in picks}}


def compare(path, a, b, problems, tol_sum=False):
    if isinstance(a, dict):
        if set(a) != set(b):
            problems.append(f"{path}: keys {sorted(a)} (xbatcher) vs {sorted(b)} (cumulus)")
        for k in a:
            if k in b:
                compare(f"{path}.{k}", a[k], b[k], problems, k == "sum")
    elif isinstance(a, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} values (xbatcher) vs {len(b)} (cumulus)")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(f"{path}[{i}]", x, y, problems)
    elif isinstance(a, float) or isinstance(b, float):
        x, y = float(a), float(b)
        if np.isnan(x) and np.isnan(y):
            return
        tol = 1e-9 * max(abs(x), 1.0) if tol_sum else 0.0
        if abs(x - y) > tol:
            problems.append(f"{path}: xbatcher {a!r} vs cumulus {b!r}")
    elif a != b:
        problems.append(f"{path}: xbatcher {a!r} vs cumulus {b!r}")


def main():
    store, got_path = sys.argv[1], sys.argv[2]
    got = json.load(open(got_path))
    ds = xr.open_zarr(store, consolidated=True)
    problems = []
    for name, s in SETTINGS.items():
        want = run(ds, s)
        have = got.get(name)
        if have is None:
            problems.append(f"{name}: missing from the cumulus output")
            continue
        if "error" in want or "error" in have:
            if ("error" in want) != ("error" in have):
                problems.append(f"{name}: xbatcher {want} vs cumulus {have}")
            else:
                print(f"  {name}: both refuse: {want['error']!r} / {have['error']!r}")
            continue
        before = len(problems)
        compare(name, want, have, problems)
        print(f"  {name}: len {want['len']}, {len(want['batches'])} batches compared, "
              f"{'agree' if len(problems) == before else 'DIFFER'}")
    if problems:
        print(f"\n{len(problems)} differences between cumulus-batches and xbatcher:", file=sys.stderr)
        for p in problems[:60]:
            print("  " + p, file=sys.stderr)
        sys.exit(1)
    print(f"cumulus-batches agrees with xbatcher {xbatcher.__version__} on {len(SETTINGS)} settings")


if __name__ == "__main__":
    main()
