"""Importing a module while some of the modules it imports are stood in for until first use.

A module often imports others for helpers that a command line never calls: keyring's jaraco
helpers bring an HTTP client, subprocess and tempfile; ``dataclasses`` brings ``inspect`` (with
``ast``, ``dis`` and ``tokenize``: ~6 ms) for the one case of a dataclass without a docstring.
While such a module loads, each named module is replaced in ``sys.modules`` by a stand-in that
imports the real one the first time anything is read from it, so nothing breaks if it is used
after all; once the module has loaded, later imports get the real modules as usual.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterable
from typing import Any


class Deferred(types.ModuleType):
    """Stands in for a module until something reads from it; then imports it and forwards."""

    def __getattr__(self, attr: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, attr)


def import_deferring(
    name: str, deferred: Iterable[str], extra: Iterable[Deferred] = ()
) -> types.ModuleType:
    """Import ``name`` with each module in ``deferred`` that is not loaded yet (and each of
    ``extra``'s stand-ins) stood in for while it loads."""
    if name in sys.modules:
        return sys.modules[name]
    installed: list[Deferred] = []
    for stand_in in extra:
        if stand_in.__name__ not in sys.modules:
            sys.modules[stand_in.__name__] = stand_in
            installed.append(stand_in)
    for module in deferred:
        if module in sys.modules:
            continue
        parent, _, child = module.rpartition(".")
        try:
            package = importlib.import_module(parent) if parent else None
        except ImportError:
            continue
        stand_in = Deferred(module)
        sys.modules[module] = stand_in
        if package is not None:
            setattr(package, child, stand_in)  # what `import a.b` would have bound
        installed.append(stand_in)
    try:
        return importlib.import_module(name)
    finally:
        for stand_in in installed:  # later imports get the real module
            if sys.modules.get(stand_in.__name__) is stand_in:
                del sys.modules[stand_in.__name__]
