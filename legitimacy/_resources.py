"""Where the bundled criteria, dossiers and report templates are, installed or in a checkout."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Directory of bundled data ``name`` ('criteria', 'evidence' or 'reports').

    An installed wheel carries them under ``legitimacy/_data``; a source checkout has them at the
    repository's top level, next to the package.
    """
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled {name!r} directory not found next to {_PACKAGE}")


def font_dir() -> Path | None:
    """DejaVu fonts shipped by matplotlib (a dependency): Latin and Cyrillic on every machine.

    Located without importing matplotlib, which would cost start-up time.
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return path if (path / "DejaVuSans.ttf").is_file() else None
