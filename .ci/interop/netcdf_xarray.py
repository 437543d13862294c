"""xarray (netCDF4 engine) reads the NetCDF-4 files era5-gen --netcdf writes, and they hold
exactly the data, coordinates, attributes and chunking of the Zarr stores beside them.

usage: netcdf_xarray.py DATA_DIR
"""
import glob
import sys

import numpy as np
import xarray as xr

data = sys.argv[1]
stores = sorted(glob.glob(f"{data}/era5_*.zarr"))
assert stores, f"no stores in {data}"
for store in stores:
    nc_path = store[: -len(".zarr")] + ".nc"
    z = xr.open_zarr(store, consolidated=True)
    n = xr.open_dataset(nc_path, engine="netcdf4")
    # Zarr lists variables alphabetically, NetCDF in the order they were defined.
    assert sorted(n.data_vars) == sorted(z.data_vars), (nc_path, list(n.data_vars), list(z.data_vars))
    n = n[list(z.data_vars)]
    assert dict(n.sizes) == dict(z.sizes), (nc_path, dict(n.sizes), dict(z.sizes))
    # Same values, coordinates (decoded times, descending latitude) and attributes, bit for bit.
    xr.testing.assert_identical(n.load(), z.load())
    assert n.latitude.values[0] > n.latitude.values[-1]
    assert np.issubdtype(n.time.dtype, np.datetime64)
    for name, var in n.data_vars.items():
        enc = var.encoding
        zchunks = tuple(z[name].encoding["chunks"])
        assert tuple(enc["chunksizes"]) == zchunks, (name, enc["chunksizes"], zchunks)
        assert enc["zlib"] and enc["complevel"] == 1 and enc["shuffle"], (name, enc)
        assert np.isnan(enc["_FillValue"]), (name, enc["_FillValue"])
    print(f"ok {nc_path}: {len(n.data_vars)} variables, sizes {dict(n.sizes)}, identical to the Zarr store")
