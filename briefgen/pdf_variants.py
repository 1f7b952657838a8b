"""The PDF variants briefgen offers (kept apart from pdf.py so the CLI can check them without WeasyPrint)."""

DEFAULT_VARIANT = "pdf/ua-1"
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "none")
