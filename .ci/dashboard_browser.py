"""Drive headless Chromium (through chromedriver and selenium) against a running cumulus
dashboard and check that the page rendered the live data.

The truth is what the program that computes prints about its own task graphs (lines matching
--pattern in its --log, e.g. "18 tasks to compute"): for each such line the page must show a
compute with that many tasks, all of them finished, written into the DOM by the page's
JavaScript. The task stream must have drawn bars (the page's count, and non-blank pixels on the
canvas). With --live the page must also have received updates over the event stream while it was
open (it was opened before the computes ended). Saves a screenshot.

    python dashboard_browser.py --url http://127.0.0.1:PORT/ --log run.log \
        --pattern '(\\d+) tasks to compute' --computes 1 --screenshot shot.png [--live]

Exits non-zero with the reason when a check fails or --timeout passes.
"""

import argparse
import json
import re
import shutil
import sys
import time
from collections import Counter

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

READ_PAGE = """
const computes = [...document.querySelectorAll('.compute')].map(e => ({
  id: +e.dataset.compute, tasks: +e.dataset.tasks, done: +e.dataset.done}));
const canvas = document.getElementById('stream');
let inked = 0;
try {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < d.length; i += 4) {
    // Task bars are coloured; the background rows are near-white or grey.
    const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
    if (a > 0 && (Math.max(r, g, b) - Math.min(r, g, b)) > 30) inked++;
  }
} catch (e) { inked = -1; }
return {
  computes,
  status: document.getElementById('status').textContent,
  rects: +document.getElementById('rects-drawn').textContent,
  canvasRects: +(canvas.dataset.rects || 0),
  inked,
  allDone: +document.getElementById('all-tasks-done').textContent,
  updates: +(document.body.dataset.updates || 0),
};
"""


def expected_counts(log, pattern):
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    return [int(m) for m in re.findall(pattern, text)]


def missing(expected, computes):
    """Expected task counts with no distinct finished compute of that size on the page."""
    have = Counter(c["tasks"] for c in computes if c["done"] == c["tasks"])
    want = Counter(expected)
    return sorted((want - have).elements())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--pattern", required=True, help="regex with one group: a compute's task count")
    ap.add_argument("--computes", type=int, required=True, help="how many matching lines to wait for")
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--live", action="store_true", help="require updates over the event stream")
    ap.add_argument("--timeout", type=float, default=120.0)
    a = ap.parse_args()

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not chromium or not driver_bin:
        sys.exit(f"chromium ({chromium}) and chromedriver ({driver_bin}) are needed")
    opts = Options()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1800", "--hide-scrollbars"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_bin), options=opts)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        driver.get(a.url)
        deadline = time.monotonic() + a.timeout
        first = driver.execute_script(READ_PAGE)
        was_live = False
        while True:
            page = driver.execute_script(READ_PAGE)
            was_live = was_live or page["status"] == "live"
            want = expected_counts(a.log, a.pattern)
            gaps = missing(want, page["computes"]) if len(want) >= a.computes else ["(program still running)"]
            ok = (len(want) >= a.computes and not gaps and page["rects"] > 0 and page["inked"] > 0
                  and was_live and (not a.live or page["updates"] > 0))
            if ok:
                break
            if time.monotonic() > deadline:
                driver.save_screenshot(a.screenshot)
                sys.exit(f"dashboard page check failed after {a.timeout} s: expected finished computes "
                         f"of {want} tasks (need {a.computes}), missing {gaps}; page: {json.dumps(page)}; "
                         f"was live: {was_live}; screenshot {a.screenshot}")
            time.sleep(0.25)
        time.sleep(0.5)  # let the last frame paint
        driver.save_screenshot(a.screenshot)
        print(f"dashboard page OK: computes of {want} tasks finished on the page; "
              f"{page['rects']} task bars drawn ({page['inked']} coloured pixels); "
              f"{page['updates']} live updates; computes on the page when opened: {len(first['computes'])}, "
              f"at the end: {len(page['computes'])}; screenshot {a.screenshot}")
        if a.live and len(page["computes"]) <= len(first["computes"]):
            sys.exit("the page did not gain computes while it was open: no live update seen")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
