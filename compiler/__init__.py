"""connectorc: compile declarative connector specs into standalone Python clients.

The package mirrors the pipeline, a module a stage: ``load`` -> ``validate`` ->
``model`` -> ``render`` -> ``write``; ``pipeline`` joins them and ``cli`` drives them.

The names below load on first use (PEP 562), so ``python -m connectorc`` and the
``connectorc`` command can tune the garbage collector before the compiler's imports
run (see ``__main__``); ``from connectorc import compile_spec`` works as ever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, SpecError
    from .pipeline import VERSION as __version__
    from .pipeline import CompileResult, compile_spec, generate, validate_spec

__all__ = [
    "CompileResult",
    "Diagnostic",
    "SpecError",
    "__version__",
    "compile_spec",
    "generate",
    "validate_spec",
]

_HOMES = {
    "Diagnostic": ("diagnostics", "Diagnostic"),
    "SpecError": ("diagnostics", "SpecError"),
    "__version__": ("pipeline", "VERSION"),
    "CompileResult": ("pipeline", "CompileResult"),
    "compile_spec": ("pipeline", "compile_spec"),
    "generate": ("pipeline", "generate"),
    "validate_spec": ("pipeline", "validate_spec"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home[0]}", __name__), home[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
