"""Fails unless every workload of the peer's results.json ran without error.

usage: python peer_results.py RESULTS_JSON
"""
import json
import sys

runs = json.load(open(sys.argv[1]))["runs"]
bad = [r for r in runs if "error" in r]
for r in bad:
    print(f"FAIL: {r.get('workload')} {r.get('scheduler')}: {r['error']}")
print(f"peer workloads on generated data: {len(runs) - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad or not runs else 0)
