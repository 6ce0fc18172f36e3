"""Spreadsheet stage: dossiers to and from Excel workbooks and CSV files.

Observers keep evidence in spreadsheets; this module turns such tables into a validated ``Dossier``
(and a dossier into a workbook or YAML). A workbook and a set of CSV files are read the same way:
each sheet or file becomes a ``_Table`` of text cells, and one function turns tables into models.
Problems are reported like ``load``'s, with the row as the line and the cell as the field::

    evidence.xlsx:12: Evidence!E (level): level 7 is outside the rubric (levels 0 to 4)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from ._atomic import write_atomic
from .errors import EvidenceError, Problem, ProblemCode, describe, known_ids, near_ids
from .load import source_registry_for, with_registry_sources
from .models import (
    LEVELS,
    ClaimedResult,
    Confidence,
    Dossier,
    EvidenceRecord,
    Framework,
    Gap,
    Reliability,
    Source,
    SourceKind,
    Vote,
)

__all__ = ["read_csv", "read_workbook", "write_dossier_yaml", "write_workbook"]

VOTE_SHEET = "Vote"
LISTS_SHEET = "Lists"
_VOTE_FIELDS = tuple(f for f in Vote.model_fields if f != "claimed_results")
_MAX_ROW = 1_048_576  # last row of an Excel sheet: drop-downs cover every row a user may add


@dataclass(frozen=True)
class _Sheet:
    """A sheet (or CSV file) of one row per model; its columns are the model's field names."""

    name: str
    model: type[BaseModel]
    required: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)


CLAIMS = _Sheet("Claimed results", ClaimedResult, required=False)
SOURCES = _Sheet("Sources", Source, required=True)
EVIDENCE = _Sheet("Evidence", EvidenceRecord, required=True)
GAPS = _Sheet("Gaps", Gap, required=False)
_SHEETS = (CLAIMS, SOURCES, EVIDENCE, GAPS)

# Lists sheet: one column per drop-down list, the header in row 1.
_LISTS = ("criteria", "level", "confidence", "kind", "reliability", "sources")
# (sheet, column) -> (list, strict). Lenient drop-downs accept typed text: several comma-separated ids.
_DROPDOWNS = {
    (EVIDENCE.name, "criteria"): ("criteria", False),
    (EVIDENCE.name, "level"): ("level", True),
    (EVIDENCE.name, "sources"): ("sources", False),
    (EVIDENCE.name, "confidence"): ("confidence", True),
    (GAPS.name, "criteria"): ("criteria", False),
    (SOURCES.name, "kind"): ("kind", True),
    (SOURCES.name, "reliability"): ("reliability", True),
    (CLAIMS.name, "sources"): ("sources", False),
}
_WIDTHS = {"id": 28, "finding": 70, "quote": 50, "title": 50, "looked_for": 60, "value": 90, "field": 16,
           "reliability_note": 50, "note": 50, "claimed_by": 30, "criteria": 30, "sources": 40, "url": 40}
_WRAPPED = {"finding", "quote", "looked_for", "value", "note", "reliability_note"}


# --------------------------------------------------------------------------- writing


def _cell_value(value: Any) -> Any:
    """A model value as a cell: id lists as 'a, b', mappings as 'k=v; k=v'."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return value


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("spreadsheet support needs openpyxl: pip install openpyxl") from None
    return openpyxl


def write_workbook(path: str | Path, framework: Framework, dossier: Dossier | None = None) -> Path:
    """Write a dossier as an .xlsx workbook observers can edit; with no dossier, an empty template.

    Drop-downs offer the framework's criterion ids, the rubric levels and the source ids, so that
    most values are picked rather than typed.
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    def add(name: str, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Any:
        ws = wb.create_sheet(name)
        ws.append(list(header))
        for row in rows:
            ws.append([_cell_value(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col, name_ in enumerate(header, start=1):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = _WIDTHS.get(name_, 16)
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that merely looks like a formula
                if name_ in _WRAPPED:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        return ws

    vote = dossier.vote.model_dump(mode="json") if dossier else {}
    vote_rows = [
        (name, value)
        for name in _VOTE_FIELDS
        for value in ((vote.get(name) or [None]) if name == "questions" else [vote.get(name)])
        if dossier is None or value is not None
    ]
    add(VOTE_SHEET, ("field", "value"), vote_rows)
    items = {
        CLAIMS.name: dossier.vote.claimed_results if dossier else [],
        SOURCES.name: dossier.sources if dossier else [],
        EVIDENCE.name: dossier.evidence if dossier else [],
        GAPS.name: dossier.gaps if dossier else [],
    }
    dumps = {name: [m.model_dump(mode="json") for m in models] for name, models in items.items()}
    sheets = {s.name: add(s.name, s.columns, ([d[c] for c in s.columns] for d in dumps[s.name])) for s in _SHEETS}

    lists = {
        "criteria": list(framework.criteria),
        "level": list(LEVELS),
        "confidence": [c.value for c in Confidence],
        "kind": [k.value for k in SourceKind],
        "reliability": [r.value for r in Reliability],
        "sources": [s.id for s in items[SOURCES.name]],
    }
    ws = add(LISTS_SHEET, _LISTS, [])
    for col, name in enumerate(_LISTS, start=1):
        for row, value in enumerate(lists[name], start=2):
            ws.cell(row=row, column=col, value=value)
    ws.sheet_state = "hidden"

    for (sheet, column), (list_name, strict) in _DROPDOWNS.items():
        letter = get_column_letter(_LISTS.index(list_name) + 1)
        last = max(2, len(lists[list_name]) + 1)
        dv = DataValidation(
            type="list",
            formula1=f"={LISTS_SHEET}!${letter}$2:${letter}${last}",
            allow_blank=True,
            showErrorMessage=strict,
            error=f"Pick a value from the list ({list_name}).",
        )
        target = get_column_letter(next(i for i, c in enumerate(_sheet(sheet).columns, 1) if c == column))
        dv.add(f"{target}2:{target}{_MAX_ROW}")
        sheets[sheet].add_data_validation(dv)

    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(path, buffer.getvalue())


def _sheet(name: str) -> _Sheet:
    return next(s for s in _SHEETS if s.name == name)


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YAML11_BOOLEANS = re.compile(r"^(?i:y|n|yes|no|on|off)$")  # such keys stay quoted for YAML 1.1 readers
_LINE = 96


def _folded(text: str) -> FoldedScalarString:
    """Long prose as a '>-' block folded at single spaces (a fold next to a second space would change the text)."""
    out, start = FoldedScalarString(text), 0
    out.fold_pos = []
    while len(text) - start > _LINE:
        cut = text.rfind(" ", start, start + _LINE + 1)
        while cut > start and (text[cut - 1] == " " or text[cut + 1] == " "):
            cut = text.rfind(" ", start, cut)
        if cut <= start:
            break
        out.fold_pos.append(cut)
        start = cut + 1
    return out


def _yaml_node(value: Any, key: str = "") -> Any:
    """Plain data as ruamel nodes laid out like the hand-written dossiers.

    Id lists and number maps in flow style, long prose folded, multi-line text as a literal block,
    and dates unquoted (``load`` reads them back as text, so a partial date stays what it was).
    """
    if isinstance(value, dict):
        quoted = {k: DoubleQuotedScalarString(k) if _YAML11_BOOLEANS.match(k) else k for k in value}
        node = CommentedMap((quoted[k], _yaml_node(v, k)) for k, v in value.items())
        if value and all(isinstance(v, (int, float)) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_yaml_node(v) for v in value)
        if value and all(isinstance(v, str) and not re.search(r"\s", v) for v in value):
            node.fa.set_flow_style()
        return node
    if isinstance(value, str) and key in {"date", "announced"} and _FULL_DATE.match(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and len(value) > _LINE and " " in value:
        return _folded(value)
    return value


def _prune(value: Any) -> Any:
    """Drop None and empty lists/maps: the models' defaults, which a reader need not see."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def write_dossier_yaml(dossier: Dossier, path: str | Path) -> Path:
    """Write a dossier as YAML in the layout analysts edit, so a spreadsheet can become a bundled file."""
    # Sources kept in a shared registry the file will see are left out: the loader adds them back.
    registry = source_registry_for(Path(path))
    own = [s for s in dossier.sources if s.id not in registry or registry[s.id][0] != s]
    data = _prune(dossier.model_copy(update={"sources": own}).model_dump(mode="json"))
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # long text is folded by _folded; a URL is never broken
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(_yaml_node(data), buffer)
    return write_atomic(path, buffer.getvalue())


# --------------------------------------------------------------------------- reading


def _text(value: Any) -> str | None:
    """A cell as text, the way pydantic reads YAML scalars: 3.0 -> '3', a date -> 'YYYY-MM-DD', blank -> None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> 'A', 26 -> 'AA')."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class _Table:
    """One sheet or CSV file as text cells, with the problems found in it."""

    file: str
    label: str  # sheet name, or the CSV file's name
    header: list[str]
    rows: list[tuple[int, list[str | None]]]  # (row number, cells); blank rows already dropped
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, file: str, label: str, rows: Iterable[Iterable[Any]]) -> _Table:
        cells = [(n, [_text(v) for v in row]) for n, row in enumerate(rows, start=1)]
        cells = [(n, row) for n, row in cells if any(row)]
        header_cells = cells[0][1] if cells and cells[0][0] == 1 else []
        header = [re.sub(r"\s+", "_", (h or "").lower()) for h in header_cells]
        return cls(file, label, header, [r for r in cells if r[0] > 1])

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def report(
        self, row: int | None, column: str | None, message: str, code: ProblemCode = ProblemCode.invalid_value
    ) -> None:
        """Record a problem at a cell; a column not in the header is still named, without a letter."""
        index = self.column(column) if column else None
        where = f"{self.label}!{_letter(index)} ({column})" if index is not None else self.label
        where += f" ({column})" if column and index is None else ""
        self.problems.append(Problem(self.file, row, where, message, code))

    def records(self, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
        """Non-empty cells of each row by column name; values in unnamed or unknown columns are dropped."""
        known = [(i, c) for i, c in enumerate(self.header) if c in columns]
        return [(n, {c: row[i] for i, c in known if i < len(row) and row[i] is not None}) for n, row in self.rows]


def _ids(text: str) -> list[str]:
    """Ids as typed in one cell: "a, b" (a ";" or a line break also separates them)."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _pairs(text: str) -> dict[str, str]:
    out = {}
    for item in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected 'key=value' pairs separated by ';', got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _parse(model: type[BaseModel], name: str, text: str) -> Any:
    """A cell's text as the field expects it: a list of ids, a mapping, or the text for pydantic to judge."""
    origin = get_origin(model.model_fields[name].annotation)
    return _ids(text) if origin is list else _pairs(text) if origin is dict else text


def _message(err: dict[str, Any]) -> tuple[str, ProblemCode]:
    """A pydantic error in ``load``'s words, naming the item when the cell holds a list or mapping."""
    message, code = describe(err, missing="required value is missing")
    loc = [p for p in err["loc"] if p != "[key]"]
    if code is ProblemCode.invalid_value and len(loc) > 1:
        message = f"{err['input']!r}: {message}" if isinstance(loc[1], int) else f"{loc[1]}: {message}"
    return message, code


def _require_columns(table: _Table, names: Iterable[str]) -> None:
    for name in names:
        if name not in table.header:
            table.report(1, name, f"required column {name!r} is missing from the header row", ProblemCode.missing_field)


_Registry = dict[str, tuple[Source, str]]  # id -> (source, registry file), as ``load`` gives it


@dataclass
class _Row:
    """One data row: where it is, its parsed values, and its model if they were valid."""

    table: _Table
    number: int
    data: dict[str, Any]
    model: Any = None


def _rows(table: _Table | None, sheet: _Sheet) -> list[_Row]:
    """Validate every row of a table against its sheet's model; problems go to the table."""
    if table is None:
        return []
    for name in [c for c in table.header if c and c not in sheet.columns]:
        message = f"unknown column {name!r}; columns are: {', '.join(sheet.columns)}"
        table.report(1, name, message, ProblemCode.unknown_field)
    _require_columns(table, [c for c, f in sheet.model.model_fields.items() if f.is_required()])
    rows = []
    for number, cells in table.records(sheet.columns):
        row, unreadable = _Row(table, number, {}), set()
        for name, text in cells.items():
            try:
                row.data[name] = _parse(sheet.model, name, text)
            except ValueError as exc:
                table.report(number, name, str(exc))
                unreadable.add(name)
        try:
            row.model = sheet.model.model_validate(row.data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                column = next((str(p) for p in err["loc"][:1]), None)
                if column in unreadable or (err["type"] == "missing" and column not in table.header):
                    continue  # reported already: an unreadable cell or a missing column
                table.report(number, column, *_message(err))
        rows.append(row)
    return rows


def _vote(table: _Table, claims: list[Any]) -> Vote | None:
    """The Vote from its two-column field/value sheet; 'questions' may be repeated, one per row."""
    _require_columns(table, ["field", "value"])
    data: dict[str, Any] = {}
    where: dict[tuple[Any, ...], int] = {}
    for number, cells in table.records(("field", "value")):
        name, value = re.sub(r"\s+", "_", cells.get("field", "").lower()), cells.get("value")
        if not name:
            table.report(number, "field", "a value without a field name", ProblemCode.missing_field)
        elif name not in _VOTE_FIELDS:
            extra = f"; claimed results go on the {CLAIMS.name!r} sheet" if name == "claimed_results" else ""
            table.report(number, "field", f"unknown vote field {name!r}{extra}", ProblemCode.unknown_field)
        elif value is None:
            where.setdefault((name,), number)  # a template's placeholder row, pointed at if still empty
        elif name == "questions":
            where[(name, len(data.setdefault(name, [])))] = number
            data[name].append(value)
        elif name in data:
            first = where[(name,)]
            table.report(number, "field", f"{name!r} is given twice (first at row {first})", ProblemCode.duplicate_key)
        else:
            data[name], where[(name,)] = value, number
    try:
        return Vote.model_validate({**data, "claimed_results": claims})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            message, code = _message(err)
            row = where.get(loc[:2]) or where.get(loc[:1])
            if row is None:
                table.report(None, None, f"required field {loc[0]!r} is missing: add a row {loc[0]!r}", code)
            else:
                table.report(row, "value", f"{loc[0]}: {message}", code)
        return None


def _cross_check(
    claims: list[_Row], sources: list[_Row], records: list[_Row], framework: Framework | None, registry: _Registry
) -> None:
    """What one row cannot know: duplicate ids, and ids that must name a source or a criterion.

    A source row may repeat a registry entry (a workbook carries every source it cites) but not alter it.
    """
    source_ids: dict[str, int] = {}
    for row in sources:
        ident = row.data.get("id")
        if ident in source_ids:
            message = f"duplicate source id {ident!r} (first at row {source_ids[ident]})"
            row.table.report(row.number, "id", message, ProblemCode.duplicate_id)
        elif ident in registry and row.model is not None and row.model != registry[ident][0]:
            message = f"source id {ident!r} is also defined, differently, in the registry {registry[ident][1]}; "
            message += "cite that entry or choose another id"
            row.table.report(row.number, "id", message, ProblemCode.duplicate_id)
        if ident:
            source_ids.setdefault(ident, row.number)
    known = set(source_ids) | set(registry)
    record_ids: dict[str, _Row] = {}
    for row in records:
        ident = row.data.get("id")
        if ident in record_ids:
            first = record_ids[ident]
            message = f"duplicate record id {ident!r} (first at {first.table.label} row {first.number})"
            row.table.report(row.number, "id", message, ProblemCode.duplicate_id)
        elif ident:
            record_ids[ident] = row
    for row in [*claims, *records]:
        for ref in row.data.get("sources", []):
            if ref not in known:
                message = f"unknown source id {ref!r}; known ids: {known_ids(near_ids(ref, known, '-')) or 'none'}"
                row.table.report(row.number, "sources", message, ProblemCode.unknown_source)
    criteria = framework.criteria if framework else None
    for row in records if criteria is not None else []:
        for ref in row.data.get("criteria", []):
            if ref not in criteria:
                message = f"unknown criterion id {ref!r} in framework {framework.id!r}; "
                message += f"known ids include: {known_ids(near_ids(ref, criteria))}"
                row.table.report(row.number, "criteria", message, ProblemCode.unknown_criterion)


def _dossier(vote: _Table, tables: dict[str, _Table | None], framework: Framework | None) -> Dossier:
    """Tables to a Dossier, or one EvidenceError with every problem of every table.

    As in ``load``, records may cite the shared source registry (``sources.yaml`` beside the files,
    then the bundled one); the registry sources cited are added after the sheet's own.
    """
    registry = source_registry_for(Path(vote.file))
    rows = {s.name: _rows(tables.get(s.name), s) for s in _SHEETS}
    _cross_check(rows[CLAIMS.name], rows[SOURCES.name], rows[EVIDENCE.name] + rows[GAPS.name], framework, registry)
    models = {name: [r.model for r in found] for name, found in rows.items()}
    vote_model = _vote(vote, [m for m in models[CLAIMS.name] if m is not None])
    problems = [p for t in (vote, *tables.values()) if t for p in sorted(t.problems, key=lambda p: p.line or 0)]
    if problems or vote_model is None:
        raise EvidenceError(problems)
    dossier = Dossier(vote=vote_model, sources=models[SOURCES.name], evidence=models[EVIDENCE.name], gaps=models[GAPS.name])
    return with_registry_sources(dossier, registry)


def read_workbook(path: str | Path, framework: Framework | None = None) -> Dossier:
    """Read a workbook written by ``write_workbook`` (and edited by hand) back into a validated Dossier.

    Criterion ids are checked only when a framework is given. Every problem is raised together.
    """
    openpyxl = _openpyxl()
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not path.is_file():
        raise EvidenceError([Problem(str(path), None, "", "no such file", ProblemCode.missing_file)])
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise EvidenceError([Problem(str(path), None, "", f"not an Excel workbook (.xlsx): {exc}")]) from None
    tables: dict[str, _Table | None] = {}
    try:
        for name in (VOTE_SHEET, *(s.name for s in _SHEETS)):
            ws = wb[name] if name in wb.sheetnames else None
            if ws is not None:
                ws.reset_dimensions()  # some programs record a wrong used range; read every row there is
            tables[name] = _Table.of(str(path), name, ws.iter_rows(values_only=True)) if ws is not None else None
    finally:
        wb.close()
    required = [VOTE_SHEET, *(s.name for s in _SHEETS if s.required)]
    missing = [name for name in required if tables[name] is None]
    if missing:
        code = ProblemCode.missing_field
        raise EvidenceError([Problem(str(path), None, n, f"required sheet {n!r} is missing", code) for n in missing])
    vote = tables.pop(VOTE_SHEET)
    return _dossier(vote, tables, framework)


def _csv_table(path: Path) -> _Table:
    with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: Excel writes a byte-order mark
        return _Table.of(str(path), path.name, list(csv.reader(fh)))


def read_csv(
    evidence_csv: str | Path,
    sources_csv: str | Path,
    vote_csv: str | Path,
    framework: Framework | None = None,
    *,
    gaps_csv: str | Path | None = None,
    claims_csv: str | Path | None = None,
) -> Dossier:
    """Read a dossier from CSV files with the workbook's columns (the vote as ``field,value`` rows).

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    files = {VOTE_SHEET: vote_csv, EVIDENCE.name: evidence_csv, SOURCES.name: sources_csv}
    files |= {GAPS.name: gaps_csv, CLAIMS.name: claims_csv}
    paths = {name: Path(f) for name, f in files.items() if f is not None}
    missing = [p for p in paths.values() if not p.is_file()]
    if missing:
        raise EvidenceError([Problem(str(p), None, "", "no such file", ProblemCode.missing_file) for p in missing])
    tables: dict[str, _Table | None] = {s.name: _csv_table(paths[s.name]) if s.name in paths else None for s in _SHEETS}
    return _dossier(_csv_table(paths[VOTE_SHEET]), tables, framework)
