"""Where briefgen's default templates are (kept apart so that light commands such as `new` need nothing else)."""

from pathlib import Path


def _templates_dir() -> Path:
    """Inside the package when installed from a wheel (pyproject.toml puts them there), else `templates/` at
    the top of the source tree (a checkout or an editable install)."""
    package = Path(__file__).resolve().parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


TEMPLATES_DIR = _templates_dir()
