"""``python -m compiler`` runs the command line, as ``connectorc`` does."""

from .cli import main

raise SystemExit(main())
