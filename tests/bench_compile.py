"""Compile speed: a thousand specs, a no-op run, one changed spec, and another tool.

Every figure is a whole ``connectorc generate`` process, as an author runs it:

- 1,000 realistic synthetic specs (tests/synthetic_specs.py, 5 to 20 methods each)
  compiled from scratch, then again with nothing changed, then with one spec changed;
- ``connectorc generate`` of specs/ with nothing changed (what ``make generate`` runs);
- against openapi-python-client generating a client from an equivalent OpenAPI
  document (20 operations, the same parameters and bodies), whole processes, rounds
  interleaved, each tool in its own empty output folder every time.

The processes write and reuse bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped), as an
installed package and its dependencies have it.

``CONNECTORC_BENCH_SPECS`` changes the thousand (for a quick look).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tests.support import ROOT
from tests.synthetic_specs import synthetic_spec, write_specs

BIN = Path(sys.executable).parent
CONNECTORC = [sys.executable, "-m", "connectorc"]
# Processes keep their bytecode (__pycache__) as an installed package has it: with
# PYTHONDONTWRITEBYTECODE set, every run would compile the compiler's source again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(command: list[str], cwd: Path) -> float:
    """Wall seconds of one whole process (its CPU seconds in ``_cpu``)."""
    return _timed(command, cwd)[0]


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process and the processes it starts. On a
    machine busy with other work the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _line(what: str, seconds: float, target: str) -> None:
    print(f"  {what:<52} {seconds:7.2f} s     target {target}")


def thousand(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        specs = write_specs(root / "specs", count)
        command = [*CONNECTORC, "generate", "-q", "-o", "out", "specs"]
        command[-1:] = [str(p.relative_to(root)) for p in specs]
        scratch, cpu = _timed(command, root)
        _line(f"{count} specs from scratch ({cpu:.1f} s CPU)", scratch, "<= 10 s")
        noop = statistics.median(_run(command, root) for _ in range(5))
        _line(f"{count} specs, nothing changed (median of 5)", noop, "<= 0.5 s")
        changed = []
        for round_ in range(5):
            spec = specs[(round_ * 37) % count]
            with spec.open("a", encoding="utf-8") as handle:
                handle.write(f"# changed {round_}\n")
            changed.append(_run(command, root))
        one = [*CONNECTORC, "generate", "-q", "--force", "-o", "one", str(spec)]
        alone = statistics.median(_run(one, root) for _ in range(3))
        _line(
            f"{count} specs, one changed (median of 5)",
            statistics.median(changed),
            f"<= 0.5 s + that spec ({alone:.2f} s alone)",
        )
    noop_specs = statistics.median(
        _run([*CONNECTORC, "generate", "-q"], ROOT) for _ in range(5)
    )
    _line("specs/ with nothing changed (make generate)", noop_specs, "<= 0.3 s")


_TYPES = {
    "Text": {"type": "string"},
    "Integer": {"type": "integer"},
    "Float": {"type": "number"},
    "Decimal": {"type": "string", "format": "decimal"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
}
_WHERE = {"MergeField": "path", "QueryString": "query", "HttpHeader": "header"}


def openapi_document(spec: dict[str, Any]) -> dict[str, Any]:
    """The same API as an OpenAPI 3.0 document: paths, parameters, bodies, auth."""
    paths: dict[str, Any] = {}
    for method in spec["Methods"]:
        path = method["EndPoint"].replace("{{", "{").replace("}}", "}")
        parameters, properties, required = [], {}, []
        for p in method.get("Parameters", []):
            schema = dict(_TYPES[p.get("DataType", "Text")])
            if "Values" in p:
                schema["enum"] = p["Values"]
            if "Default" in p:
                schema["default"] = p["Default"]
            optional = p.get("IsOptional", False) or "Default" in p
            if p["TargetType"] == "Body":
                properties[p["TargetName"]] = schema
                if not optional:
                    required.append(p["TargetName"])
                continue
            where = _WHERE[p["TargetType"]]
            parameters.append(
                {
                    "name": p["TargetName"],
                    "in": where,
                    "required": where == "path" or not optional,
                    "description": p.get("Description", ""),
                    "schema": schema,
                }
            )
        operation: dict[str, Any] = {
            "operationId": method["Name"].replace(" ", "_").lower(),
            "summary": method["Name"],
            "description": method.get("Description", ""),
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
        if properties:
            body = {"type": "object", "properties": properties}
            if required:
                body["required"] = required
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body}},
            }
        paths.setdefault(path, {})[method["HttpMethod"].lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": spec["Name"], "version": "1.0.0"},
        "servers": [{"url": spec["BaseUrl"]}],
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "Authorization"}
            }
        },
        "security": [{"key": []}],
        "paths": paths,
    }


def versus_openapi_python_client(rounds: int = 7) -> None:
    generator = BIN / "openapi-python-client"
    if not generator.exists():
        print("  openapi-python-client is not installed (pip install -e '.[dev]')")
        return
    index = next(
        i
        for i in range(10_000)
        if synthetic_spec(i).count("    HttpMethod: ") == 20
        and "AuthType: ApiKey\n  Header" in synthetic_spec(i)
    )
    text = synthetic_spec(index)
    document = openapi_document(yaml.safe_load(text))
    operations = sum(len(ops) for ops in document["paths"].values())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "api.yaml").write_text(text, encoding="utf-8")
        (root / "openapi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
        ours = [*CONNECTORC, "generate", "-q", "--force", "-o", "out", "api.yaml"]
        theirs = [
            str(generator),
            "generate",
            "--path",
            "openapi.yaml",
            "--output-path",
            "client",
            "--overwrite",
        ]
        cases = {"connectorc": ours, "openapi-python-client": theirs}
        walls: dict[str, list[float]] = {name: [] for name in cases}
        cpus: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, command in cases.items():
                shutil.rmtree(root / "out", ignore_errors=True)
                shutil.rmtree(root / "client", ignore_errors=True)
                wall, cpu = _timed(command, root)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"  an API of {operations} operations, whole processes, median of {rounds}:")
    for name in cases:
        print(f"  {name:<40} {wall[name]:7.2f} s wall {cpu[name]:7.2f} s CPU")
    theirs_wall, theirs_cpu = (
        wall["openapi-python-client"],
        cpu["openapi-python-client"],
    )
    print(
        f"  connectorc / openapi-python-client: {wall['connectorc'] / theirs_wall:.2f}"
        f" wall, {cpu['connectorc'] / theirs_cpu:.2f} CPU   target <= 0.25"
    )


def main() -> None:
    count = int(os.environ.get("CONNECTORC_BENCH_SPECS", "1000"))
    thousand(count)
    versus_openapi_python_client()


if __name__ == "__main__":
    main()
