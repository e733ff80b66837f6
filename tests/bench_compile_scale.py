"""Compile time grows linearly with a spec's size (issue 15).

Checking a spec of many paged methods was quadratic (each method's paging check
looped over every method: 400 methods took seconds in semantics alone). The cases
check (load, schema, semantics, model; no rendering) specs of 25 and 200 paged
methods, rounds interleaved; the ratio printed is the cost per method of the large
spec against the small one, near 1 when the growth is linear (1.68 before the fix,
on the same machine). A spec nested 2,000 levels deep is refused at the 64th, at a
fraction of the cost of reading a small spec (it took 47 times as long before).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from compiler import SpecError, validate_spec
from compiler.load import load_text
from tests.benchtiming import compare

HEAD = """\
SpecVersion: 1
Name: Scale Bench
BaseUrl: https://api.example.com
Authentication: { AuthType: None }
Methods:
"""
METHOD = """\
  - Name: List {i}
    HttpMethod: GET
    EndPoint: /items/{i}
    Parameters:
      - {{ TargetType: QueryString, TargetName: offset, IsOptional: true }}
    Paging: {{ Style: Offset, OffsetParameter: offset, ItemsPath: items }}
"""


def _spec(folder: Path, methods: int) -> Path:
    path = folder / f"scale_{methods}.yaml"
    body = "".join(METHOD.format(i=i) for i in range(methods))
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _refused(text: str) -> None:
    try:
        load_text(text, "deep.yaml")
    except SpecError:
        return
    raise AssertionError("the deep spec was read")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = _spec(Path(tmp), 25), _spec(Path(tmp), 200)
        results = compare(
            {
                "25 paged methods": lambda: validate_spec(small),
                "200 paged methods": lambda: validate_spec(large),
            },
            calls=1,
            rounds=5,
        )
    per_method = {
        "25 paged methods": results["25 paged methods"] / 25,
        "200 paged methods": results["200 paged methods"] / 200,
    }
    for name, seconds in per_method.items():
        ratio = seconds / per_method["25 paged methods"]
        print(f"  {name:<40} {seconds * 1e3:8.2f} ms/method  ratio {ratio:5.2f}")
    deep = "a: " + "[" * 2000
    small_text = small_text_of(25)
    timing = compare(
        {
            "a 25-method spec, read": lambda: load_text(small_text, "small.yaml"),
            "2,000 nested '[', refused": lambda: _refused(deep),
        },
        calls=5,
        rounds=5,
    )
    base = timing["a 25-method spec, read"]
    for name, seconds in timing.items():
        print(
            f"  {name:<40} {seconds * 1e3:8.2f} ms/call    ratio {seconds / base:5.2f}"
        )


def small_text_of(methods: int) -> str:
    return HEAD + "".join(METHOD.format(i=i) for i in range(methods))
