"""Cut coastlines and country borders for the workshop's domain out of Natural Earth.

Input: the npm package world-atlas 2.0.2 (Natural Earth 4.1.0 vector data as TopoJSON, 1:50m):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 crates/plot/data/make_coastlines.py package/

writes coastline_50m.txt (the arcs of `land-50m.json`) and borders_50m.txt (the arcs of
`countries-50m.json` shared by two countries) next to this script: polylines clipped to the
box 98–142°E, 8–42°N (the data's 100–140°E, 10–40°N and a 2° margin), one per line, as
`lon,lat lon,lat …` in degrees with two decimals. Only the Python standard library is used.
"""

import json
import os
import sys

WEST, EAST, SOUTH, NORTH = 98.0, 142.0, 8.0, 42.0
HERE = os.path.dirname(os.path.abspath(__file__))


def decode_arcs(topo):
    """Absolute (lon, lat) points of every arc (TopoJSON arcs are quantized and delta-coded)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def arc_ids(arcs_field):
    """Every arc index in a (nested) TopoJSON `arcs` field; ~i means arc i reversed."""
    if isinstance(arcs_field, int):
        yield arcs_field if arcs_field >= 0 else ~arcs_field
    else:
        for a in arcs_field:
            yield from arc_ids(a)


def clip_segment(p, q):
    """Liang–Barsky: the part of segment p→q inside the box, or None."""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, x0 - WEST), (dx, EAST - x0), (-dy, y0 - SOUTH), (dy, NORTH - y0)):
        if pk == 0:
            if qk < 0:
                return None
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    return (x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)


def clip(points):
    """Split a polyline into the pieces inside the box."""
    pieces, cur = [], []
    for p, q in zip(points, points[1:]):
        seg = clip_segment(p, q)
        if seg is None:
            if len(cur) > 1:
                pieces.append(cur)
            cur = []
            continue
        a, b = seg
        if not cur or cur[-1] != a:
            if len(cur) > 1:
                pieces.append(cur)
            cur = [a]
        cur.append(b)
        if b != q:  # left the box
            pieces.append(cur)
            cur = []
    if len(cur) > 1:
        pieces.append(cur)
    return pieces


def rounded(points):
    """Two decimals; drop repeated points; None when fewer than 2 remain."""
    out = []
    for x, y in points:
        p = (round(x, 2), round(y, 2))
        if not out or out[-1] != p:
            out.append(p)
    return out if len(out) > 1 else None


def write(name, polylines, source):
    lines = []
    for pl in polylines:
        for piece in clip(pl):
            r = rounded(piece)
            if r:
                lines.append(" ".join(f"{x:.2f},{y:.2f}" for x, y in r))
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    print(f"{path}: {len(lines)} polylines from {source}, {os.path.getsize(path)} bytes")


def main(pkg):
    with open(os.path.join(pkg, "land-50m.json")) as f:
        land = json.load(f)
    arcs = decode_arcs(land)
    used = sorted({i for g in land["objects"]["land"]["geometries"] for i in arc_ids(g["arcs"])})
    write("coastline_50m.txt", [arcs[i] for i in used], "land-50m.json")

    with open(os.path.join(pkg, "countries-50m.json")) as f:
        countries = json.load(f)
    arcs = decode_arcs(countries)
    owners = {}
    for k, g in enumerate(countries["objects"]["countries"]["geometries"]):
        for i in set(arc_ids(g.get("arcs", []))):
            owners.setdefault(i, set()).add(k)
    shared = sorted(i for i, ks in owners.items() if len(ks) > 1)
    write("borders_50m.txt", [arcs[i] for i in shared], "countries-50m.json")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package")
