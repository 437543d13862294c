"""`cumulus convert` both ways: a Zarr store written to NetCDF-4 (to_netcdf) and that file
written back to Zarr hold, for xarray, exactly the source's data, coordinates (including
coordinates without an index, through CF's `coordinates` attribute) and attributes.

usage: convert_xarray.py SOURCE.zarr CONVERTED.nc BACK.zarr [--deflate LEVEL]
"""
import sys

import numpy as np
import xarray as xr

src, nc_path, back_path = sys.argv[1:4]
level = int(sys.argv[sys.argv.index("--deflate") + 1]) if "--deflate" in sys.argv else 1

z = xr.open_zarr(src, consolidated=True)
n = xr.open_dataset(nc_path, engine="netcdf4")
b = xr.open_zarr(back_path, consolidated=True)
for name, other in [(nc_path, n), (back_path, b)]:
    assert sorted(other.data_vars) == sorted(z.data_vars), (name, list(other.data_vars), list(z.data_vars))
    assert sorted(other.coords) == sorted(z.coords), (name, list(other.coords), list(z.coords))
    xr.testing.assert_identical(other[list(z.data_vars)].load(), z.load())
for name, var in n.data_vars.items():
    enc = var.encoding
    zchunks = tuple(z[name].encoding["chunks"])
    assert tuple(enc["chunksizes"]) == zchunks, (name, enc["chunksizes"], zchunks)
    assert enc["zlib"] and enc["complevel"] == level and enc["shuffle"], (name, enc)
    if np.issubdtype(var.dtype, np.floating):
        assert np.isnan(enc["_FillValue"]), (name, enc["_FillValue"])
non_index = sorted(c for c in z.coords if c not in z.indexes)
print(
    f"ok {src} -> {nc_path} -> {back_path}: {len(z.data_vars)} variables identical, "
    f"coordinates without an index {non_index}, deflate level {level} with shuffle"
)
