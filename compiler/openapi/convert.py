"""The mapping rules: an OpenAPI 3.x / Swagger 2.0 document in, a connector spec out.

Each rule maps what the spec language can say on the wire exactly; what it cannot
(a cookie parameter, a callback, a nested body field, ...) becomes a comment at the
spot and a ``Note`` for the summary on stderr, never a silent drop.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..names import shadowed_module, snake_case
from ..semantics import (
    AUTH_METHODS,
    HEADER_NAME,
    LOOPBACK_HOSTS,
    METHOD_ARGUMENTS,
    PAGED_ARGUMENTS,
    RESERVED_METHODS,
    SECRET_NAME,
)
from .emit import Block, Flow, Item
from .source import Document, JsonPath

__all__ = ["Conversion", "convert"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Headers the HTTP client or the spec's formats set: OpenAPI 3 itself says a
# parameter of these names is ignored.
MANAGED_HEADERS = frozenset(
    {"accept", "content-type", "authorization", "content-length"}
)
# Constructor arguments each AuthType adds (properties may not take them).
CREDENTIALS = {
    "ApiKey": {"api_key"},
    "Basic": {"username", "password"},
    "OAuth2": {
        "client_id",
        "client_secret",
        "username",
        "password",
        "token_store",
        "on_token",
    },
    "None": set(),
}
CONSTRUCTOR_TAKEN = {
    "self",
    "cls",
    "base_url",
    "timeout",
    "transport",
    "httpx",
    "max_attempts",
    "backoff",
    "max_backoff",
    "dict",
    "str",
    "object",
}
OAUTH2_METHODS = frozenset({"authorization_url", "fetch_token", "token"})
# Paging parameter names, as APIs commonly spell them.
PAGE_NAMES = ("page", "page_number", "pageNumber")
OFFSET_NAMES = ("offset", "skip", "start")
SIZE_NAMES = (
    "per_page",
    "page_size",
    "pageSize",
    "perPage",
    "limit",
    "size",
    "count",
    "max_results",
    "maxResults",
)
CURSOR_PARAMS = (
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
)
CURSOR_FIELDS = (
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "cursor",
    "continuation_token",
    "continuationToken",
)
NEXT_URL_FIELDS = (
    "next",
    "next_page_url",
    "nextPageUrl",
    "next_url",
    "nextUrl",
    "next_page_url",
    "nextLink",
    "next_page",
    "nextPage",
)
ITEM_FIELDS = ("data", "items", "results", "values", "records", "entries", "value")
SCALARS = {
    "string": "Text",
    "integer": "Integer",
    "number": "Float",
    "boolean": "Boolean",
}
MAX_DESCRIPTION = 300
MAX_SCOPES_LISTED = 15


@dataclass
class Conversion:
    """The spec (as a ``Block``), the header comments, and what was left out."""

    spec: Block
    header: list[str]
    notes: Counter[str] = field(default_factory=Counter)
    methods: int = 0
    name: str = ""


def _describe(node: dict[str, Any]) -> str:
    """One line of prose: the summary, else the description's first paragraph."""
    text = node.get("summary") or node.get("description") or ""
    if not isinstance(text, str):
        return ""
    text = " ".join(text.strip().split("\n\n")[0].split())
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 3].rsplit(" ", 1)[0] + "..."
    return text


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [k for k in kind if k != "null"]
    if isinstance(kind, str):
        return [kind]
    return []


class Converter:
    def __init__(
        self,
        document: Document,
        *,
        name: str | None,
        tags: list[str],
        operations: list[str],
    ) -> None:
        self.doc = document
        self.data: dict[str, Any] = document.data
        self.swagger = "swagger" in self.data
        self.wanted_name = name
        self.tags = set(tags)
        self.operation_ids = set(operations)
        self.notes: Counter[str] = Counter()
        self.property_names: set[str] = set()
        self.auth_type = "None"
        self.auth_header = ""
        self.auth_query = ""
        # Several authentication methods (a list Authentication): every entry's
        # AuthType and header, and the entry each security scheme became.
        self.auth_types: list[str] = []
        self.auth_headers: set[str] = set()
        self.entry_names: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------

    def note(self, kind: str) -> None:
        self.notes[kind] += 1

    def resolve(self, node: Any, path: JsonPath = ()) -> Any:
        return self.doc.resolve(node, path)

    def merged(self, schema: Any, path: JsonPath, depth: int = 0) -> dict[str, Any]:
        """A schema with ``allOf`` parts merged (properties and required)."""
        schema = self.resolve(schema, path)
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema or depth > 8:
            return schema
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        props = dict(out.get("properties") or {})
        required = list(out.get("required") or [])
        for i, part in enumerate(schema["allOf"] or []):
            part = self.merged(part, (*path, "allOf", i), depth + 1)
            props.update(part.get("properties") or {})
            required += [r for r in part.get("required") or [] if r not in required]
            for key in ("type", "items", "format", "enum"):
                if key in part and key not in out:
                    out[key] = part[key]
        if props:
            out["properties"] = props
            out.setdefault("type", "object")
        out["required"] = required
        return out

    def data_type(
        self, schema: dict[str, Any], *, files: bool = False
    ) -> tuple[str, dict[str, Any]] | None:
        """The DataType and extra keys of a scalar schema; None for others."""
        types = _types(schema)
        choices = schema.get("oneOf") or schema.get("anyOf")
        if not types and isinstance(choices, list) and choices:
            # One of several scalar types: sent as text, which is how each of them
            # reaches a URL or a header anyway.
            parts = [self.merged(c, ()) for c in choices]
            mapped = [self.data_type(p) for p in parts if _types(p) != ["null"] and p]
            if mapped and all(m is not None for m in mapped):
                kinds = {m[0] for m in mapped if m is not None}
                return (kinds.pop(), {}) if len(kinds) == 1 else ("Text", {})
            return None
        if not types:
            if "enum" in schema or not schema or "format" in schema:
                types = ["string"]
            else:
                return None
        kind = types[0]
        if kind not in SCALARS:
            return None
        fmt = schema.get("format")
        if kind == "string" and fmt == "date-time":
            return "DateTime", {}
        if kind == "string" and fmt == "date":
            return "DateTime", {"Format": "%Y-%m-%d"}
        if kind == "string" and fmt == "binary" and files:
            return "File", {}
        return SCALARS[kind], {}

    @staticmethod
    def fits(value: Any, data_type: str) -> bool:
        if data_type == "Text":
            return isinstance(value, str)
        if data_type == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if data_type == "Float":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if data_type == "Boolean":
            return isinstance(value, bool)
        return False

    def values_and_default(
        self,
        schema: dict[str, Any],
        data_type: str,
        pairs: dict[str, Any],
        comments: list[str],
        *,
        secret: bool = False,
    ) -> None:
        enum = schema.get("enum")
        values: list[Any] = []
        if isinstance(enum, list) and data_type not in ("DateTime", "File"):
            values = [v for v in enum if v is not None]
            if values and all(self.fits(v, data_type) for v in values):
                unique = list(dict.fromkeys(values))
                pairs["Values"] = unique
                values = unique
            elif values:
                comments.append(
                    f"'{pairs['TargetName']}' lists values {values!r} that do "
                    f"not fit {data_type}; not made Values"
                )
                values = []
        default = schema.get("default")
        if (
            default is not None
            and not secret
            and self.fits(default, data_type)
            and (not values or default in values)
        ):
            pairs["Default"] = default

    # -- the spec --------------------------------------------------------------

    def convert(self) -> Conversion:
        info = self.data.get("info") if isinstance(self.data.get("info"), dict) else {}
        assert isinstance(info, dict)
        name = self.connector_name(self.wanted_name or str(info.get("title") or ""))
        spec = Block()
        header: list[str] = []
        spec.add("SpecVersion", 1)
        spec.add("Name", name)
        description = _describe(info)
        if description:
            spec.add("Description", description)
        base_url, properties, base_notes = self.base_url()
        spec.add("BaseUrl", base_url, *base_notes)
        auth, auth_notes = self.authentication(base_url)
        if properties:
            for prop in properties:
                self.rename_credential_clash(prop)
            spec.add("Properties", properties)
        spec.add("Authentication", auth, *auth_notes)
        methods = self.methods()
        spec.add("Methods", methods, *self.limit_notes())
        conversion = Conversion(spec, header, self.notes, len(methods), name)
        self.global_notes(spec)
        return conversion

    def connector_name(self, title: str) -> str:
        name = " ".join(title.split()) or self.doc.path.stem
        module = snake_case(name)
        if not module:
            name, module = "Imported API", "imported_api"
        if module[0].isdigit():
            name = f"API {name}"
        if keyword.iskeyword(module) or shadowed_module(module):
            name = f"{name} API"
        while len(snake_case(name)) > 60 and " " in name:
            name = name.rsplit(" ", 1)[0]
        if len(snake_case(name)) > 60:
            name = snake_case(name)[:60].strip("_")
        return name

    def global_notes(self, spec: Block) -> None:
        callbacks = "webhooks" in self.data and self.data["webhooks"]
        if callbacks:
            self.note("webhooks (incoming requests, not calls)")
            spec.entries[-1].comments.append(
                "Not mapped: the document's webhooks (requests the API sends you; "
                "a client has nothing to call)."
            )

    # -- base URL and properties ---------------------------------------------------

    def base_url(self) -> tuple[str, list[Flow], list[str]]:
        notes: list[str] = []
        props: list[Flow] = []
        if self.swagger:
            host = self.data.get("host")
            schemes = self.data.get("schemes") or ["https"]
            scheme = "https" if "https" in schemes else str(schemes[0])
            base = str(self.data.get("basePath") or "")
            url = f"{scheme}://{host}{base}" if host else base
            variables: dict[str, Any] = {}
            servers_note = ""
        else:
            servers = self.data.get("servers") or [{"url": "/"}]
            server = servers[0] if isinstance(servers[0], dict) else {"url": "/"}
            url = str(server.get("url") or "/")
            found = server.get("variables")
            variables = found if isinstance(found, dict) else {}
            others = [str(s.get("url")) for s in servers[1:] if isinstance(s, dict)]
            servers_note = (
                "Other servers in the document: " + ", ".join(others[:5])
                if others
                else ""
            )
        url = url.split("?")[0].split("#")[0].rstrip("/")

        def variable(match: re.Match[str]) -> str:
            var = match.group(1)
            spec = variables.get(var) if isinstance(variables, dict) else None
            spec = spec if isinstance(spec, dict) else {}
            pname = var if snake_case(var) else "Server"
            self.property_names.add(pname)
            pairs: dict[str, Any] = {"Name": pname}
            text = _describe(spec)
            enum = spec.get("enum")
            if isinstance(enum, list) and enum:
                text = (
                    (text + " " if text else "")
                    + "One of: "
                    + ", ".join(map(str, enum))
                )
            if text:
                pairs["Description"] = text
            if spec.get("default") not in (None, ""):
                pairs["Default"] = str(spec["default"])
            if not any(p.pairs["Name"] == pname for p in props):
                props.append(Flow(pairs))
            return "{{" + pname + "}}"

        def port(match: re.Match[str]) -> str:
            # The language checks that a port is a number, so a port variable
            # takes its default value.
            spec = variables.get(match.group(1))
            default = spec.get("default") if isinstance(spec, dict) else None
            if str(default).isdigit():
                notes.append(
                    f"The port is the server variable '{match.group(1)}' "
                    f"with its default, {default}; edit it here."
                )
                return f":{default}"
            return match.group(0)

        url = re.sub(r"(?<=[^/:]):\{([^{}/]*)\}(?=/|$)", port, url)
        url = re.sub(r"\{([^{}]*)\}", variable, url)
        if re.search(r"\s", url):
            # Not a URL at all, such as "Your API URL": the author must say it.
            notes.append(f"The document's server is {url!r}, which is not a URL.")
            url = ""
        if not re.match(r"https?://[^/\s]", url):
            # A relative server URL is relative to wherever the document is served.
            self.note("base URL without a host")
            notes.append(
                "TODO: the document gives no host (servers is relative or "
                "missing): set Host, or write the API's address here."
            )
            self.property_names.add("Host")
            props.insert(
                0, Flow({"Name": "Host", "Description": "The API's host name."})
            )
            url = "https://{{Host}}" + ("/" + url.lstrip("/") if url.strip("/") else "")
        if servers_note:
            notes.append(servers_note)
        return url, props, notes

    def rename_credential_clash(self, prop: Flow) -> None:
        name = snake_case(prop.pairs["Name"])
        taken = {a for t in self.auth_types for a in CREDENTIALS.get(t, set())}
        taken |= {"auth"} if self.entry_names else set()
        if name in CREDENTIALS.get(self.auth_type, set()) | CONSTRUCTOR_TAKEN | taken:
            prop.pairs["PythonName"] = f"server_{name}"

    # -- authentication ------------------------------------------------------------

    def schemes(self) -> dict[str, Any]:
        if self.swagger:
            found = self.data.get("securityDefinitions") or {}
        else:
            components = self.data.get("components") or {}
            found = (
                components.get("securitySchemes") or {}
                if isinstance(components, dict)
                else {}
            )
        return found if isinstance(found, dict) else {}

    def used_schemes(self) -> tuple[list[str], dict[str, set[str]]]:
        """Schemes the document's security requirements name, with their scopes."""
        scopes: dict[str, set[str]] = {}
        order: list[str] = []

        def take(requirements: Any) -> None:
            if not isinstance(requirements, list) or not requirements:
                return
            first = True
            for requirement in requirements:
                if not isinstance(requirement, dict):
                    continue
                for scheme, wanted in requirement.items():
                    if scheme not in order:
                        order.append(scheme)
                    bucket = scopes.setdefault(scheme, set())
                    if first and isinstance(wanted, list):
                        bucket.update(str(s) for s in wanted)
                first = False

        take(self.data.get("security"))
        for path_item in (self.data.get("paths") or {}).values():
            for verb in HTTP_METHODS:
                op = path_item.get(verb) if isinstance(path_item, dict) else None
                if isinstance(op, dict) and self.selected(op):
                    take(op.get("security"))
        return order, scopes

    def authentication(self, base_url: str) -> tuple[Block | list[Item], list[str]]:
        schemes = self.schemes()
        used, scopes = self.used_schemes()
        names = [n for n in used if n in schemes] or sorted(schemes)
        candidates: list[tuple[int, str, Block, list[str]]] = []
        refused: list[str] = []
        for name in names:
            raw = self.resolve(schemes[name], ("components", "securitySchemes", name))
            if not isinstance(raw, dict):
                continue
            mapped = self.scheme(name, raw, base_url, scopes.get(name, set()))
            if isinstance(mapped, str):
                refused.append(f"'{name}': {mapped}")
            else:
                rank, block, comments = mapped
                candidates.append((rank, name, block, comments))
        candidates.sort(key=lambda c: c[0])
        notes: list[str] = []
        if not candidates:
            block = Block().add("AuthType", "None")
            if refused:
                self.note("authentication scheme the language lacks")
                notes.append(
                    "TODO: no security scheme of the document could be mapped; "
                    "the client sends no credentials:"
                )
                notes.extend(f"  {r}" for r in refused)
            elif not schemes:
                notes.append(
                    "TODO: the document declares no security scheme; if the "
                    "API wants credentials, say how here (see the README's "
                    "Authentication table)."
                )
            self.auth_type = "None"
            return block, notes
        listed = _listable(candidates)
        if len(listed) > 1:
            return self.authentication_list(listed, candidates, refused)
        rank, chosen, block, comments = candidates[0]
        notes.append(f"From security scheme '{chosen}'.")
        notes.extend(comments)
        others = [f"'{c[1]}'" for c in candidates[1:]] + refused
        if others:
            self.note("other security schemes (one method per connector for now)")
            notes.append(
                "The document also offers: " + "; ".join(others) + ". The spec "
                "language has one authentication method per connector for now."
            )
        self.auth_type = str(block.entries[0].value)
        keys = {e.key: e.value for e in block.entries}
        if self.auth_type == "ApiKey":
            self.auth_header = str(keys.get("Header", "")).lower()
            self.auth_query = str(keys.get("QueryParameter", ""))
        elif self.auth_type in ("Basic", "OAuth2"):
            self.auth_header = "authorization"
        return block, notes

    def authentication_list(
        self,
        listed: list[tuple[int, str, Block, list[str]]],
        candidates: list[tuple[int, str, Block, list[str]]],
        refused: list[str],
    ) -> tuple[list[Item], list[str]]:
        """Several schemes, as a list of named entries: the user picks one."""
        entries: list[Item] = []
        for _, scheme, block, comments in listed:
            name = _entry_name(scheme, str(block.entries[0].value), self.entry_names)
            self.entry_names[scheme] = name
            entry = Block().add("Name", name)
            entry.entries += block.entries
            entries.append(
                Item(entry, [f"From security scheme '{scheme}'.", *comments])
            )
            kind = str(block.entries[0].value)
            self.auth_types.append(kind)
            keys = {e.key: e.value for e in block.entries}
            if kind == "ApiKey":
                self.auth_headers.add(str(keys.get("Header", "authorization")).lower())
            elif kind in ("Basic", "OAuth2"):
                self.auth_headers.add("authorization")
        self.auth_type = self.auth_types[0]
        notes = [
            "Several authentication methods: the user picks one (auth=); "
            "operations that accept only some say so in AuthMethods."
        ]
        kept = {c[1] for c in listed}
        others = [f"'{c[1]}'" for c in candidates if c[1] not in kept] + refused
        if others:
            self.note("other security schemes (not in the list)")
            notes.append(
                "The document also offers: " + "; ".join(others) + ". A list "
                "holds one of each AuthType, one of OAuth1, OAuth2, Session and "
                "Jwt, and no API key in the query."
            )
        return entries, notes

    def auth_methods(self, op: dict[str, Any]) -> list[str]:
        """The entries an operation's security requirements allow, when they are
        not all of them (its own requirements, else the document's)."""
        if not self.entry_names:
            return []
        requirements = op["security"] if "security" in op else self.data.get("security")
        if not isinstance(requirements, list) or not requirements:
            return []
        allowed = {
            self.entry_names[scheme]
            for requirement in requirements
            if isinstance(requirement, dict)
            for scheme in requirement
            if scheme in self.entry_names
        }
        every = list(self.entry_names.values())
        if not allowed or len(allowed) == len(every):
            return []
        return [name for name in every if name in allowed]

    def absolute(self, url: Any, base_url: str) -> str | None:
        """An OAuth URL as the spec needs it (https, fields declared), or None."""
        if not isinstance(url, str) or not url:
            return None
        url = re.sub(r"(?<!\{)\{([^{}]+)\}(?!\})", r"{{\1}}", url)
        # Relative URLs are resolved against the server's, as RFC 3986 says.
        absolute = urljoin(base_url, url)
        try:
            parts = urlsplit(absolute.replace("{{", "").replace("}}", ""))
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            return None
        for field_name in re.findall(r"\{\{(.*?)\}\}", absolute):
            if field_name not in self.property_names:
                return None
        if re.search(r"\s", absolute):
            return None
        return str(absolute)

    def scheme(
        self, name: str, raw: dict[str, Any], base_url: str, wanted: set[str]
    ) -> tuple[int, Block, list[str]] | str:
        kind = raw.get("type")
        comments: list[str] = []
        described = _describe(raw)
        if described:
            comments.append(f"The document says: {described}")
        if kind == "apiKey":
            where, key = raw.get("in"), str(raw.get("name") or "")
            if not key:
                return "an apiKey without a name"
            if where == "header":
                if not HEADER_NAME.fullmatch(key):
                    return f"header name {key!r} is not one HTTP can carry"
                block = Block().add("AuthType", "ApiKey").add("Header", key)
                if key.lower() == "authorization":
                    comments.append(
                        "If the key goes with a prefix (such as 'Bearer ' "
                        "or 'Token '), add Format: \"Bearer {ApiKey}\"."
                    )
                return 20, block, comments
            if where == "query":
                return (
                    30,
                    Block().add("AuthType", "ApiKey").add("QueryParameter", key),
                    comments,
                )
            if where == "cookie":
                if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", key):
                    return f"cookie name {key!r} cannot be sent as is"
                block = (
                    Block()
                    .add("AuthType", "ApiKey")
                    .add("Header", "Cookie")
                    .add("Format", f"{key}={{ApiKey}}")
                )
                return 40, block, comments
            return f"an apiKey in {where!r}"
        if kind == "basic" or (
            kind == "http" and str(raw.get("scheme", "")).lower() == "basic"
        ):
            return 50, Block().add("AuthType", "Basic"), comments
        if kind == "http" and str(raw.get("scheme", "")).lower() == "bearer":
            block = (
                Block()
                .add("AuthType", "ApiKey")
                .add("Header", "Authorization")
                .add("Format", "Bearer {ApiKey}")
            )
            if raw.get("bearerFormat"):
                comments.append(f"Bearer format: {raw['bearerFormat']}")
            return 15, block, comments
        if kind == "http":
            return f"HTTP {raw.get('scheme')!r} authentication"
        if kind == "oauth2":
            return self.oauth2(raw, base_url, wanted, comments)
        if kind == "openIdConnect":
            return self.open_id(raw, base_url, wanted, comments)
        return f"a {kind!r} scheme"

    def oauth2(
        self, raw: dict[str, Any], base_url: str, wanted: set[str], comments: list[str]
    ) -> tuple[int, Block, list[str]] | str:
        if self.swagger:
            flow_name = {
                "accessCode": "authorizationCode",
                "application": "clientCredentials",
                "password": "password",
                "implicit": "implicit",
            }.get(str(raw.get("flow")), "")
            flows = {flow_name: raw} if flow_name else {}
        else:
            found = raw.get("flows")
            flows = found if isinstance(found, dict) else {}
        order = (
            ("authorizationCode", "AuthorisationCode", 1),
            ("clientCredentials", "ClientCredentials", 2),
            ("password", "PasswordCredentials", 3),
        )
        problems = []
        for flow_key, grant, rank in order:
            flow = flows.get(flow_key)
            if not isinstance(flow, dict):
                continue
            token_url = self.absolute(flow.get("tokenUrl"), base_url)
            if token_url is None:
                problems.append(
                    f"{flow_key}: token URL {flow.get('tokenUrl')!r} is not "
                    "an https URL"
                )
                continue
            block = Block().add("AuthType", "OAuth2").add("OAuth2Type", grant)
            if flow_key == "authorizationCode":
                auth_url = self.absolute(flow.get("authorizationUrl"), base_url)
                if auth_url is None:
                    problems.append(
                        f"{flow_key}: authorization URL "
                        f"{flow.get('authorizationUrl')!r} is not an https URL"
                    )
                    continue
                block.add("AuthoriseUrl", auth_url)
            block.add("AccessTokenUrl", token_url)
            refresh = self.absolute(flow.get("refreshUrl"), base_url)
            if refresh and refresh != token_url:
                block.add("RefreshUrl", refresh)
            available = [str(s) for s in (flow.get("scopes") or {})]
            # A scope is sent space-separated, so one with a space cannot be sent.
            chosen = sorted(s for s in wanted if s and not re.search(r"[\s{}]", s))
            if chosen:
                block.add("Scopes", chosen)
            if available:
                shown = ", ".join(available[:MAX_SCOPES_LISTED])
                more = len(available) - MAX_SCOPES_LISTED
                comments.append(
                    f"Scopes the document lists: {shown}"
                    + (f" (and {more} more)" if more > 0 else "")
                )
            comments.append(
                "Client authentication at the token endpoint is Basic by "
                "default; set ClientAuthentication: Body if the provider "
                "wants the secret in the form."
            )
            other = [k for k in flows if k != flow_key]
            if other:
                comments.append(
                    "Other OAuth 2 flows in the document: " + ", ".join(sorted(other))
                )
            return rank, block, comments
        if "implicit" in flows and not problems:
            return "the OAuth 2 implicit flow, which the language does not generate"
        return "; ".join(problems) or "an OAuth 2 scheme without a usable flow"

    def open_id(
        self, raw: dict[str, Any], base_url: str, wanted: set[str], comments: list[str]
    ) -> tuple[int, Block, list[str]] | str:
        url = str(raw.get("openIdConnectUrl") or "")
        local = None
        if url and not re.match(r"[a-z]+://", url):
            local = self.doc.path.parent / url
        elif url.startswith("file://"):
            local = self.doc.path.parent / urlsplit(url).path
        if local is None or not local.is_file():
            return (
                f"OpenID Connect (discovery document {url!r} is not a local file; "
                "TODO: copy its authorization_endpoint and token_endpoint into an "
                "OAuth2 AuthorisationCode block)"
            )
        import json

        try:
            discovery = json.loads(local.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return f"OpenID Connect discovery document {url!r} cannot be read as JSON"
        flow = {
            "authorizationUrl": discovery.get("authorization_endpoint"),
            "tokenUrl": discovery.get("token_endpoint"),
            "scopes": dict.fromkeys(discovery.get("scopes_supported") or [], ""),
        }
        comments.append(f"OpenID Connect: endpoints from {url}.")
        return self.oauth2(
            {"flows": {"authorizationCode": flow}},
            base_url,
            wanted | {"openid"},
            comments,
        )

    def limit_notes(self) -> list[str]:
        """Rate limits and retries, as commented suggestions above Methods."""
        has_429 = (
            '"429"' in self.doc.text
            or "'429'" in self.doc.text
            or "\n      429:" in self.doc.text
        )
        why = (
            "the document mentions status 429 (too many requests) but no limit "
            "the importer can read"
            if has_429
            else "the document states no rate limit"
        )
        return [
            f"TODO: {why}; add RateLimits if the API publishes one, and Retries",
            "to tune them (Retry-After is honoured), e.g.",
            "RateLimits: [{ MaxRequests: 10, Per: Second }]",
            "Retries: { MaxAttempts: 3, InitialDelay: 1, MaxDelay: 60 }",
        ]

    # -- methods ---------------------------------------------------------------------

    def selected(self, op: dict[str, Any]) -> bool:
        if self.operation_ids and op.get("operationId") not in self.operation_ids:
            return False
        return not (
            self.tags and not self.tags & {str(t) for t in op.get("tags") or []}
        )

    def methods(self) -> list[Item]:
        out: list[Item] = []
        seen_names: set[str] = set()
        seen_python: set[str] = set()
        paths = self.data.get("paths") or {}
        for route, path_item in paths.items():
            path_item = self.resolve(path_item, ("paths", route))
            if not isinstance(path_item, dict):
                continue
            for verb in HTTP_METHODS:
                op = path_item.get(verb)
                if not isinstance(op, dict) or not self.selected(op):
                    continue
                item = self.method(route, verb, path_item, op, seen_names, seen_python)
                out.append(item)
            if "trace" in path_item:
                self.note("TRACE operation")
        return out

    def method_name(
        self,
        route: str,
        verb: str,
        op: dict[str, Any],
        seen_names: set[str],
        seen_python: set[str],
    ) -> dict[str, Any]:
        name = str(op.get("operationId") or "").strip()
        if not snake_case(name):
            name = f"{verb} {route}"
        base = name
        n = 2
        while name in seen_names:
            name, n = f"{base} {n}", n + 1
        seen_names.add(name)
        pairs: dict[str, Any] = {"Name": name}
        python = snake_case(name) or "operation"
        if (
            python[0].isdigit()
            or keyword.iskeyword(python)
            or python.startswith("iter_")
        ):
            python = f"op_{python}"
        if (
            python in RESERVED_METHODS
            or python in OAUTH2_METHODS
            or python in AUTH_METHODS.get("OAuth1", ())
        ):
            python = f"{python}_operation"
        candidate, n = python, 2
        while candidate in seen_python:
            candidate, n = f"{python}_{n}", n + 1
        seen_python.add(candidate)
        if candidate != snake_case(name):
            pairs["PythonName"] = candidate
        return pairs

    def method(
        self,
        route: str,
        verb: str,
        path_item: dict[str, Any],
        op: dict[str, Any],
        seen_names: set[str],
        seen_python: set[str],
    ) -> Item:
        where: JsonPath = ("paths", route, verb)
        block = Block()
        comments: list[str] = []
        naming = self.method_name(route, verb, op, seen_names, seen_python)
        block.add("Name", naming["Name"])
        if "PythonName" in naming:
            block.add("PythonName", naming["PythonName"])
        description = _describe(op)
        if description:
            block.add("Description", description)
        http = verb.upper()
        block.add("HttpMethod", http)
        servers = op.get("servers") or path_item.get("servers")
        root = self.data.get("servers")
        root_urls = (
            {str(r.get("url")) for r in root or [] if isinstance(r, dict)}
            if isinstance(root, list)
            else set()
        )
        if (
            isinstance(servers, list)
            and servers
            and isinstance(servers[0], dict)
            and str(servers[0].get("url")) not in root_urls
        ):
            self.note("operation with its own server")
            comments.append(
                f"TODO: the document sends this operation to its own server, "
                f"{servers[0].get('url')!r}, not BaseUrl; the language has one BaseUrl "
                "per connector (put the method in a spec of its own)."
            )
        if op.get("deprecated"):
            comments.append("Deprecated in the document.")
        taken_python = set(PAGED_ARGUMENTS) if http == "GET" else set()
        taken_python |= set(METHOD_ARGUMENTS)
        params: list[Item] = []
        merge_names: set[str] = set()
        targets: set[tuple[str, str]] = set()
        raw_params = self.parameters(path_item, op, where)
        for raw, ppath in raw_params:
            mapped = self.parameter(raw, ppath, taken_python, targets)
            if isinstance(mapped, str):
                if mapped:
                    comments.append(mapped)
                continue
            if mapped.value.pairs["TargetType"] == "MergeField":
                merge_names.add(mapped.value.pairs["TargetName"])
            params.append(mapped)
        endpoint = route if route.startswith("/") else "/" + route
        endpoint = endpoint.replace(" ", "%20")
        if "#" in endpoint:
            endpoint, fragment = endpoint.split("#", 1)
            comments.append(
                f"The document's path ends in '#{fragment}', which is never "
                "sent (it tells same-path operations apart); left out."
            )
        if "?" in endpoint:
            endpoint, fixed = endpoint.split("?", 1)
            for pair in fixed.split("&"):
                key, _, value = pair.partition("=")
                if not key or ("QueryString", key) in targets:
                    continue
                targets.add(("QueryString", key))
                pairs: dict[str, Any] = {"TargetType": "QueryString", "TargetName": key}
                python = self.python_for(key, taken_python)
                if python != snake_case(key):
                    pairs["PythonName"] = python
                pairs.update({"Values": [value], "Default": value})
                params.append(
                    Item(
                        Flow(pairs),
                        [
                            f"'{key}={value}' is part of the "
                            "document's path: always sent."
                        ],
                    )
                )

        def field_(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in merge_names:
                merge_names.add(name)
                pairs = {"TargetType": "MergeField", "TargetName": name}
                python = self.python_for(name, taken_python)
                if python != snake_case(name):
                    pairs["PythonName"] = python
                params.append(
                    Item(
                        Flow(pairs),
                        [
                            f"'{name}' is in the path but the "
                            "document does not declare it."
                        ],
                    )
                )
            return "{{" + name + "}}"

        endpoint = re.sub(r"\{([^{}]+)\}", field_, endpoint)
        for name in list(merge_names):
            if "{{" + name + "}}" not in endpoint:
                params = [
                    p
                    for p in params
                    if not (
                        p.value.pairs["TargetType"] == "MergeField"
                        and p.value.pairs["TargetName"] == name
                    )
                ]
                comments.append(
                    f"Path parameter '{name}' is not in the path; left out."
                )
        block.add("EndPoint", endpoint)
        allowed = self.auth_methods(op)
        if allowed:
            block.add("AuthMethods", allowed)
        body_format, body_params, body_notes = self.request_body(
            op, where, http, taken_python, targets
        )
        comments.extend(body_notes)
        params.extend(body_params)
        if body_format:
            block.add("RequestFormat", body_format)
        response_format, shape, response_notes, link = self.response(op, where)
        comments.extend(response_notes)
        if response_format != "Json":
            block.add("ResponseFormat", response_format)
        if params:
            block.add("Parameters", params)
        paging = None
        if http == "GET" and response_format == "Json":
            paging, paging_notes = self.paging(params, shape, link)
            comments.extend(paging_notes)
        if paging is not None:
            block.add("Paging", paging[0], *paging[2])
        fields, field_notes = self.response_fields(
            paging[1] if paging else shape, paged=paging is not None
        )
        comments.extend(field_notes)
        if fields:
            block.add("ResponseFields", fields)
        if op.get("callbacks"):
            self.note("callback")
            comments.append(
                "Not mapped: callbacks "
                + ", ".join(sorted(map(str, op["callbacks"])))
                + " (requests the API sends back; nothing to call)."
            )
        self.methods_count = getattr(self, "methods_count", 0) + 1
        return Item(block, comments)

    def parameters(
        self, path_item: dict[str, Any], op: dict[str, Any], where: JsonPath
    ) -> list[tuple[dict[str, Any], JsonPath]]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], JsonPath]] = {}
        for owner, base in ((path_item, where[:2]), (op, where)):
            for i, raw in enumerate(owner.get("parameters") or []):
                ppath = (*base, "parameters", i)
                raw = self.resolve(raw, ppath)
                if not isinstance(raw, dict) or "name" not in raw:
                    continue
                merged[(str(raw["name"]), str(raw.get("in")))] = (raw, ppath)
        return list(merged.values())

    def python_for(self, name: str, taken: set[str]) -> str:
        python = snake_case(name) or "value"
        if python[0].isdigit() or keyword.iskeyword(python):
            python = f"{python}_value" if not python[0].isdigit() else f"p_{python}"
        candidate, n = python, 2
        if candidate in taken:
            candidate = f"{python}_value"
        while candidate in taken:
            candidate, n = f"{python}_{n}", n + 1
        taken.add(candidate)
        return candidate

    def parameter(
        self,
        raw: dict[str, Any],
        ppath: JsonPath,
        taken: set[str],
        targets: set[tuple[str, str]],
    ) -> Item | str:
        name, where = str(raw["name"]), raw.get("in")
        target = {
            "path": "MergeField",
            "query": "QueryString",
            "header": "HttpHeader",
        }.get(str(where))
        if where in ("body", "formData"):
            return ""  # Swagger 2 bodies are read with the request body
        if target is None:
            self.note(f"{where} parameter")
            return (
                f"Not mapped: {where} parameter '{name}' (the language has no "
                f"{where} parameters)."
            )
        if target == "HttpHeader":
            auth_headers = {self.auth_header, *self.auth_headers}
            if name.lower() in MANAGED_HEADERS or name.lower() in auth_headers:
                return (
                    f"Header '{name}' is left to the client (its format or its "
                    "authentication sets it)."
                )
            if not HEADER_NAME.fullmatch(name):
                self.note("header name HTTP cannot carry")
                return f"Not mapped: header {name!r}, not a valid header name."
        if target == "QueryString" and name == self.auth_query:
            return f"Query parameter '{name}' is the API key; the client sends it."
        key = (target, name.lower() if target == "HttpHeader" else name)
        if key in targets:
            return ""
        schema = (
            raw
            if self.swagger
            else self.resolve(raw.get("schema") or {}, (*ppath, "schema"))
        )
        if not isinstance(schema, dict):
            schema = {}
        comments: list[str] = []
        if "content" in raw and not self.swagger:
            self.note("parameter with a content type")
            return f"Not mapped: parameter '{name}' is serialised as a media type."
        mapped = self.data_type(schema)
        required = bool(raw.get("required")) or target == "MergeField"
        if mapped is None:
            kinds = _types(schema)
            items = (
                self.resolve(schema.get("items") or {}, ())
                if isinstance(schema.get("items"), dict)
                else {}
            )
            if (
                kinds
                and kinds[0] == "array"
                and isinstance(items, dict)
                and self.data_type(items)
                and target != "MergeField"
            ):
                self.note("array parameter (sent as one text value)")
                comments.append(
                    f"'{name}' is a list in the document; the language has "
                    "no lists, so it is one text value (several values "
                    "comma-separated if the API accepts that)."
                )
                mapped = ("Text", {})
            else:
                self.note(f"{where} parameter of a style the language lacks")
                explained = (
                    "object"
                    if "object" in kinds
                    else (kinds[0] if kinds else "unknown")
                )
                return f"Not mapped: {where} parameter '{name}' ({explained}); " + (
                    "the method needs it: add it by hand."
                    if required
                    else "it is optional."
                )
        targets.add(key)
        data_type, extra = mapped
        pairs: dict[str, Any] = {"TargetType": target, "TargetName": name}
        python = self.python_for(name, taken)
        if python != snake_case(name):
            pairs["PythonName"] = python
        if data_type != "Text":
            pairs["DataType"] = data_type
        pairs.update(extra)
        secret = bool(SECRET_NAME.search(name))
        self.values_and_default(schema, data_type, pairs, comments, secret=secret)
        if not required and "Default" not in pairs:
            pairs["IsOptional"] = True
        text = _describe(raw) or _describe(schema)
        if text:
            pairs["Description"] = text
        return Item(Flow(pairs), comments)

    # -- request bodies ----------------------------------------------------------------

    def body_schema(
        self, op: dict[str, Any], where: JsonPath
    ) -> tuple[str, dict[str, Any], JsonPath, list[str]] | None:
        """The chosen media type, its schema, where it is, and the other types."""
        if self.swagger:
            params = [
                (self.resolve(p), (*where, "parameters", i))
                for i, p in enumerate(op.get("parameters") or [])
            ]
            body = [
                (p, w)
                for p, w in params
                if isinstance(p, dict) and p.get("in") == "body"
            ]
            form = [
                (p, w)
                for p, w in params
                if isinstance(p, dict) and p.get("in") == "formData"
            ]
            consumes = (
                op.get("consumes") or self.data.get("consumes") or ["application/json"]
            )
            if body:
                raw, w = body[0]
                return (
                    "application/json",
                    self.resolve(raw.get("schema") or {}),
                    (*w, "schema"),
                    [],
                )
            if form:
                multipart = any("multipart" in str(c) for c in consumes) or any(
                    p.get("type") == "file" for p, _ in form
                )
                props = {str(p["name"]): p for p, _ in form if "name" in p}
                required = [str(p["name"]) for p, _ in form if p.get("required")]
                kind = (
                    "multipart/form-data"
                    if multipart
                    else "application/x-www-form-urlencoded"
                )
                schema = {"type": "object", "properties": props, "required": required}
                for prop in props.values():
                    if prop.get("type") == "file":
                        prop["format"] = "binary"
                        prop["type"] = "string"
                return kind, schema, form[0][1], []
            return None
        body = self.resolve(op.get("requestBody"), (*where, "requestBody"))
        if not isinstance(body, dict):
            return None
        content = body.get("content") or {}
        if not isinstance(content, dict) or not content:
            return None
        kinds = list(content)

        def rank(kind: str) -> int:
            k = kind.lower()
            if k.startswith("application/json") or k.endswith("+json") or k == "*/*":
                return 0
            if k.startswith("application/x-www-form-urlencoded"):
                return 1
            if k.startswith("multipart/form-data"):
                return 2
            if k.startswith("text/plain"):
                return 3
            return 9

        chosen = min(kinds, key=rank)
        media = content[chosen] if isinstance(content[chosen], dict) else {}
        path = (*where, "requestBody", "content", chosen, "schema")
        schema = self.resolve(media.get("schema") or {}, path)
        others = [k for k in kinds if k != chosen]
        schema = dict(schema) if isinstance(schema, dict) else {}
        return chosen, schema, path, others

    def request_body(
        self,
        op: dict[str, Any],
        where: JsonPath,
        http: str,
        taken: set[str],
        targets: set[tuple[str, str]],
    ) -> tuple[str, list[Item], list[str]]:
        found = self.body_schema(op, where)
        if found is None:
            return "", [], []
        kind, schema, path, others = found
        notes: list[str] = []
        if others:
            notes.append(
                f"Request body as {kind}; the document also accepts "
                + ", ".join(others)
                + "."
            )
        if http in BODYLESS:
            self.note(f"request body on a {http}")
            notes.append(
                f"Not mapped: the document gives this {http} a request body, "
                "which the language does not send."
            )
            return "", [], notes
        lower = kind.lower()
        if lower.startswith("text/plain"):
            pairs: dict[str, Any] = {
                "TargetType": "Body",
                "TargetName": "body",
                "Description": "The request's text.",
            }
            if "body" in taken:
                pairs["PythonName"] = self.python_for("body", taken)
            else:
                taken.add("body")
            return "PlainText", [Item(Flow(pairs))], notes
        formats = {0: "", 1: "Form", 2: "File"}
        if lower.startswith(("application/x-www-form-urlencoded",)):
            fmt = "Form"
        elif lower.startswith("multipart/form-data"):
            fmt = "File"
        elif (
            lower.startswith("application/json")
            or lower.endswith("+json")
            or lower == "*/*"
        ):
            fmt = ""
        else:
            self.note(f"request body of type {kind}")
            notes.append(
                f"Not mapped: a request body of type {kind}; the language "
                "sends JSON, form, multipart, text or XML it can describe."
            )
            return "", [], notes
        del formats
        schema = self.merged(schema, path)
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            what = (
                "multipart body of unknown shape"
                if fmt == "File"
                else "request body that is not an object of known fields"
            )
            self.note(what)
            kinds = _types(schema)
            notes.append(
                f"Not mapped: a {what}"
                + (f" ({kinds[0]})" if kinds else "")
                + "; the language flattens object bodies into fields: add "
                "Body parameters by hand."
            )
            return "", [], notes
        required = set(schema.get("required") or [])
        items: list[Item] = []
        skipped: list[str] = []
        for prop_name, prop in props.items():
            prop_name = str(prop_name)
            prop = self.merged(prop, (*path, "properties", prop_name))
            if prop.get("readOnly"):
                continue
            mapped = self.data_type(prop, files=fmt == "File")
            if mapped is None or (fmt != "File" and mapped[0] == "File"):
                kinds = _types(prop)
                skipped.append(f"{prop_name} ({kinds[0] if kinds else 'any'})")
                continue
            key = ("Body", prop_name)
            if key in targets:
                continue
            targets.add(key)
            data_type, extra = mapped
            pairs = {"TargetType": "Body", "TargetName": prop_name}
            python = self.python_for(prop_name, taken)
            if python != snake_case(prop_name):
                pairs["PythonName"] = python
            if data_type != "Text":
                pairs["DataType"] = data_type
            pairs.update(extra)
            comments: list[str] = []
            self.values_and_default(
                prop,
                data_type,
                pairs,
                comments,
                secret=bool(SECRET_NAME.search(prop_name)),
            )
            if prop_name not in required and "Default" not in pairs:
                pairs["IsOptional"] = True
            text = _describe(prop)
            if text:
                pairs["Description"] = text
            items.append(Item(Flow(pairs), comments))
        if skipped:
            self.note("nested body field (object or list)")
            notes.append(
                "Not mapped: body fields " + ", ".join(skipped) + ": the "
                "language has no nested or list body fields."
            )
        if not items:
            return "", [], notes
        return fmt, items, notes

    # -- responses ---------------------------------------------------------------------

    def response(
        self, op: dict[str, Any], where: JsonPath
    ) -> tuple[str, dict[str, Any], list[str], bool]:
        responses = op.get("responses") or {}
        if not isinstance(responses, dict):
            return "Json", {}, [], False
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        code = codes[0] if codes else ("default" if "default" in responses else None)
        if code is None:
            return "Json", {}, [], False
        key = (
            code
            if code in responses
            else int(code)
            if code.isdigit() and int(code) in responses
            else code
        )
        raw = self.resolve(responses.get(key), (*where, "responses", code))
        if not isinstance(raw, dict):
            return "Json", {}, [], False
        headers = raw.get("headers") or {}
        link = isinstance(headers, dict) and any(
            str(h).lower() == "link" for h in headers
        )
        if self.swagger:
            produces = (
                op.get("produces") or self.data.get("produces") or ["application/json"]
            )
            kind = next(
                (p for p in produces if "json" in str(p)),
                produces[0] if produces else "application/json",
            )
            schema = self.resolve(raw.get("schema") or {}) if "schema" in raw else {}
            if "schema" not in raw:
                return "Json", {}, [], link
        else:
            content = raw.get("content") or {}
            if not isinstance(content, dict) or not content:
                return "Json", {}, [], link
            kinds = list(content)
            kind = next((k for k in kinds if "json" in k.lower()), kinds[0])
            media = content[kind] if isinstance(content[kind], dict) else {}
            schema = self.resolve(
                media.get("schema") or {},
                (*where, "responses", code, "content", kind, "schema"),
            )
        lower = str(kind).lower()
        schema = schema if isinstance(schema, dict) else {}
        if "json" in lower or lower == "*/*":
            return "Json", schema, [], link
        if lower.startswith("text/") and "xml" not in lower:
            return "PlainText", {}, [], link
        if "xml" in lower:
            return "Xml", {}, [], link
        return "File", {}, [], link

    def response_fields(
        self, schema: dict[str, Any], *, paged: bool
    ) -> tuple[list[Flow], list[str]]:
        schema = self.merged(schema, ())
        if not paged and "object" not in _types(schema) and "properties" not in schema:
            return [], []
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            return [], []
        required = set(schema.get("required") or [])
        fields: list[Flow] = []
        left = 0
        for name, prop in props.items():
            prop = self.merged(prop, ())
            mapped = self.data_type(prop)
            if mapped is None:
                left += 1
                continue
            pairs: dict[str, Any] = {"Name": str(name)}
            if mapped[0] not in ("Text", "DateTime"):
                pairs["DataType"] = mapped[0] if mapped[0] != "File" else "Text"
            elif mapped[0] == "DateTime":
                pairs["DataType"] = "DateTime"
            if (
                name not in required
                or prop.get("nullable")
                or "null" in (prop.get("type") or [])
            ):
                pairs["IsOptional"] = True
            fields.append(Flow(pairs))
        notes = []
        if fields and left:
            notes.append(
                f"ResponseFields: {left} object or list field(s) of the "
                "response are not listed (the language lists scalar fields)."
            )
        return fields, notes

    # -- paging ------------------------------------------------------------------------

    def paging(
        self, params: list[Item], shape: dict[str, Any], link: bool
    ) -> tuple[tuple[Block, dict[str, Any], list[str]] | None, list[str]]:
        query = {
            p.value.pairs["TargetName"]: p.value.pairs
            for p in params
            if p.value.pairs["TargetType"] == "QueryString"
        }
        names = set(query)
        page = next((n for n in PAGE_NAMES if n in names), None)
        offset = next((n for n in OFFSET_NAMES if n in names), None)
        size = next((n for n in SIZE_NAMES if n in names), None)
        cursor = next((n for n in CURSOR_PARAMS if n in names), None)
        shape = self.merged(shape, ())
        by_parameter = bool(page or offset or cursor or link)
        if not by_parameter and not self.field_path(shape, NEXT_URL_FIELDS, links=True):
            return None, []
        items_path: str | None = None
        item_schema: dict[str, Any] = {}
        if "array" in _types(shape):
            items_path = ""
            item_schema = self.merged(shape.get("items") or {}, ())
        else:
            arrays = {}
            for name, prop in (shape.get("properties") or {}).items():
                prop = self.merged(prop, ())
                if "array" in _types(prop) and "." not in str(name):
                    arrays[str(name)] = prop
            pick = next((n for n in ITEM_FIELDS if n in arrays), None)
            if pick is None and len(arrays) == 1:
                pick = next(iter(arrays))
            if pick is not None:
                items_path = pick
                item_schema = self.merged(arrays[pick].get("items") or {}, ())
        if items_path is None and not by_parameter:
            return None, []
        if items_path is None:
            self.note("paging parameters without a list of items to page")
            return None, [
                "TODO: paging parameters, but no list of items in the response "
                "the importer can point ItemsPath at: add Paging by hand."
            ]
        block = Block()
        used = ""
        if link:
            block.add("Style", "LinkHeader")
            used = "the Link header of the response"
        elif cursor and (path := self.field_path(shape, CURSOR_FIELDS)):
            block.add("Style", "Cursor").add("CursorPath", path).add(
                "CursorParameter", cursor
            )
            used = f"the '{cursor}' parameter and the response's '{path}'"
        elif path := self.field_path(shape, NEXT_URL_FIELDS, links=True):
            block.add("Style", "NextUrl").add("NextUrlPath", path)
            used = f"the response's '{path}'"
        elif page:
            block.add("Style", "PageNumber").add("PageParameter", page)
            first = query[page].get("Default")
            if (
                isinstance(first, int)
                and not isinstance(first, bool)
                and first in (0, 1)
                and first != 1
            ):
                block.add("FirstPage", first)
            used = f"the '{page}' parameter"
        elif offset:
            block.add("Style", "Offset").add("OffsetParameter", offset)
            used = f"the '{offset}' parameter"
        else:
            self.note("paging the importer cannot recognise")
            return None, [
                f"TODO: the '{cursor}' parameter looks like paging, but the "
                "response has no field the next cursor is read from."
            ]
        if items_path:
            block.add("ItemsPath", items_path)
        style = block.entries[0].value
        for key in ("PageParameter", "OffsetParameter", "CursorParameter"):
            for entry in block.entries:
                if entry.key == key:
                    query[entry.value].pop("Default", None)
                    query[entry.value]["IsOptional"] = True
        if size and size != cursor and size not in (page, offset):
            limit = self.page_size(query[size])
            if limit:
                block.add("PageSize", limit).add("SizeParameter", size)
        notes = [f"Paging ({style}) recognised from {used}; check it against the API."]
        return (block, item_schema, notes), []

    def page_size(self, pairs: dict[str, Any]) -> int | None:
        # The parameter's schema is gone by now; its Default (the API's own page
        # size) is the size that is sure to be accepted.
        value = pairs.get("Default")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        return None

    def field_path(
        self, shape: dict[str, Any], names: tuple[str, ...], *, links: bool = False
    ) -> str | None:
        props = shape.get("properties") or {}
        for name in names:
            if (
                name in props
                and self.data_type(self.merged(props[name], ())) is not None
            ):
                return name
        for container in (
            "meta",
            "pagination",
            "paging",
            "links",
            "_links",
            "response_metadata",
            "page_info",
            "pageInfo",
        ):
            if container in props:
                inner = self.merged(props[container], ()).get("properties") or {}
                for name in names:
                    if name in inner:
                        sub = self.merged(inner[name], ())
                        if self.data_type(sub) is not None:
                            return f"{container}.{name}"
                        if links and "href" in (sub.get("properties") or {}):
                            return f"{container}.{name}.href"
        return None


def convert(
    document: Document,
    *,
    name: str | None = None,
    tags: list[str] | None = None,
    operations: list[str] | None = None,
) -> Conversion:
    """Map ``document`` to a connector spec."""
    return Converter(
        document, name=name, tags=tags or [], operations=operations or []
    ).convert()


# Kinds a client keeps state for: a list of authentication methods holds one.
_STATEFUL = frozenset({"OAuth1", "OAuth2", "Session", "Jwt"})


def _listable(
    candidates: list[tuple[int, str, Block, list[str]]],
) -> list[tuple[int, str, Block, list[str]]]:
    """The candidates (best first) that one list of authentication methods can hold
    (compiler/auth_methods.py): one of each AuthType, one stateful, no query key."""
    kept: list[tuple[int, str, Block, list[str]]] = []
    kinds: set[str] = set()
    for candidate in candidates:
        block = candidate[2]
        kind = str(block.entries[0].value)
        if kind in kinds or any(e.key == "QueryParameter" for e in block.entries):
            continue
        if kind in _STATEFUL and kinds & _STATEFUL:
            continue
        kinds.add(kind)
        kept.append(candidate)
    return kept


def _entry_name(scheme: str, kind: str, taken: dict[str, str]) -> str:
    """A lower_snake entry Name from a security scheme's name, unique."""
    name = snake_case(scheme.replace("OAuth", "Oauth"))  # oauth2, not o_auth2
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        name = kind.lower()
    base, n = name, 2
    while name in taken.values():
        name, n = f"{base}_{n}", n + 1
    return name
