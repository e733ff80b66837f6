"""Request and response formats, DateTime formats and response TypedDicts, on the wire.

Bodies go to a local echo server (tests/paging_server.py), which answers with what it
received as Flask parsed it: content type, form fields, uploaded files, raw body.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.paging_server import API_KEY, PagingServer, running_paging_server
from tests.support import ROOT, compile_text

pytestmark = pytest.mark.slow

SPEC = """\
SpecVersion: 1
Name: Formats Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Methods:
  - Name: Send Text
    HttpMethod: POST
    EndPoint: /echo
    RequestFormat: PlainText
    Parameters:
      - { TargetType: Body, TargetName: note }
  - Name: Send Xml
    HttpMethod: POST
    EndPoint: /echo
    RequestFormat: Xml
    XmlRoot: Member
    Parameters:
      - { TargetType: Body, TargetName: name }
      - { TargetType: Body, TargetName: age, DataType: Integer }
      - { TargetType: Body, TargetName: joined, DataType: DateTime, Format: "%Y-%m-%d" }
      - { TargetType: Body, TargetName: vip, DataType: Boolean, IsOptional: true }
  - Name: Upload
    HttpMethod: POST
    EndPoint: /echo
    RequestFormat: File
    Parameters:
      - { TargetType: Body, TargetName: document, DataType: File }
      - { TargetType: Body, TargetName: title }
      - { TargetType: Body, TargetName: extra, DataType: File, IsOptional: true }
  - Name: Get Xml
    HttpMethod: GET
    EndPoint: /xml
    ResponseFormat: Xml
  - Name: Get Not Xml
    HttpMethod: GET
    EndPoint: /not-xml
    ResponseFormat: Xml
  - Name: Download
    HttpMethod: GET
    EndPoint: /file
    ResponseFormat: File
  - Name: Dated
    HttpMethod: GET
    EndPoint: /echo
    Parameters:
      - { TargetType: QueryString, TargetName: since, DataType: DateTime,
          Format: "%d/%m/%Y" }
      - { TargetType: QueryString, TargetName: until, DataType: DateTime,
          IsOptional: true }
      - { TargetType: HttpHeader, TargetName: X-Day, DataType: DateTime, Format: "%A",
          IsOptional: true }
    ResponseFields:
      - { Name: method }
      - { Name: args, DataType: Text, Description: The query as received. }
      - { Name: files, IsOptional: true }
  - Name: Odd Names
    HttpMethod: GET
    EndPoint: /echo
    ResponseFields:
      - { Name: str }
      - { Name: int, DataType: Integer, IsOptional: true }
      - { Name: _private }
      - { Name: items }
  - Name: Members
    HttpMethod: GET
    EndPoint: /offset
    Paging: { Style: Offset, OffsetParameter: offset, SizeParameter: count, PageSize: 5,
              ItemsPath: members }
    ResponseFields:
      - { Name: id, DataType: Integer }
      - { Name: first-name, IsOptional: true }
      - { Name: class, IsOptional: true }
"""

WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[PagingServer]:
    with running_paging_server() as state:
        yield state


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return compile_text(SPEC, tmp_path_factory.mktemp("formats"), "formats_lab.yaml")


@pytest.fixture
def client(lab: ModuleType, server: PagingServer) -> Iterator[Any]:
    with lab.FormatsLabClient(api_key=API_KEY, base_url=server.url) as client:
        yield client


def test_plain_text_body(client: Any) -> None:
    echo = client.send_text(note="Zoë's note, <b>not</b> markup")
    assert echo["content_type"] == "text/plain; charset=utf-8"
    assert echo["body"] == "Zoë's note, <b>not</b> markup"


def test_xml_body(client: Any) -> None:
    echo = client.send_xml(name="Zoë & <co>", age=41, joined=WHEN, vip=None)
    assert echo["content_type"] == "application/xml"
    root = ElementTree.fromstring(echo["body"])
    assert root.tag == "Member"
    assert [(e.tag, e.text) for e in root] == [
        ("name", "Zoë & <co>"),
        ("age", "41"),
        ("joined", "2024-05-06"),
    ]
    echo = client.send_xml(name="a", age=1, joined=WHEN, vip=True)
    assert ElementTree.fromstring(echo["body"]).find("vip").text == "true"


def test_multipart_upload(client: Any) -> None:
    echo = client.upload(document=bytes(range(256)), title="Report ✓")
    assert echo["content_type"].startswith("multipart/form-data; boundary=")
    assert echo["form"] == {"title": "Report ✓"}
    assert list(echo["files"]) == ["document"]
    assert echo["files"]["document"]["content"] == bytes(range(256)).decode("latin-1")
    echo = client.upload(document=b"a", title="t", extra=b"b")
    assert sorted(echo["files"]) == ["document", "extra"]


def test_xml_and_file_responses(lab: ModuleType, client: Any) -> None:
    root = client.get_xml()
    assert isinstance(root, ElementTree.Element)
    assert root.find("member").attrib == {"id": "7"}
    assert root.find("member").text == "Zoë"
    with pytest.raises(lab.FormatsLabError, match="the body is not XML"):
        client.get_not_xml()
    assert client.download() == bytes(range(256))


def test_datetime_formats(client: Any, server: PagingServer) -> None:
    echo = client.dated(since=WHEN, until=WHEN, x_day=WHEN)
    assert echo["args"] == {"since": "06/05/2024", "until": "2024-05-06T07:08:09+00:00"}
    assert echo["method"] == "GET"


def unbounded(echo: dict[str, Any]) -> dict[str, Any]:
    """An echo without the multipart boundary, which is random."""
    return {**echo, "content_type": echo["content_type"].partition(";")[0]}


def test_async_formats_match(
    lab: ModuleType, server: PagingServer, client: Any
) -> None:
    async def run() -> tuple[Any, ...]:
        async with lab.AsyncFormatsLabClient(
            api_key=API_KEY, base_url=server.url
        ) as aclient:
            return (
                await aclient.send_xml(name="n", age=2, joined=WHEN),
                unbounded(await aclient.upload(document=b"x", title="t")),
                await aclient.download(),
                ElementTree.tostring(await aclient.get_xml()),
            )

    expected = (
        client.send_xml(name="n", age=2, joined=WHEN),
        unbounded(client.upload(document=b"x", title="t")),
        client.download(),
        ElementTree.tostring(client.get_xml()),
    )
    assert asyncio.run(run()) == expected


def test_typed_dicts(lab: ModuleType, client: Any) -> None:
    # The class form's NotRequired is a string at run time (the module has
    # `from __future__ import annotations`), so only mypy sees which keys are
    # optional there; test_lab_module_type_checks covers that.
    assert set(lab.DatedResponse.__annotations__) == {"method", "args", "files"}
    assert lab.MembersItem.__required_keys__ == frozenset({"id"})
    assert lab.MembersItem.__optional_keys__ == frozenset({"first-name", "class"})
    assert {"DatedResponse", "MembersItem"} <= set(lab.__all__)
    # Field names that would hide the annotations' own names: the functional form.
    assert lab.OddNamesResponse.__required_keys__ == {"str", "_private", "items"}
    assert [item["id"] for item in client.iter_members(max_items=3)] == [0, 1, 2]


def test_lab_module_type_checks(lab: ModuleType, tmp_path: Path) -> None:
    """The TypedDicts (both forms) and format helpers pass mypy --strict, and a
    caller's use of them is checked."""
    module = Path(str(lab.__file__))
    user = tmp_path / "user.py"
    user.write_text(
        "from formats_lab import DatedResponse, FormatsLabClient\n"
        "ok: DatedResponse = {'method': 'GET', 'args': ''}  # files is NotRequired\n"
        "def first(client: FormatsLabClient) -> int:\n"
        "    for item in client.iter_members():\n"
        "        return item['id']\n"
        "    now = __import__('datetime').datetime.now()\n"
        "    odd = client.odd_names()\n"
        "    assert odd['int'] is None or odd['int'] + 1\n"
        "    return len(client.dated(since=now)['nope']) + len(odd['str'])\n",
        encoding="utf-8",
    )
    (tmp_path / "formats_lab.py").write_text(module.read_text("utf-8"), "utf-8")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mypy"), "--strict", "formats_lab.py", "user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    # The only error: a key the TypedDict does not have (item["id"] is an int).
    assert result.stdout.count("error:") == 1, result.stdout
    assert '"DatedResponse" has no key "nope"' in result.stdout, result.stdout
