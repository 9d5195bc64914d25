"""writers/libraries.py: WeasyPrint's C libraries opened by soname, and WeasyPrint's own search
when that fails. Each case runs in a fresh interpreter: the import happens once per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the soname path is Linux's")

# Renders a one-line PDF with docpub's PDF writer imported, and reports on stdout what the
# import did: programs started, find_library put back, the PDF's first bytes.
PROBE = """
import ctypes.util, io, subprocess, sys
started = []
real_popen = subprocess.Popen.__init__
def popen(self, args, *a, **k):
    started.append(args[0] if isinstance(args, (list, tuple)) else args)
    return real_popen(self, args, *a, **k)
subprocess.Popen.__init__ = popen
search = ctypes.util.find_library
{setup}
out = io.StringIO()
real_stdout, sys.stdout = sys.stdout, out
import docpub.writers.pdf
from weasyprint import HTML
sys.stdout = real_stdout
pdf = HTML(string="<p style='font-family: \\"Noto Serif CJK SC\\"'>安全理事会 S/2020/1</p>").write_pdf()
print("printed:", repr(out.getvalue()))
print("programs:", len(started))
print("restored:", ctypes.util.find_library is search)
print("pdf:", pdf[:5])
{report}
"""


def probe(setup: str = "", report: str = "") -> dict[str, str]:
    code = PROBE.format(setup=textwrap.dedent(setup), report=textwrap.dedent(report))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return dict(line.split(": ", 1) for line in done.stdout.splitlines())


def test_weasyprint_is_imported_without_searching_for_its_libraries() -> None:
    seen = probe()
    # ldconfig, the C compiler and the linker ran about 200 times for one import before.
    assert seen["programs"] == "0"
    assert seen["restored"] == "True"
    assert seen["printed"] == "''"
    assert seen["pdf"] == "b'%PDF-'"


def test_a_library_without_the_listed_soname_is_found_by_weasyprints_own_search() -> None:
    # A system where Pango's soname is not one of WeasyPrint's names: opening it by name fails,
    # so docpub makes the import again with the library search, which finds it ("pango-1.0").
    seen = probe(
        setup="""
        import cffi
        real_dlopen = cffi.FFI.dlopen
        refused = []
        def dlopen(self, name, flags=0):
            if name == "libpango-1.0.so.0":
                refused.append(name)
                raise OSError("no such soname here")
            return real_dlopen(self, name, flags)
        cffi.FFI.dlopen = dlopen
        """,
        report="""
        print("refused:", len(refused))
        import weasyprint.text.ffi as ffi
        print("pango:", type(ffi.pango).__name__)
        """)
    # Refused once, by soname; the search then finds it by an earlier name ("pango-1.0").
    assert seen["refused"] == "1"
    assert seen["programs"] != "0"  # that search runs ldconfig
    assert seen["printed"] == "''"  # WeasyPrint's advice is printed only when it fails for good
    assert seen["restored"] == "True"
    assert seen["pdf"] == "b'%PDF-'"


def test_a_pdf_is_written_without_loading_fonttools_subsetter_or_instancer() -> None:
    # docpub's PDFs are subset with HarfBuzz and use no variable font: the two fontTools modules
    # WeasyPrint imports for those (about 110 modules, 0.17 s before a build's workers start)
    # stay unloaded through the import and the writing of a PDF with Chinese text.
    seen = probe(report="""
        print("subsetter:", getattr(sys.modules["fontTools.subset"], "__file__", None) is not None)
        print("instancer:", getattr(sys.modules["fontTools.varLib.instancer"], "__file__", None) is not None)
        print("otTables:", "fontTools.ttLib.tables.otTables" in sys.modules)
        """)
    assert seen["pdf"] == "b'%PDF-'"
    assert (seen["subsetter"], seen["instancer"], seen["otTables"]) == ("False", "False", "False")


def test_the_deferred_fonttools_modules_load_when_weasyprint_uses_them() -> None:
    # WeasyPrint's own subsetting (where HarfBuzz's subsetter is missing) goes through
    # fontTools.subset, and a variable font through the instancer: both work as if imported.
    seen = probe(report="""
        import weasyprint.pdf.fonts as fonts
        from fontTools.ttLib import TTFont
        fonts.harfbuzz_subset = None  # as on a system without libharfbuzz-subset
        pdf = HTML(string="<p style='font-family: \\"Noto Serif CJK SC\\"'>安全理事会</p>").write_pdf()
        import io, pypdf
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        font = next(iter(page["/Resources"]["/Font"].values())).get_object()
        program = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile3"].get_object()
        print("fonttools pdf:", pdf[:5], len(program.get_data()) < 2_000_000)  # the face alone is ~20 MB
        print("subset by fontTools:", getattr(sys.modules["fontTools.subset"], "__file__", None) is not None)
        import fontTools.subset
        print("same:", fontTools.subset is sys.modules["fontTools.subset"],
              fontTools.subset.Options is fonts.subset.Options)
        try:
            fonts.instantiateVariableFont(TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), {"wght": 400})
        except ValueError as exc:  # the instancer's own answer for a font that is not variable
            print("instancer:", exc)
        """)
    assert seen["fonttools pdf"] == "b'%PDF-' True"
    assert seen["subset by fontTools"] == "True"
    assert seen["same"] == "True True"
    assert "fvar" in seen["instancer"]
