"""The long fuzz run (``make fuzz``): many hostile specs, no traceback allowed.

    python -m tests.fuzz --examples 100000 [--seed 1] [--out .fuzz]

Hypothesis (tests/test_fuzz.py) shrinks what it finds, but spends most of its time
choosing; for a run of 100,000 specs a seeded random generator of the same shapes is
several times faster. Each spec is one of the example specs with one to three
mutations: a hostile value (tests/hostile.py) put where a value stands, a value or a
key of the data replaced, an entry duplicated, or the text cut or spliced. The
compiler must either emit a module that compiles and imports, or raise ``SpecError``
whose every diagnostic is inside the file and is not the pipeline's internal-error
guard. Any other outcome is a crash: the spec is saved under ``--out`` and counted.
The exit status is 1 when any crash was found.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import yaml

from compiler import SpecError, compile_spec
from compiler.pipeline import INTERNAL_ERROR
from tests.hostile import HOSTILE_VALUES, put_value
from tests.support import SPECS, import_file

SPEC_TEXTS = [path.read_text("utf-8") for path in sorted(SPECS.glob("*.yaml"))]
PIECES = [":", "- ", "\n", "&a ", "*a", "<<: ", "[", "]", "{", "}", "!!", "'", '"']


def _mutant(rng: random.Random) -> str:
    text = rng.choice(SPEC_TEXTS)
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.55:
            text = put_value(text, rng.randrange(1000), rng.choice(HOSTILE_VALUES))
        elif kind < 0.75:
            text = _data_mutant(rng, text)
        elif kind < 0.9:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(PIECES) + text[at:]
        else:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + text[at + rng.randint(1, 40) :]
    return text


def _data_mutant(rng: random.Random, text: str) -> str:
    """Replace a value or a key of the data, or duplicate a list entry."""
    try:
        data = yaml.safe_load(text)
    except Exception:  # PyYAML's own loader crashes on some of these shapes
        return text
    holders: list[Any] = []
    _collect(data, holders)
    if not holders:
        return text
    holder = rng.choice(holders)
    value = rng.choice(
        [
            rng.choice(HOSTILE_VALUES),
            10 ** rng.randint(1, 4200),
            "\ud800",
            "\x00",
            "\u00f1ame",
            None,
            [],
            {},
            1e308 * 10,
        ]
    )
    if isinstance(holder, list) and holder:
        if rng.random() < 0.5:
            holder.append(rng.choice(holder))
        else:
            holder[rng.randrange(len(holder))] = value
    elif isinstance(holder, dict) and holder:
        key = rng.choice(list(holder))
        if rng.random() < 0.3 and isinstance(value, str):
            holder[value] = holder.pop(key)
        else:
            holder[key] = value
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except Exception:
        return text


def _collect(node: Any, found: list[Any]) -> None:
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        found.append(node)
        for item in node:
            _collect(item, found)


def check_one(text: str, folder: Path) -> str | None:
    """``None`` when the compiler behaved, else what went wrong."""
    if (SPECS / "scripts").is_dir() and not (folder / "scripts").exists():
        shutil.copytree(SPECS / "scripts", folder / "scripts")
    spec = folder / "spec.yaml"
    spec.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        connector, module_text = compile_spec(spec)
    except SpecError as error:
        lines = text.count("\n") + 2
        for diagnostic in error.diagnostics:
            if diagnostic.message.startswith(INTERNAL_ERROR):
                return diagnostic.message
            if not 1 <= diagnostic.line <= lines or diagnostic.column < 1:
                return f"diagnostic outside the file: {diagnostic.headline}"
        return None
    except Exception:
        return traceback.format_exc(limit=-3)
    try:
        module_path = folder / f"{connector.module_name}.py"
        module_path.write_text(module_text, encoding="utf-8")
        import_file(module_path)
    except Exception:
        return "the generated module fails to import:\n" + traceback.format_exc(-3)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(".fuzz"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    crashes = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in range(1, args.examples + 1):
            text = _mutant(rng)
            problem = check_one(text, folder)
            if problem is not None:
                crashes += 1
                args.out.mkdir(exist_ok=True)
                saved = args.out / f"crash_{args.seed}_{count}.yaml"
                saved.write_bytes(text.encode("utf-8", "surrogatepass"))
                last = problem.strip().splitlines()[-1]
                print(f"{saved}: {last}", file=sys.stderr, flush=True)
            if count % 1000 == 0:
                print(
                    f"{count} specs, {crashes} crashes, "
                    f"{time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    elapsed = time.monotonic() - started
    print(
        f"{args.examples} hostile specs (seed {args.seed}), {crashes} crashes, "
        f"{elapsed:.0f} s"
    )
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
