"""briefgen: structured briefing documents from YAML to Markdown, HTML and PDF."""

__version__ = "0.1.0"
