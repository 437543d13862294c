"""Print the side-by-side table of a peer run and a cumulus run, and compare their check values.

    python bench/compare_table.py peer.json cumulus.json

Exits 1 when a check value differs beyond float32 round-off: relative 1e-5 (2e-6 absolute near
zero). Fractions of values beyond a threshold (``frac_*``, e.g. W6's share of |z| > 2) are counts:
an element whose z lies within float32 round-off of the threshold may fall on either side when
the mean and standard deviation are accumulated differently (the peer in float32, cumulus in
float64), so those compare with an absolute 1e-5 (about ten elements per million).

W9 (xskillscore rmse / pearson_r / mae of `label + N(0, 0.3)` against the label) draws its
noise with NumPy's generator in the peer and with another generator in cumulus, so its six
metric means can agree only up to sampling noise. cumulus measures that noise: it recomputes
the checks with 16 other seeds and reports their standard deviation σ as
``check.sampling_sd``. Two independent draws differ with standard deviation √2 σ, so a W9
metric passes within 5 √2 σ (a false alarm has odds below one in a million, and stays
unlikely when σ, estimated from 16 draws to about ±18 %, is underestimated by two of its
standard errors). The label fraction and the NaN count of the pearson_r map do not depend on
the noise and compare as above.
"""
import json
import math
import sys

peer = json.load(open(sys.argv[1]))["summary"]["threads"]
cum = json.load(open(sys.argv[2]))["summary"]["cumulus"]

# Check values that are inputs or descriptions, not results.
# On-disk sizes depend on the codec library's exact output, not on the semantics.
SKIP = {"input_bytes", "sizes", "n_vars", "month", "levels", "temperature_chunksize", "on_disk_bytes",
        "compression_ratio"}


def compare(a, b, path, problems, frac=False):
    if isinstance(a, dict):
        for k, v in a.items():
            if k in SKIP or k not in b:
                continue
            compare(v, b[k], f"{path}.{k}", problems, frac or k.startswith("frac"))
    elif isinstance(a, list):
        if len(a) != len(b):
            problems.append(f"{path}: {len(a)} values vs {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", problems, frac)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a) and math.isnan(b):
            return
        tol = 1e-5 if frac else max(1e-5 * abs(a), 2e-6)
        if abs(a - b) > tol:
            problems.append(f"{path}: peer {a!r} vs cumulus {b!r}")


def compare_w9(a, b, problems):
    """W9: the noisy metric means within 5 √2 × cumulus' measured sampling sd, the rest as usual."""
    sd = b.get("sampling_sd", {})
    exact = {k: v for k, v in a.items() if k not in sd}
    compare(exact, b, "W9", problems)
    for k, s in sd.items():
        if k in a and k in b:
            tol = 5.0 * math.sqrt(2.0) * s
            if not abs(a[k] - b[k]) <= tol:
                problems.append(f"W9.{k}: peer {a[k]!r} vs cumulus {b[k]!r}, beyond 5·√2·sd = {tol:.3g}")


def mb(e):
    return e.get("max_peak_rss_mb", float("nan"))


rows = []
problems = []
print("| workload | peer s | cumulus s | speed-up | decode floor s | cumulus / floor | peer RSS MB | cumulus RSS MB | peer tasks | cumulus tasks |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w, c in cum.items():
    p = peer.get(w)
    if p is None:
        continue
    ps, cs = p["median_wall_s"], c["median_wall_s"]
    fl = c.get("decode_floor_s")
    print(f"| {w} | {ps:.3f} | {cs:.3f} | {ps / cs:.2f}x | {fl if fl is None else f'{fl:.3f}'} | "
          f"{'' if not fl else f'{cs / fl:.2f}'} | {mb(p):.0f} | {mb(c):.0f} | {p.get('n_tasks', '')} | {c.get('n_tasks', '')} |")
    if w in ("W1a", "W1b"):
        a, b = p["check"], c["check"]
        if a.get("sizes") != b.get("sizes") or a.get("n_vars") != b.get("n_vars"):
            problems.append(f"{w}: sizes/vars differ: {a} vs {b}")
    if w == "W9" and "sampling_sd" in c["check"]:
        compare_w9(p["check"], c["check"], problems)
    else:
        compare(p["check"], c["check"], w, problems)
if problems:
    print("\nCHECK VALUES DIFFER:", file=sys.stderr)
    for x in problems:
        print("  " + x, file=sys.stderr)
    sys.exit(1)
print("\nall check values agree within float32 round-off")
