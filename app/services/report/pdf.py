"""The report as a tagged PDF (PDF/UA-1), made by WeasyPrint from the HTML page."""

from __future__ import annotations

from collections.abc import Mapping

from app.services.report.data import ReportData
from app.services.report.html import render_html


def render_pdf(data: ReportData, *, charts: Mapping[str, bytes] | None = None) -> bytes:
    """WeasyPrint from the HTML: a tagged PDF, for readers of published committee papers who use assistive tools."""
    return pdf_from_html(render_html(data, charts=charts))


def pdf_from_html(page: str) -> bytes:
    """Only data: URIs may be fetched, so rendering a report can never reach the network or the disk."""
    # WeasyPrint pulls in Pango through cffi: loaded when a PDF is made, not at start-up.
    from weasyprint import HTML  # noqa: PLC0415
    from weasyprint.urls import URLFetcher  # noqa: PLC0415

    # PDF/UA-1: tagged, with the title, author and language from the page's <title>, <meta> and lang.
    pdf: bytes = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
