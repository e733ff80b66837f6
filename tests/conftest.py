"""Fixtures shared by the tests."""

from __future__ import annotations

from tests.oauth2_fixtures import compile_spec_text, oauth2_server

__all__ = ["compile_spec_text", "oauth2_server"]
