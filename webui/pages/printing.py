"""HTML to PDF with WeasyPrint, for the minutes and the written reply; fonts are Debian's Noto CJK."""


def pdf(html: str) -> bytes:
    """Render an HTML page (with its own print styles) to PDF bytes."""
    from weasyprint import HTML  # imported on first print: it loads Pango, which takes a while

    return HTML(string=html).write_pdf()
