"""Fails (exit 1) when an executed notebook shows an error, a panic or any other standard-error
output, or has a code cell that did not run.

    python .ci/nbcheck.py [--forbid TEXT ...] executed.ipynb ...

evcxr reports a compile error as an `error` output, but a panic (`expect`, indexing) only
prints to standard error, and nbconvert then exits 0: so every stderr output counts as a
failure, except in cells tagged `raises-exception` (meant to fail) or
`allow-stderr`. `--forbid TEXT` also fails on outputs containing TEXT (e.g. an absolute path
that should not end up in committed outputs).

A top-level `?` on an `Err` prints the error to standard error, but that output is not always
captured (evcxr 0.22, nbclient 0.11: once in two tries the cell had no output at all), so no
check can rely on it: the notebooks end their cells with
`.expect("...")` and keep `?` inside functions.
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
            # evcxr sends a panic as many small stderr outputs: judge each cell's stderr whole.
            stderr = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")
            problems = []
            if "raises-exception" not in tags:
                for o in cell.get("outputs", []):
                    if o.output_type == "error":
                        problems.append(("error", ANSI.sub("", output_text(o))))
                if stderr.strip() and "allow-stderr" not in tags:
                    problems.append(("panic" if "panicked at" in stderr else "standard error", ANSI.sub("", stderr)))
            for f in forbid:
                if any(f in output_text(o) for o in cell.get("outputs", [])):
                    problems.append((f"an output contains {f!r}", ""))
            for kind, text in problems:
                bad += 1
                print(f"{path}: cell {i}: {kind}\n{text.strip()}\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
