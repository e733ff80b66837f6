"""The one path syntax of response fields (compiler/fieldpath.py): what each path
means, what is refused and where, and that any text either parses into a path that
writes back to itself or is refused with a position inside it (never a traceback)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.fieldpath import (
    PathError,
    key_path,
    parse_path,
    path_text,
    session_path,
    store_key,
    token_path,
)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("members", ("members",)),
        ("data.items", ("data", "items")),
        ("data[-1].id", ("data", -1, "id")),
        ("[0]", (0,)),
        ("[-1].id", (-1, "id")),
        ('["@odata.nextLink"]', ("@odata.nextLink",)),
        ('value[0]["first name"]', ("value", 0, "first name")),
        ('["a\\"b"]', ('a"b',)),
        ('["2"]', ("2",)),
        ("meta.has_next_page", ("meta", "has_next_page")),
        ("$skip-token", ("$skip-token",)),
        ("größe", ("größe",)),
    ],
)
def test_paths(text: str, segments: tuple[str | int, ...]) -> None:
    assert parse_path(text) == segments
    assert parse_path(path_text(segments)) == segments


@pytest.mark.parametrize(
    ("text", "message", "index"),
    [
        ("data.-1.id", "'-1' in a path is a number", 5),
        ("items.0", "'0' in a path is a number", 6),
        ("@odata.nextLink", "cannot hold '@'", 0),
        ("a..b", "empty field name", 1),
        ("a.", "empty field name", 1),
        ("a[x]", "neither an index nor a quoted key", 1),
        ("a[1", "neither an index nor a quoted key", 1),
        ('a["b]', "neither an index nor a quoted key", 1),
        ("a b", "cannot hold ' '", 1),
        ("", "the path is empty", 0),
        ('["\\q"]', "bad escape", 1),
    ],
)
def test_refusals(text: str, message: str, index: int) -> None:
    with pytest.raises(PathError) as info:
        parse_path(text)
    assert message in info.value.message
    assert info.value.index == index
    assert info.value.hint


def test_unquoted_dotted_key_hint_quotes_it() -> None:
    with pytest.raises(PathError) as info:
        parse_path("@odata.nextLink")
    assert info.value.hint.endswith('["@odata.nextLink"]')
    assert parse_path('["@odata.nextLink"]') == ("@odata.nextLink",)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("ticket.subject", ("ticket", "subject")),
        ('["odata.type"]', ("odata.type",)),
        ("subject", None),  # no dot or bracket: one key
        ("first name.x", None),  # not a path: the one key it always was
        ("items[0]", None),  # an index cannot be a body key: one key, as written
        ("@odata.type", None),
    ],
)
def test_body_key_paths(name: str, keys: tuple[str, ...] | None) -> None:
    assert key_path(name) == keys


@given(st.text(max_size=40))
def test_any_text_parses_or_is_located(text: str) -> None:
    try:
        segments = parse_path(text)
    except PathError as exc:
        assert 0 <= exc.index <= max(len(text) - 1, 0)
        assert exc.message and exc.hint
    else:
        assert segments
        assert parse_path(path_text(segments)) == segments


@given(
    st.lists(
        st.one_of(st.integers(min_value=-5, max_value=50), st.text(min_size=1)),
        min_size=1,
        max_size=5,
    )
)
def test_any_path_writes_back_to_itself(segments: list[str | int]) -> None:
    assert parse_path(path_text(tuple(segments))) == tuple(segments)


@pytest.mark.parametrize(
    ("text", "segments", "stored_as"),
    [
        # Plain names keep meaning the one key, as before paths.
        ("access_token", ("access_token",), "access_token"),
        ("instance_url", ("instance_url",), "instance_url"),
        # Names the path syntax would refuse but that hold no . [ ] " stay one key
        # as written, so a spec written before paths keeps compiling the same.
        ("@token", ("@token",), "@token"),
        ("access token", ("access token",), "access token"),
        ("0", ("0",), "0"),
        # A dot now means a nested path; the quoted form is a key with a dot.
        ("data.access_token", ("data", "access_token"), "data.access_token"),
        ('["token.value"]', ("token.value",), "token.value"),
        ("data.links[0].href", ("data", "links", 0, "href"), "data.links[0].href"),
    ],
)
def test_token_response_paths(
    text: str, segments: tuple[str | int, ...], stored_as: str
) -> None:
    assert token_path(text) == segments
    assert store_key(segments) == stored_as


@pytest.mark.parametrize(
    "text", ["", "@odata.token", "data..token", "data.0.ttl", "data[ttl]", '["a"']
)
def test_token_response_path_refusals(text: str) -> None:
    with pytest.raises(PathError):
        token_path(text)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("data.session.token", ("data", "session", "token")),
        ("data.0.token", ("data", 0, "token")),  # the old meaning: a list item
        ("@token", ("@token",)),
        ("x.-1", ("x", "-1")),  # never an index before paths
        ('data[-1]["a.b"]', ("data", -1, "a.b")),
    ],
)
def test_session_paths_keep_old_dotted_values(
    text: str, segments: tuple[str | int, ...]
) -> None:
    assert session_path(text) == segments


def test_session_path_errors_are_located() -> None:
    with pytest.raises(PathError) as caught:
        session_path("data..token")
    assert caught.value.index == 4
