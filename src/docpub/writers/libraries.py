"""WeasyPrint's C libraries (Pango, HarfBuzz, fontconfig ...), opened by their sonames.

Importing this module imports ``weasyprint.text.ffi``, which opens them. WeasyPrint tries a
list of names for each library, and cffi hands every name it cannot open as a file to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then the C compiler and
the linker to look for it: about 200 programs started for one import, 0.3 s of a 0.9 s import
(the first names on each list are other systems' names). Each list also holds the library's
soname (``libpango-1.0.so.0``), which the dynamic loader opens by itself, so while this module
imports WeasyPrint, ``find_library`` finds nothing and only the names as given are tried.

Where that opens every library, WeasyPrint is imported and nothing else happens. Where it does
not (a system whose libraries have other sonames), the import is made again as WeasyPrint does
it, so the libraries are found as before, and WeasyPrint's own message and error appear when
they are not found at all. The PDF writers import this module before any WeasyPrint module.

Two fontTools modules that WeasyPrint imports are loaded only when first used: its font
subsetter (``fontTools.subset``; docpub's PDFs are subset with HarfBuzz, ``writers/subset.py``)
and its variable-font instancer (``fontTools.varLib.instancer``; only variable fonts need it).
Together they are about 110 modules and 0.17 s of the import, paid before a build's workers
start; a build whose fonts need neither never loads them. Each is a stand-in module until an
attribute is asked of it, when the real module is imported in its place.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys
import types
from typing import Any

MODULE = "weasyprint.text.ffi"

# Module -> the functions WeasyPrint imports from it by name (``from m import f``): these the
# stand-in holds itself, as functions that load the module when called.
DEFERRED: dict[str, tuple[str, ...]] = {
    "fontTools.subset": (),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}


def _not_searched(name: str) -> None:
    del name
    return None


def defer(name: str, functions: tuple[str, ...] = ()) -> None:
    """Put a stand-in for the module ``name`` in ``sys.modules`` (unless it is imported
    already): the module itself is imported at the first attribute asked of the stand-in, or
    the first call of one of ``functions``."""
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name, f"{name}, imported when first used (docpub.writers.libraries)")

    loaded: list[types.ModuleType] = []

    def real() -> types.ModuleType:
        if not loaded:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            loaded.append(importlib.import_module(name))
            # Names bound to the stand-in (``from fontTools import subset``) now find the
            # module's own attributes on it.
            stand_in.__dict__.update({k: v for k, v in vars(loaded[0]).items() if not k.startswith("__")})
        return loaded[0]

    def __getattr__(attr: str) -> Any:
        if attr.startswith("__"):  # asked by the import system itself (``__path__``, ``__file__``)
            raise AttributeError(attr)
        return getattr(real(), attr)

    def forward(function: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(real(), function)(*args, **kwargs)
        call.__name__ = call.__qualname__ = function
        return call

    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    for function in functions:
        setattr(stand_in, function, forward(function))
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:  # ``import fontTools.subset`` then ``fontTools.subset.X``
        setattr(sys.modules[parent], child, stand_in)


def import_weasyprint() -> None:
    """Import WeasyPrint's C bindings, opening the libraries by name first, with the fontTools
    modules it may not need deferred (see the module)."""
    if MODULE in sys.modules:
        return
    importlib.import_module("fontTools")  # the package (a few modules): ``fontTools.subset`` is set on it
    for name, functions in DEFERRED.items():
        defer(name, functions)
    if sys.platform.startswith("linux"):
        search = ctypes.util.find_library
        ctypes.util.find_library = _not_searched
        try:
            # WeasyPrint prints advice before it fails; it belongs to the import made below.
            with contextlib.redirect_stdout(io.StringIO()):
                importlib.import_module(MODULE)
            return
        except OSError:
            for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[name]  # half-made: made again below, with the library search
        finally:
            ctypes.util.find_library = search
    importlib.import_module(MODULE)


import_weasyprint()
