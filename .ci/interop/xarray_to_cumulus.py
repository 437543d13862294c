"""xarray writes, cumulus reads: Zarr v2 stores with every codec the class meets (Blosc
zstd/lz4/lz4hc/zlib with shuffles, gzip, zlib, none), CF encodings (int16 packed with
scale_factor/add_offset and a _FillValue, a float with a numeric _FillValue, float times in
"days since", a descending latitude) and the same data as a NetCDF-4 file.

usage:
  xarray_to_cumulus.py write DIR          # writes DIR/codecs.zarr, DIR/cf.nc, DIR/expected.json
  xarray_to_cumulus.py check DIR GOT.json # compares what cumulus decoded with what xarray decodes
"""
import json
import math
import sys

import numcodecs
import numpy as np
import pandas as pd
import xarray as xr


def dataset():
    rng = np.random.default_rng(7)
    time = pd.date_range("2019-06-01", periods=30, freq="6h")
    lat = np.arange(40.0, 9.0, -2.5, dtype="float32")  # 13, descending
    lon = np.arange(100.0, 141.0, 2.5, dtype="float32")  # 17
    base = 280 + 10 * rng.standard_normal((30, 13, 17)).astype("float32")
    ds = xr.Dataset(coords={"time": time, "latitude": lat, "longitude": lon})
    for name in ["zstd", "lz4", "lz4hc", "blosc_zlib", "gzip", "zlib", "none"]:
        ds[f"t_{name}"] = (("time", "latitude", "longitude"), base + 0.0, {"units": "K"})
    packed = base.copy()
    packed[0, 0, :5] = np.nan  # becomes the _FillValue on disk
    ds["t_packed"] = (("time", "latitude", "longitude"), packed, {"units": "K"})
    masked = base.copy()
    masked[1, 2, 3] = np.nan
    ds["t_masked"] = (("time", "latitude", "longitude"), masked, {"units": "K"})
    return ds


def encodings():
    b = numcodecs.Blosc
    comp = {
        "zstd": b(cname="zstd", clevel=3, shuffle=b.BITSHUFFLE),
        "lz4": b(cname="lz4", clevel=5, shuffle=b.SHUFFLE),
        "lz4hc": b(cname="lz4hc", clevel=9, shuffle=b.NOSHUFFLE),
        "blosc_zlib": b(cname="zlib", clevel=4, shuffle=b.SHUFFLE),
        "gzip": numcodecs.GZip(level=6),
        "zlib": numcodecs.Zlib(level=1),
        "none": None,
    }
    enc = {f"t_{k}": {"compressor": v, "chunks": (8, 5, 6)} for k, v in comp.items()}
    enc["t_packed"] = {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767, "chunks": (8, 13, 17)}
    enc["t_masked"] = {"_FillValue": -9999.0, "chunks": (10, 13, 17)}
    enc["time"] = {"units": "days since 2019-01-01", "dtype": "float64"}
    return enc


def summary(ds):
    out = {}
    for name, v in ds.variables.items():
        vals = v.values
        if np.issubdtype(vals.dtype, np.datetime64):
            flat = [str(x)[:19] for x in vals.ravel()]
        else:
            flat = [None if math.isnan(float(x)) else float(x) for x in vals.ravel()]
        out[name] = {"dims": list(v.dims), "values": flat}
    return out


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "write":
        ds = dataset()
        ds.to_zarr(f"{d}/codecs.zarr", mode="w", consolidated=True, encoding=encodings())
        nc_enc = {k: {kk: vv for kk, vv in v.items() if kk not in ("compressor", "chunks")} for k, v in encodings().items()}
        for k in nc_enc:
            if k.startswith("t_"):
                nc_enc[k].update(zlib=True, complevel=1, shuffle=True, chunksizes=(8, 13, 17))
        ds.to_netcdf(f"{d}/cf.nc", engine="netcdf4", encoding=nc_enc)
        expected = {"zarr": summary(xr.open_zarr(f"{d}/codecs.zarr").load()), "netcdf": summary(xr.open_dataset(f"{d}/cf.nc").load())}
        with open(f"{d}/expected.json", "w") as f:
            json.dump(expected, f)
        print(f"wrote {d}/codecs.zarr ({len(ds.data_vars)} variables) and {d}/cf.nc")
        return 0
    got = json.load(open(sys.argv[3]))
    expected = json.load(open(f"{d}/expected.json"))
    bad = 0
    for kind in expected:
        for name, e in expected[kind].items():
            g = got.get(kind, {}).get(name)
            if g is None:
                print(f"{kind}: cumulus has no variable {name}")
                bad += 1
                continue
            if g["dims"] != e["dims"]:
                print(f"{kind} {name}: dims {g['dims']} != {e['dims']}")
                bad += 1
            ev, gv = e["values"], g["values"]
            if len(ev) != len(gv):
                print(f"{kind} {name}: {len(gv)} values, xarray has {len(ev)}")
                bad += 1
                continue
            for i, (a, b) in enumerate(zip(ev, gv)):
                same = a == b if isinstance(a, str) or a is None or b is None else abs(a - b) <= 1e-5 * max(1.0, abs(a))
                if not same:
                    print(f"{kind} {name}[{i}]: cumulus {b!r}, xarray {a!r}")
                    bad += 1
                    break
    print(f"checked {sum(len(v) for v in expected.values())} variables: {'ok' if not bad else f'{bad} differences'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
