"""``make bench``: every benchmark, each against a baseline measured in the same run.

Benchmarks are modules ``tests/bench_*.py`` with a ``main() -> None`` that prints its
results. They are not tests: nothing here passes or fails on time.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main() -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    only = sys.argv[1:]
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}")
        importlib.import_module(f"tests.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
