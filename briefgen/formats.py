"""The output formats and PDF variants briefgen offers: constants the CLI checks without importing the
pipeline (and so without Pydantic, Jinja or WeasyPrint)."""

FORMATS = ("md", "html", "pdf")
DEFAULT_VARIANT = "pdf/ua-1"
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "none")
