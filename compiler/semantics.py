"""The checks a JSON Schema cannot make, run on a spec the schema has accepted.

This module is the entry point: ``semantic_errors`` runs every area's checks in a
fixed order, so a spec's diagnostics always come out the same and in the same order.
Each area keeps its checks in a module of its own, and they share a
``checking.Context`` (the spec, ``error()`` and the helpers several areas need):

- connector_rules: the connector's Name, Properties and EnvironmentVariables;
- url_rules: the BaseUrl, its host, and the ``{{Field}}`` syntax of URLs;
- method_rules: methods and their parameters;
- identifier_rules, value_rules: the Python names a spec gives, and the values it
  writes for a DataType (used by the areas above);
- auth_field_rules: ``AuthType: AuthFields``;
- wire_rules: text sent as it is (URLs, header names and values, EndPoints);
- oauth2, session_jwt, auth_checks: OAuth2; Session and Jwt; Headers and ApiKey Keys;
- paging_rules: paging and field paths; retry_rules: Retries, ErrorInBody, RetrySafe;
- oauth1_rules: ``AuthType: OAuth1``; rate_limit_rules: RateLimits;
- format_rules: request and response formats.

The names other modules import from here (``MERGE_FIELD``, ``credential_names``,
``HEADER_NAME``, ``CONSTRUCTOR_ARGUMENTS``, ...) are re-exported from their areas.
"""

from __future__ import annotations

from collections.abc import Iterator

from .auth_checks import auth_extra_errors
from .auth_field_rules import check_auth_fields
from .checking import (
    CONSTRUCTOR_ARGUMENTS,
    MERGE_FIELD,
    METHOD_ARGUMENTS,
    RESERVED_ARGUMENTS,
    Context,
    credential_names,
)
from .connector_rules import (
    check_environment_variables,
    check_name,
    check_properties,
    check_property_names,
)
from .diagnostics import Diagnostic
from .format_rules import check_formats
from .load import LoadedSpec
from .method_rules import (
    AUTH_METHODS,
    BODYLESS_METHODS,
    RESERVED_METHODS,
    SECRET_NAME,
    check_methods,
)
from .oauth1_rules import LOOPBACK_HOSTS, check_oauth1
from .oauth2 import oauth2_errors
from .paging_rules import PAGED_ARGUMENTS, check_paging, paging_errors
from .rate_limit_rules import check_rate_limits
from .retry_rules import check_retry_safe, retry_errors
from .session_jwt import session_jwt_errors
from .url_rules import check_base_url
from .wire_rules import HEADER_NAME, check_wire_text

__all__ = [
    "AUTH_METHODS",
    "BODYLESS_METHODS",
    "CONSTRUCTOR_ARGUMENTS",
    "HEADER_NAME",
    "LOOPBACK_HOSTS",
    "MERGE_FIELD",
    "METHOD_ARGUMENTS",
    "PAGED_ARGUMENTS",
    "RESERVED_ARGUMENTS",
    "RESERVED_METHODS",
    "SECRET_NAME",
    "credential_names",
    "semantic_errors",
]


def semantic_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem of a schema-valid spec that the schema cannot see."""
    return list(_run(Context(spec)))


def _run(ctx: Context) -> Iterator[Diagnostic]:
    """Every area's checks, in the order their diagnostics are reported."""
    yield from check_name(ctx)
    properties = ctx.data.get("Properties", [])
    yield from check_properties(ctx, properties)
    yield from check_base_url(ctx, properties)
    yield from check_methods(ctx, properties)
    yield from check_property_names(ctx, properties)
    yield from check_environment_variables(ctx, properties)
    yield from check_auth_fields(ctx)
    yield from check_wire_text(ctx)
    yield from oauth2_errors(ctx.spec)
    yield from paging_errors(ctx.spec)
    yield from retry_errors(ctx.spec)
    yield from session_jwt_errors(ctx.spec)
    yield from auth_extra_errors(ctx.spec)  # Headers, ApiKey Keys (issue 11)
    yield from check_oauth1(ctx)
    yield from check_rate_limits(ctx, ("RateLimits",))
    for i, method in enumerate(ctx.data["Methods"]):
        yield from check_rate_limits(ctx, ("Methods", i, "RateLimits"))
        yield from check_paging(ctx, ("Methods", i), method)
        yield from check_formats(ctx, ("Methods", i), method)
        yield from check_retry_safe(ctx, ("Methods", i), method)
