"""xarray reads every store the compression lab wrote (one per codec) to the same values.

usage: lab_xarray.py LAB_DIR VARIABLE
"""
import glob
import sys

import numpy as np
import xarray as xr

lab, var = sys.argv[1], sys.argv[2]
stores = sorted(glob.glob(f"{lab}/*.zarr"))
assert len(stores) >= 5, stores
ref = None
for s in stores:
    values = xr.open_zarr(s, consolidated=True)[var].values
    if ref is None:
        ref = values
    np.testing.assert_array_equal(values, ref, err_msg=s)
    print(f"ok {s.split('/')[-1]}: {values.shape}, equal to the others")
