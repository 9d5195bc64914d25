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
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys

MODULE = "weasyprint.text.ffi"


def _not_searched(name: str) -> None:
    del name
    return None


def import_weasyprint() -> None:
    """Import WeasyPrint's C bindings, opening the libraries by name first (see the module)."""
    if MODULE in sys.modules:
        return
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
