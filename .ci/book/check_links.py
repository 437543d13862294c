#!/usr/bin/env python3
"""Checks the internal links of built mdBook HTML.

Usage: check_links.py ROOT

ROOT holds one built book per language (ROOT/en, ROOT/zh-TW, ...). Every href and src that
is not an external address must name a file under ROOT, and a #fragment must name an id (or
an anchor name) in that file. External addresses (http:, https:, mailto:) are not fetched.
Python standard library only.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
# 404.html is served from the site root with an absolute <base>, so its relative links only
# resolve on a web server.
SKIP_FILES = {"404.html"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (line, attribute value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) is not None and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.links.append((self.getpos()[0], a[key]))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[1]).resolve()
    pages = {}
    for path in sorted(root.rglob("*.html")):
        p = Page()
        p.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.resolve()] = p
    if not pages:
        print(f"error: no HTML files under {root}", file=sys.stderr)
        return 1
    broken, checked = [], 0
    for path, page in pages.items():
        if path.name in SKIP_FILES:
            continue
        for line, link in page.links:
            if not link or EXTERNAL.match(link):
                continue
            checked += 1
            parts = urlsplit(link)
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            rel = path.relative_to(root)
            if root not in target.parents and target != root:
                broken.append(f"{rel}:{line}: {link} points outside the built books")
            elif not target.is_file():
                broken.append(f"{rel}:{line}: {link}: no such file")
            elif parts.fragment and target.suffix == ".html":
                frag = unquote(parts.fragment)
                if frag not in pages[target].ids:
                    broken.append(f"{rel}:{line}: {link}: no id {frag!r} in {target.relative_to(root)}")
    print(f"{root}: {len(pages)} pages, {checked} internal links checked, {len(broken)} broken")
    for b in broken:
        print(f"  {b}")
    if broken:
        print("error: broken internal links in the built book (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
