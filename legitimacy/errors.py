"""Errors. A user's mistake is a value with a file, a line and a field, not a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any


class ProblemCode(str, Enum):
    """Reason codes, so tools and tests can match a problem without parsing its message."""

    missing_file = "missing-file"
    yaml_syntax = "yaml-syntax"
    duplicate_key = "duplicate-key"
    invalid_value = "invalid-value"
    unknown_field = "unknown-field"
    missing_field = "missing-field"
    duplicate_id = "duplicate-id"
    unknown_criterion = "unknown-criterion"
    unknown_source = "unknown-source"
    unknown_framework = "unknown-framework"
    include_cycle = "include-cycle"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as the YAML allows."""

    file: str
    line: int | None
    field: str
    message: str
    code: ProblemCode = ProblemCode.invalid_value

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def known_ids(ids: Iterable[str], limit: int = 8) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > limit else "")


def near_ids(ref: str, ids: Iterable[str], sep: str = "_") -> list[str]:
    """Ids sharing the unknown id's prefix, to suggest the likely intended one."""
    ids = list(ids)
    prefix = ref.split(sep)[0] + sep
    close = [i for i in ids if i.startswith(prefix)]
    return close or ids


def describe(err: dict[str, Any], missing: str = "required field is missing") -> tuple[str, ProblemCode]:
    """A pydantic error in plain words, the same for a YAML field and a spreadsheet cell."""
    loc = [p for p in err["loc"] if p != "[key]"]
    kind, message = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return missing, ProblemCode.missing_field
    if kind == "extra_forbidden":
        return "unknown field (check its spelling)", ProblemCode.unknown_field
    if kind in {"less_than_equal", "greater_than_equal"} and ("level" in loc or "rubric" in loc):
        message = f"level {err['input']} is outside the rubric (levels 0 to 4)"
    return message, ProblemCode.invalid_value


class LegitimacyError(Exception):
    """Base of every error this package raises on purpose."""


class FormatError(LegitimacyError):
    """Raised when one or more input files are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CriteriaError(FormatError):
    """Raised when a framework file (criteria) is invalid."""


class EvidenceError(FormatError):
    """Raised when a dossier file (vote, sources, evidence) is invalid."""


class NotFoundError(LegitimacyError):
    """Raised when a framework or dossier id names nothing bundled and no such file exists."""


class RenderError(LegitimacyError):
    """Raised when a report cannot be rendered (e.g. the Pango library WeasyPrint needs is missing)."""
