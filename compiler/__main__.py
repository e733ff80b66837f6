"""``python -m connectorc`` (``python -m compiler`` in the repository) runs the command
line; the ``connectorc`` command calls ``main`` here too."""

from __future__ import annotations

import gc


def main() -> int:
    """Run the command line, its garbage collection tuned for a short process."""
    # A run allocates hundreds of thousands of objects that live to its end (the
    # imported modules, the parsed specs, the model) and almost no cycles, so at
    # CPython's default threshold (700) the collector ran ~50 times a one-spec run
    # and found nothing to free: ~6 ms of ~170 (issue 12). mypy tunes its own for
    # the same reason. Set before the compiler's own imports, which are most of
    # those objects; a library user's process is left alone.
    gc.set_threshold(100_000, 50, 100)
    from .cli import main as run

    return run(exit_fast=True)


if __name__ == "__main__":
    raise SystemExit(main())
