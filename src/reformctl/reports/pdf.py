"""The report as PDF. The default report is laid out by Typst (reports/typst_pdf.py); a team's own
HTML template (`report --template`, reports/custom.py) is an HTML page with its own CSS (the
exported report-pdf.css among it), so WeasyPrint lays that one out."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

from reformctl.errors import ReformError

# What WeasyPrint needs from the system on Debian and Ubuntu (Pango for text layout, fonts).
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
# Fonts for every script (CJK, Arabic, Hebrew, emoji): .ci/system-packages installs them too; without
# them the PDF still prints, with empty boxes for the scripts no installed font covers.


class MissingPdfSupport(ReformError):
    """A PDF engine is not installed: typst, or WeasyPrint or the system libraries it loads."""


@contextmanager
def _loading_by_soname():
    # WeasyPrint tries several names for each library (libpango-1.0-0, pango-1.0, ...,
    # libpango-1.0.so.0). On Linux cffi hands every name it cannot dlopen directly to
    # ctypes.util.find_library, which runs ldconfig, gcc and ld: dozens of processes and a
    # noticeable pause, before the soname later in the list loads at once. While
    # WeasyPrint loads, those failing searches are skipped; dlopen still finds the sonames.
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _import_weasyprint():
    if sys.platform == "linux" and "weasyprint" not in sys.modules:
        loaded = set(sys.modules)
        try:
            with _loading_by_soname():
                import weasyprint
            return weasyprint
        except OSError:
            # Somewhere only the full search finds the libraries: forget this attempt's
            # half-imported modules, then import again with the search.
            for name in set(sys.modules) - loaded:
                del sys.modules[name]
    import weasyprint

    return weasyprint


def _weasyprint():
    try:
        weasyprint = _import_weasyprint()
    except ImportError:
        raise MissingPdfSupport(
            "PDF output needs WeasyPrint; install it with `pip install weasyprint`"
        ) from None
    except OSError as exc:  # WeasyPrint loads Pango with ctypes when it is imported
        detail = str(exc).split(":")[0]
        raise MissingPdfSupport(
            f"PDF output needs the Pango text libraries, which could not be loaded ({detail}); "
            f"install them with `sudo apt-get install {SYSTEM_PACKAGES}` (Debian, Ubuntu)"
        ) from None
    return weasyprint


def _no_fetching(url: str, *args, **kwargs):
    # The page is self-contained; a report must never reach out to the network while printing.
    raise ValueError(f"reformctl does not fetch {url} while making a PDF")


@contextmanager
def _fewer_collections():
    # Laying out a long report allocates millions of small objects, and the cyclic garbage
    # collector's full passes kept walking every module and object already loaded: about a
    # tenth of the time. Those are frozen out of its reach and it runs less often; it still
    # runs, so memory stays bounded.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def render_pdf(report: dict, html: str | None = None) -> bytes:
    """REPORT as PDF: the default report laid out by Typst, or HTML (a team's template) by WeasyPrint."""
    if html is None:
        from reformctl.reports.typst_pdf import render_typst_pdf

        return render_typst_pdf(report)
    with _fewer_collections():
        weasyprint = _weasyprint()
        html = weasyprint.HTML(string=html, url_fetcher=_no_fetching)
        # PDF/UA-1: tagged (headings, lists, tables, links as structure), the language and title
        # set and shown, for Section 508; the outline (bookmarks) comes from h2 and h3.
        return html.write_pdf(pdf_variant="pdf/ua-1")
