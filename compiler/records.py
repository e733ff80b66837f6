"""Value classes: dataclasses frozen to the type checker, plain ones at run time.

``@record()`` is ``@dataclass(frozen=True)`` as mypy sees it (``dataclass_transform``
with ``frozen_default``): assigning to a field of a record is a type error, and the
type check is part of ``make test``. At run time the class is a plain dataclass,
hashed by its fields as a frozen one is (``unsafe_hash`` when it compares by value),
without the generated ``__setattr__``/``__delattr__`` or the ``object.__setattr__``
calls in ``__init__`` that make a frozen one: those were ~0.25 ms a class to create,
~12 ms of a one-spec ``connectorc generate`` of ~170 (issue 12), for no check mypy
does not already make.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

__all__ = ["record"]

_Class = TypeVar("_Class")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    *, eq: bool = True, order: bool = False
) -> Callable[[type[_Class]], type[_Class]]:
    """A decorator making a record class; ``eq=False`` compares (and hashes) by
    identity, ``order=True`` adds the comparisons, as for ``dataclass``."""
    return dataclass(eq=eq, order=order, unsafe_hash=eq)
