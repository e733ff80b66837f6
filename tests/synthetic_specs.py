# ruff: noqa: E501 - the spec lines read best whole
"""Realistic synthetic specs for the compile benchmark and the batch tests.

Each spec is a REST API of 5 to 20 methods over a few resources (list with paging,
get, create, update, delete, plus search), with path, query, header and body
parameters of every DataType, Values, defaults and descriptions, a property in the
base URL for some, and one of the usual AuthTypes, as the specs in specs/ are. The
same ``seed`` gives the same specs, byte for byte.
"""

from __future__ import annotations

import random
from pathlib import Path

__all__ = ["synthetic_spec", "write_specs"]

RESOURCES = (
    "account", "contact", "invoice", "order", "product", "ticket", "project",
    "task", "message", "event", "file", "report", "subscription", "customer",
    "payment", "webhook", "team", "user", "note", "campaign",
)  # fmt: skip
AUTHS = (
    "Authentication:\n  AuthType: None\n",
    'Authentication:\n  AuthType: ApiKey\n  Header: Authorization\n  Format: "Bearer {ApiKey}"\n',
    "Authentication:\n  AuthType: ApiKey\n  QueryParameter: api_key\n",
    "Authentication:\n  AuthType: Basic\n",
    "Authentication:\n  AuthType: OAuth2\n  OAuth2Type: ClientCredentials\n"
    "  AccessTokenUrl: https://auth.example.com/oauth/token\n"
    "  ClientAuthentication: Basic\n",
)  # fmt: skip
PAGING = (
    "{ Style: PageNumber, PageParameter: page, SizeParameter: per_page, PageSize: 50 }",
    "{ Style: Offset, OffsetParameter: offset, SizeParameter: limit, PageSize: 100,"
    " ItemsPath: items }",
    "{ Style: Cursor, CursorPath: next_cursor, CursorParameter: cursor,"
    " ItemsPath: data }",
    "{ Style: NextUrl, NextUrlPath: links.next, ItemsPath: data }",
    "{ Style: LinkHeader, SizeParameter: per_page, PageSize: 100 }",
)


def _title(word: str) -> str:
    return word.replace("_", " ").title()


def _method(rng: random.Random, resource: str, kind: str) -> str:
    plural = resource + "s"
    one = _title(resource).replace(" ", "")
    lines: list[str] = []
    params: list[str] = []
    paging = ""
    if kind == "list":
        lines += [f"  - Name: List {_title(plural)}", f"    Description: Every {resource}, a page at a time.", "    HttpMethod: GET", f"    EndPoint: /{plural}"]  # fmt: skip
        params.append("{ TargetType: QueryString, TargetName: status, Values: [active, archived, all], Default: active, Description: Which ones to list. }")  # fmt: skip
        params.append("{ TargetType: QueryString, TargetName: updated_since, DataType: DateTime, IsOptional: true, Description: Only those changed since then. }")  # fmt: skip
        style = rng.choice(PAGING)
        if "PageNumber" in style:
            params.append("{ TargetType: QueryString, TargetName: page, DataType: Integer, IsOptional: true }")  # fmt: skip
            params.append("{ TargetType: QueryString, TargetName: per_page, DataType: Integer, Default: 50 }")  # fmt: skip
        elif "Offset" in style:
            params.append("{ TargetType: QueryString, TargetName: offset, DataType: Integer, IsOptional: true }")  # fmt: skip
            params.append("{ TargetType: QueryString, TargetName: limit, DataType: Integer, Default: 100 }")  # fmt: skip
        elif "Cursor" in style:
            params.append("{ TargetType: QueryString, TargetName: cursor, IsOptional: true }")  # fmt: skip
        elif "LinkHeader" in style:
            params.append("{ TargetType: QueryString, TargetName: per_page, DataType: Integer, Default: 30 }")  # fmt: skip
        paging = f"    Paging: {style}"
    elif kind == "get":
        lines += [f"  - Name: Get {_title(resource)}", "    HttpMethod: GET", f"    EndPoint: /{plural}/{{{{{one}Id}}}}"]  # fmt: skip
        params.append(f"{{ TargetType: MergeField, TargetName: {one}Id, DataType: Integer }}")  # fmt: skip
        params.append("{ TargetType: HttpHeader, TargetName: Cache-Control, Values: [no-cache, max-age=0], IsOptional: true }")  # fmt: skip
    elif kind == "create":
        lines += [f"  - Name: Create {_title(resource)}", f"    Description: Make a new {resource}.", "    HttpMethod: POST", f"    EndPoint: /{plural}"]  # fmt: skip
        params += [
            "{ TargetType: Body, TargetName: name, Description: What people call it. }",
            "{ TargetType: Body, TargetName: description, IsOptional: true }",
            "{ TargetType: Body, TargetName: priority, DataType: Integer, Default: 3 }",
            "{ TargetType: Body, TargetName: amount, DataType: Decimal, IsOptional: true }",
            "{ TargetType: Body, TargetName: ratio, DataType: Float, Default: 0.5 }",
            "{ TargetType: Body, TargetName: public, DataType: Boolean, Default: false }",
            "{ TargetType: Body, TargetName: due, DataType: DateTime, IsOptional: true }",
        ]  # fmt: skip
        params = params[: rng.randint(3, len(params))]
    elif kind == "update":
        lines += [f"  - Name: Update {_title(resource)}", "    Description: Change some fields.", "    HttpMethod: PATCH", f"    EndPoint: /{plural}/{{{{{one}Id}}}}"]  # fmt: skip
        params += [
            f"{{ TargetType: MergeField, TargetName: {one}Id, DataType: Integer }}",
            "{ TargetType: Body, TargetName: name, IsOptional: true }",
            "{ TargetType: Body, TargetName: priority, DataType: Integer, IsOptional: true }",
            "{ TargetType: Body, TargetName: state, Values: [open, closed], IsOptional: true }",
        ]  # fmt: skip
    elif kind == "delete":
        lines += [f"  - Name: Delete {_title(resource)}", "    HttpMethod: DELETE", f"    EndPoint: /{plural}/{{{{{one}Id}}}}"]  # fmt: skip
        params.append(f"{{ TargetType: MergeField, TargetName: {one}Id, DataType: Integer }}")  # fmt: skip
    else:
        lines += [f"  - Name: Search {_title(plural)}", f"    Description: {_title(plural)} that match a query.", "    HttpMethod: GET", f"    EndPoint: /{plural}/search"]  # fmt: skip
        params += [
            "{ TargetType: QueryString, TargetName: q, Description: The words to look for. }",
            "{ TargetType: QueryString, TargetName: fields, IsOptional: true }",
            "{ TargetType: HttpHeader, TargetName: Accept-Language, Default: en }",
        ]  # fmt: skip
    if params:
        lines.append("    Parameters:")
        lines += [f"      - {p}" for p in params]
    if paging:
        lines.append(paging)
    return "\n".join(lines) + "\n"


def synthetic_spec(index: int, seed: int = 0) -> str:
    """The text of synthetic spec number ``index``: 5 to 20 methods."""
    rng = random.Random(seed * 1_000_003 + index)
    name = f"Synthetic {index:04d} {_title(rng.choice(RESOURCES))}"
    wanted = rng.randint(5, 20)
    resources = rng.sample(RESOURCES, k=len(RESOURCES))
    kinds = ("list", "get", "create", "update", "delete", "search")
    methods: list[str] = []
    for resource in resources:
        for kind in kinds:
            if len(methods) == wanted:
                break
            methods.append(_method(rng, resource, kind))
    regional = rng.random() < 0.3
    head = [
        "# yaml-language-server: $schema=../schemas/connector.schema.json",
        "SpecVersion: 1",
        f"Name: {name}",
        f"Description: A synthetic API number {index} for benchmarks, with {wanted} "
        "methods.",
        "BaseUrl: https://{{Region}}.api.example.com/v2"
        if regional
        else f"BaseUrl: https://api{index}.example.com/v1",
    ]
    if regional:
        head += [
            "Properties:",
            "  - Name: Region",
            "    Description: The data centre of the account, such as eu1.",
        ]
    return "\n".join(head) + "\n" + rng.choice(AUTHS) + "Methods:\n" + "".join(methods)


def write_specs(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """``count`` synthetic specs written into ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"synthetic_{index:04d}.yaml"
        path.write_text(synthetic_spec(index, seed), encoding="utf-8")
        paths.append(path)
    return paths
