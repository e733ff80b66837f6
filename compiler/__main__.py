"""``python -m connectorc`` (``python -m compiler`` in the repository) runs the command
line, as ``connectorc`` does."""

from .cli import main

raise SystemExit(main())
