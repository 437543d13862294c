"""The exercise stubs are the solutions with the body of their last `pub fn` replaced by
`todo!()`: one source of truth for the task text, types and signatures.

    python3 exercises/make_stubs.py          # write exercises/partN/src/exNN_*.rs from solutions/partN
    python3 exercises/make_stubs.py --check  # fail if a stub is out of step (CI)
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TODO = '{\n    todo!("exercise: replace this with your code")\n}\n'


def stub(solution: str) -> str:
    start = solution.rfind("\npub fn ")
    if start < 0:
        raise SystemExit("a solution without a `pub fn`")
    return solution[: solution.index("{\n", start)] + TODO


def main() -> int:
    check = "--check" in sys.argv
    bad = []
    for sol in sorted((ROOT / "solutions").glob("part*/ex*.rs")):
        target = ROOT / "exercises" / sol.parent.name / "src" / sol.name
        text = stub(sol.read_text())
        if check:
            if not target.exists() or target.read_text() != text:
                bad.append(target)
        else:
            target.write_text(text)
    for t in bad:
        print(f"{t} is not the stub of solutions/{t.parent.parent.name}/{t.name}: run python3 exercises/make_stubs.py")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
