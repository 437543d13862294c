#!/usr/bin/env python3
"""Checks that a translation catalog is complete and in step with the English book.

Usage: check_po.py MESSAGES.pot LANG.po [LANG.po ...]

MESSAGES.pot is extracted from the English sources just before (mdbook-xgettext). A catalog
passes only when every message of the template has a translation that is not fuzzy, and the
catalog holds no message that the template no longer has. Python standard library only.
"""

import sys
from pathlib import Path


def unquote(s: str) -> str:
    s = s.strip()
    if not (len(s) >= 2 and s[0] == '"' and s[-1] == '"'):
        raise ValueError(f"expected a quoted string, got {s!r}")
    out, i, body = [], 0, s[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse(path: Path):
    """Returns a list of entries: dicts with msgctxt, msgid, msgstr, fuzzy, obsolete, refs."""
    entries = []
    cur = None
    field = None

    def flush():
        nonlocal cur
        if cur is not None and "msgid" in cur:
            entries.append(cur)
        cur = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        if not line.strip():
            flush()
            field = None
            continue
        if cur is None:
            cur = {"msgctxt": None, "msgstr": "", "fuzzy": False, "obsolete": False, "refs": [], "line": lineno}
        if obsolete:
            cur["obsolete"] = True
        try:
            if line.startswith("#,"):
                cur["fuzzy"] = cur["fuzzy"] or "fuzzy" in line[2:].replace(" ", "").split(",")
            elif line.startswith("#:"):
                cur["refs"].extend(line[2:].split())
            elif line.startswith("#"):
                pass
            elif line.startswith("msgctxt "):
                if "msgid" in cur:  # a new entry without a blank line in between
                    flush()
                    cur = {"msgctxt": None, "msgstr": "", "fuzzy": False, "obsolete": obsolete, "refs": [], "line": lineno}
                field = "msgctxt"
                cur[field] = unquote(line[len("msgctxt "):])
            elif line.startswith("msgid_plural "):
                field = "msgid_plural"
                cur[field] = unquote(line[len("msgid_plural "):])
            elif line.startswith("msgid "):
                if "msgid" in cur:
                    flush()
                    cur = {"msgctxt": None, "msgstr": "", "fuzzy": False, "obsolete": obsolete, "refs": [], "line": lineno}
                field = "msgid"
                cur[field] = unquote(line[len("msgid "):])
            elif line.startswith("msgstr"):
                key, _, rest = line.partition(" ")
                field = "msgstr"
                # plural forms: all must be translated, so keep the shortest
                value = unquote(rest)
                cur["msgstr_parts"] = cur.get("msgstr_parts", []) + [value]
                cur[field] = value
            elif line.startswith('"'):
                if field is None:
                    raise ValueError("a string continues no field")
                cur[field] += unquote(line)
                if field == "msgstr":
                    cur["msgstr_parts"][-1] += unquote(line)
            else:
                raise ValueError("unrecognised line")
        except ValueError as e:
            sys.exit(f"error: {path}:{lineno}: cannot parse the catalog ({e}): {raw!r}")
    flush()
    return entries


def short(s: str, n: int = 90) -> str:
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[: n - 1] + "…"


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    pot = {(e["msgctxt"], e["msgid"]): e for e in parse(Path(sys.argv[1])) if e["msgid"] and not e["obsolete"]}
    if not pot:
        print(f"error: the template {sys.argv[1]} has no messages", file=sys.stderr)
        return 1
    failed = False
    for po_path in map(Path, sys.argv[2:]):
        entries = [e for e in parse(po_path) if e["msgid"]]
        live = {(e["msgctxt"], e["msgid"]): e for e in entries if not e["obsolete"]}
        problems = []
        for key, e in pot.items():
            where = " ".join(e["refs"]) or "?"
            t = live.get(key)
            if t is None:
                problems.append(f"missing      [{where}] {short(key[1])}")
            elif any(not p for p in t.get("msgstr_parts", [t["msgstr"]])):
                problems.append(f"untranslated [{where}] {short(key[1])}")
            elif t["fuzzy"]:
                problems.append(f"fuzzy        [{where}] {short(key[1])}")
        for key, e in live.items():
            if key not in pot:
                problems.append(f"stale        [{po_path.name}:{e['line']}] {short(key[1])}")
        obsolete = [e for e in entries if e["obsolete"]]
        for e in obsolete:
            problems.append(f"obsolete     [{po_path.name}:{e['line']}] {short(e['msgid'])}")
        done = sum(1 for k in pot if k in live and live[k]["msgstr"] and not live[k]["fuzzy"])
        print(f"{po_path}: {done} of {len(pot)} messages translated, {len(problems)} problem(s)")
        if problems:
            failed = True
            for p in problems:
                print(f"  {p}")
    if failed:
        print(
            "error: the translation is not in step with the English book.\n"
            "  missing/stale: refresh the catalog (book/README.md, 'Updating the translation');\n"
            "  untranslated/fuzzy: translate those messages and remove the fuzzy flags;\n"
            "  obsolete: drop them (msgattrib --no-obsolete).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
