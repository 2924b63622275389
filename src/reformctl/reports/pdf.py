"""The report as PDF: the same HTML page, laid out by WeasyPrint with a lean print stylesheet."""

from __future__ import annotations

from reformctl.errors import ReformError
from reformctl.reports.html import render_html

# What WeasyPrint needs from the system on Debian and Ubuntu (Pango for text layout, fonts).
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"


class MissingPdfSupport(ReformError):
    """WeasyPrint or the system libraries it loads are not installed."""


def _weasyprint():
    try:
        import weasyprint
    except ImportError:
        raise MissingPdfSupport("PDF output needs WeasyPrint; install it with `pip install weasyprint`") from None
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


def render_pdf(report: dict) -> bytes:
    weasyprint = _weasyprint()
    html = weasyprint.HTML(string=render_html(report, medium="pdf"), url_fetcher=_no_fetching)
    return html.write_pdf()
