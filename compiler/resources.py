"""Where the compiler's data lives: its Jinja templates and the connector schema.

An installed wheel carries them inside the package (``connectorc/_templates``,
``connectorc/_schemas``; pyproject.toml maps the repository's top-level ``templates/``
and ``schemas/`` there). A source checkout, or an editable install, has them at the top
of the repository. The packaged copy wins when it is there.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["SCHEMA_PATH", "TEMPLATES_PATH", "resource_folder"]

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def resource_folder(name: str) -> Path:
    """The folder of data ``name`` (``templates`` or ``schemas``) as a real path."""
    # The package is `compiler` in the repository and `connectorc` once installed.
    packaged = files(__package__ or "compiler").joinpath(f"_{name}")
    if packaged.is_dir():
        # A wheel installs as plain files, so the context manager hands back the
        # folder itself; nothing is extracted or cleaned up.
        with as_file(packaged) as folder:
            return Path(folder)
    return _SOURCE_ROOT / name


TEMPLATES_PATH = resource_folder("templates")
SCHEMA_PATH = resource_folder("schemas") / "connector.schema.json"
