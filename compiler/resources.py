"""Where the compiler's data lives: its Jinja templates and the connector schema.

An installed wheel carries them inside the package (``connectorc/_templates``,
``connectorc/_schemas``; pyproject.toml maps the repository's top-level ``templates/``
and ``schemas/`` there). A source checkout, or an editable install, has them at the top
of the repository. The packaged copy wins when it is there.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SCHEMA_PATH", "TEMPLATES_PATH", "resource_folder"]

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parent


def resource_folder(name: str) -> Path:
    """The folder of data ``name`` (``templates`` or ``schemas``) as a real path."""
    # A wheel installs as plain files beside this module (Jinja and the schema read
    # need real paths in any case), so the folder is found without
    # importlib.resources, whose import was 3-4 ms of every run (issue 12).
    packaged = _PACKAGE / f"_{name}"
    if packaged.is_dir():
        return packaged
    return _SOURCE_ROOT / name


TEMPLATES_PATH = resource_folder("templates")
SCHEMA_PATH = resource_folder("schemas") / "connector.schema.json"
