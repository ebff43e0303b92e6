"""gzip for the portal's own text answers (pages, feeds, CSV, JSON).

Static files come compressed already: whitenoise serves the brotli (``.br``) or gzip copy that
``collectstatic`` wrote, and answers before this middleware. Photos, PDFs and spreadsheets are
compressed formats, so only text is compressed here.

Why gzip and not brotli for pages (BREACH): a page can hold a secret (the CSRF token, a
person's own details) next to text an attacker may choose (a search query). Django's
GZipMiddleware adds up to 100 random bytes to each answer ("Heal the Breach"), and the CSRF
token in a form is masked anew for every answer; a brotli middleware has neither. A page of
about 20 KB is some 4.5 KB in gzip and a few hundred bytes less in brotli: not worth the risk.
"""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/csv",
        "text/css",
        "text/javascript",
        "text/calendar",
        "text/xml",
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/manifest+json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "image/svg+xml",
    }
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding) for text types only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)
