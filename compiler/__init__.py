"""connectorc: compile declarative connector specs into standalone Python clients.

The package mirrors the pipeline, a module a stage: ``load`` -> ``validate`` ->
``model`` -> ``render`` -> ``write``; ``pipeline`` joins them and ``cli`` drives them.
"""

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
