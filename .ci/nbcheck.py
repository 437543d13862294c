"""Fails (exit 1) when an executed notebook shows an error, a panic or any other standard-error
output, or has a code cell that did not run.

    python .ci/nbcheck.py [--forbid TEXT ...] executed.ipynb ...

evcxr reports a compile error as an `error` output, but a panic (`unwrap`, indexing) and a
top-level `?` on an `Err` only print to standard error, and nbconvert then exits 0: so every
stderr output counts as a failure, except in cells tagged `raises-exception` (meant to fail) or
`allow-stderr`. `--forbid TEXT` also fails on outputs containing TEXT (e.g. an absolute path
that should not end up in committed outputs).
"""
import re
import sys

import nbformat

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def output_text(o):
    if o.output_type == "stream":
        return o.text
    if o.output_type == "error":
        return "\n".join(o.get("traceback", [])) or f"{o.ename}: {o.evalue}"
    return "\n".join(str(v) for v in o.get("data", {}).values())


def main(argv):
    forbid, paths = [], []
    while argv:
        a = argv.pop(0)
        if a == "--forbid":
            forbid.append(argv.pop(0))
        else:
            paths.append(a)
    bad = 0
    for path in paths:
        nb = nbformat.read(path, 4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tags = cell.metadata.get("tags", [])
            if cell.get("execution_count") is None and cell.source.strip():
                bad += 1
                print(f"{path}: cell {i}: did not run")
            for o in cell.get("outputs", []):
                text = ANSI.sub("", output_text(o))
                problem = None
                if "raises-exception" not in tags:
                    if o.output_type == "error":
                        problem = "error"
                    elif o.output_type == "stream" and o.name == "stderr" and "allow-stderr" not in tags:
                        problem = "panic" if "panicked at" in text else "standard error"
                for f in forbid:
                    if f in text:
                        problem = f"contains {f!r}"
                if problem:
                    bad += 1
                    print(f"{path}: cell {i}: {problem}:\n{text.strip()}\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
