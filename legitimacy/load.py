"""Load stage: YAML files to validated ``Framework`` and ``Dossier`` objects.

Every problem in a file is collected and reported together as ``file:line: field: message``;
nothing here scores or renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from ._resources import data_dir
from .errors import (
    CriteriaError,
    EvidenceError,
    FormatError,
    NotFoundError,
    Problem,
    ProblemCode,
    describe,
    known_ids,
    near_ids,
)
from .frameworks import crosswalk_key, extend, through_lens
from .models import (
    Crosswalk,
    Dossier,
    Framework,
    FrameworkExtension,
    Source,
    SourceRegistry,
)

DEFAULT_FRAMEWORK = "venice-2022"
CROSSWALK = "crosswalk"
REGISTRY = "sources"

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class _Document:
    """A parsed YAML file: plain Python data plus the line of every key and list item."""

    path: Path
    data: Any
    lines: dict[Loc, int]

    def line(self, loc: Iterable[str | int]) -> int | None:
        """Line of ``loc``, or of its nearest ancestor that has one (a missing key's parent)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Loc, message: str, code: ProblemCode = ProblemCode.invalid_value) -> Problem:
        return Problem(str(self.path), self.line(loc), _field_name(loc), message, code)


def _field_name(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Turn ruamel's round-trip nodes into plain Python, recording 1-based line numbers."""
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            kloc = (*loc, key if isinstance(key, (str, int)) else str(key))
            try:
                lines[kloc] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                pass
            out[_scalar(key)] = _plain(node[key], kloc, lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, item in enumerate(node):
            try:
                lines[(*loc, i)] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError):
                pass
            out_list.append(_plain(item, (*loc, i), lines))
        return out_list
    return _scalar(node)


def _scalar(value: Any) -> Any:
    # ruamel wraps scalars in str/int/float subclasses that carry style; pydantic wants plain types.
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return value


class _Constructor(RoundTripConstructor):
    """Keeps dates as text so that pydantic, not the YAML parser, judges them (with a line)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _read(path: Path) -> _Document:
    """Parse one YAML file; a syntax error or missing file becomes a located problem."""
    if not path.is_file():
        raise FormatError([Problem(str(path), None, "", "no such file", ProblemCode.missing_file)])
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.load(text)
    except UnicodeDecodeError as exc:
        raise FormatError([Problem(str(path), None, "", f"not UTF-8 text ({exc.reason})", ProblemCode.yaml_syntax)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        duplicate = "duplicate" in str(exc).lower()
        message = (exc.problem or str(exc)).strip()
        if duplicate and exc.problem:
            message = exc.problem.strip()
        raise FormatError(
            [
                Problem(
                    str(path),
                    line,
                    "",
                    f"{'duplicate key' if duplicate else 'YAML syntax error'}: {message}",
                    ProblemCode.duplicate_key if duplicate else ProblemCode.yaml_syntax,
                )
            ]
        ) from None
    except (ValueError, TypeError) as exc:  # a scalar the parser could not construct
        raise FormatError([Problem(str(path), None, "", f"YAML error: {exc}", ProblemCode.yaml_syntax)]) from None
    lines: dict[Loc, int] = {(): 1}
    data = _plain(node, (), lines)
    return _Document(path, data, lines)


def _validation_problems(doc: _Document, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p != "[key]")
        problems.append(doc.problem(loc, *describe(err)))
    return list(dict.fromkeys(problems))


def _items(data: Any, *keys: str) -> Iterable[tuple[Loc, Any]]:
    """(location, item) for each item of the list at ``keys`` (nothing if it is not a list)."""
    for key in keys:
        items = data.get(key) if isinstance(data, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            yield (key, i), item


def _duplicates(doc: _Document, located: Iterable[tuple[Loc, Any]], what: str) -> tuple[set[str], list[Problem]]:
    """Ids of the located items, and a problem for each id seen a second time."""
    seen: dict[str, Loc] = {}
    problems = []
    for loc, item in located:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            ident = item["id"]
            if ident in seen:
                first = doc.line((*seen[ident], "id"))
                problems.append(doc.problem(
                    (*loc, "id"), f"duplicate {what} id {ident!r} (first at line {first})", ProblemCode.duplicate_id
                ))
            else:
                seen[ident] = loc
    return set(seen), problems


# --------------------------------------------------------------------------- frameworks


def _resolve(ref: str | Path, folder: str, searched: list[Path] | None = None) -> Path:
    """A path as given, or the bundled file of that id."""
    path = Path(ref)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    candidates = [data_dir(folder) / f"{ref}.yaml"]
    if folder == "criteria":
        candidates.append(data_dir(folder) / "modules" / f"{ref}.yaml")
    for candidate in [*(searched or []), *candidates]:
        if candidate.is_file():
            return candidate
    kind = "framework" if folder == "criteria" else "dossier"
    known = bundled_frameworks() if folder == "criteria" else bundled_dossiers()
    raise NotFoundError(f"no {kind} {str(ref)!r}: not a file and not a bundled id (bundled: {', '.join(known)})")


def bundled_frameworks() -> dict[str, Path]:
    """Bundled framework ids (not modules) and their files."""
    return {p.stem: p for p in sorted(data_dir("criteria").glob("*.yaml")) if p.stem != CROSSWALK}


def bundled_dossiers() -> dict[str, Path]:
    """Bundled dossier ids and their files."""
    return {p.stem: p for p in sorted(data_dir("evidence").glob("*.yaml")) if p.stem != REGISTRY}


def _framework_document(doc: _Document) -> tuple[_Document, Framework | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(doc.data, dict):
        return doc, None, [doc.problem((), "a framework file must be a mapping with 'id' and 'dimensions'")]
    _, dup = _duplicates(doc, _items(doc.data, "dimensions"), "dimension")
    problems += dup
    criteria = (((*loc, "criteria", c), crit) for loc, dim in _items(doc.data, "dimensions")
                for (_, c), crit in _items(dim, "criteria"))
    problems += _duplicates(doc, criteria, "criterion")[1]
    framework = None
    try:
        framework = Framework.model_validate(doc.data)
    except ValidationError as exc:
        problems = _validation_problems(doc, exc) + problems
    return doc, framework, problems


def load_framework(ref: str | Path = DEFAULT_FRAMEWORK) -> Framework:
    """Load a framework by bundled id or path, with the dimensions of the modules it includes."""
    return _load_framework(ref, ())


def _load_framework(ref: str | Path, chain: tuple[Path, ...]) -> Framework:
    path = _resolve(ref, "criteria", searched=_siblings(ref, chain))
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.stem for p in (*chain, resolved))
        closing = _read(chain[-1])
        key = "extends" if "extends" in closing.data else "includes"
        verb = "extends" if key == "extends" else "include"
        raise CriteriaError([closing.problem((key,), f"{verb} cycle: {cycle}", ProblemCode.include_cycle)])
    doc = _read(path)
    if isinstance(doc.data, dict) and "extends" in doc.data:
        return _load_extension(doc, (*chain, resolved))
    doc, framework, problems = _framework_document(doc)
    if framework is None or problems:
        raise CriteriaError(problems)
    dimensions = list(framework.dimensions)
    for i, module_id in enumerate(framework.includes):
        try:
            module = _load_framework(module_id, (*chain, resolved))
        except NotFoundError as exc:
            raise CriteriaError([doc.problem(("includes", i), str(exc), ProblemCode.unknown_framework)]) from None
        dimensions += module.dimensions
    merged = framework.model_copy(update={"dimensions": dimensions})
    ids = [c.id for d in merged.dimensions for c in d.criteria]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    dim_ids = [d.id for d in merged.dimensions]
    clashes += sorted({f"dimension {i}" for i in dim_ids if dim_ids.count(i) > 1})
    if clashes:
        raise CriteriaError(
            [doc.problem(("includes",), f"included modules repeat ids: {', '.join(clashes)}", ProblemCode.duplicate_id)]
        )
    return merged


def _load_extension(doc: _Document, chain: tuple[Path, ...]) -> Framework:
    """A framework that ``extends`` another: resolve the parent, then apply the changes."""
    try:
        ext = FrameworkExtension.model_validate(doc.data)
    except ValidationError as exc:
        raise CriteriaError(_validation_problems(doc, exc)) from None
    try:
        parent = _load_framework(ext.extends, chain)
    except NotFoundError as exc:
        raise CriteriaError([doc.problem(("extends",), str(exc), ProblemCode.unknown_framework)]) from None
    framework, issues = extend(parent, ext)
    if issues:
        raise CriteriaError([doc.problem(i.loc, i.message, i.code) for i in issues])
    return framework


def _siblings(ref: str | Path, chain: tuple[Path, ...]) -> list[Path]:
    """An include is looked for next to the including file first, then among the bundled ones."""
    if not chain:
        return []
    folder = chain[-1].parent
    return [folder / f"{ref}.yaml", folder / "modules" / f"{ref}.yaml"]


# --------------------------------------------------------------------------- dossiers


def _dossier_reference_problems(
    doc: _Document, framework: Framework | None, registry: dict[str, tuple[Source, str]]
) -> list[Problem]:
    """Cross-references the models cannot see: ids that must exist, ids that must be unique."""
    data = doc.data
    problems: list[Problem] = []
    own_ids, dup = _duplicates(doc, _items(data, "sources"), "source")
    problems += dup
    for loc, item in _items(data, "sources"):
        if isinstance(item, dict) and item.get("id") in registry:
            problems.append(doc.problem(
                (*loc, "id"),
                f"source id {item['id']!r} is also defined in the registry {registry[item['id']][1]}; "
                "cite that entry or choose another id",
                ProblemCode.duplicate_id,
            ))
    source_ids = own_ids | set(registry)
    problems += _duplicates(doc, _items(data, "evidence", "gaps"), "record")[1]

    def refs(located: Iterable[tuple[Loc, Any]], key: str) -> Iterable[tuple[Loc, str]]:
        """(location, id) for each id listed under ``key`` in the located items."""
        for loc, item in located:
            for ref_loc, ref in _items(item, key):
                if isinstance(ref, str):
                    yield (*loc, *ref_loc), ref

    citing = [*_items(data, "evidence"), *(
        (("vote", *loc), claim) for loc, claim in _items(data.get("vote"), "claimed_results")
    )]
    for loc, ref in refs(citing, "sources"):
        if ref not in source_ids:
            problems.append(doc.problem(
                loc, f"unknown source id {ref!r}; known ids: {known_ids(near_ids(ref, source_ids, '-')) or 'none'}",
                ProblemCode.unknown_source,
            ))
    if framework is not None:
        criteria = framework.criteria
        for loc, ref in refs(_items(data, "evidence", "gaps"), "criteria"):
            if ref not in criteria:
                problems.append(doc.problem(
                    loc, f"unknown criterion id {ref!r} in framework {framework.id!r}; "
                    f"known ids include: {known_ids(near_ids(ref, criteria))}",
                    ProblemCode.unknown_criterion,
                ))
    return problems


def _registry_files(dossier_path: Path) -> list[Path]:
    """Registries a dossier may cite: ``sources.yaml`` beside it, then the bundled one."""
    files = [dossier_path.parent / f"{REGISTRY}.yaml", data_dir("evidence") / f"{REGISTRY}.yaml"]
    unique = list(dict.fromkeys(f.resolve() for f in files if f.is_file()))
    return [f for f in unique if f != dossier_path.resolve()]


def _registry_document(doc: _Document) -> tuple[SourceRegistry | None, list[Problem]]:
    _, problems = _duplicates(doc, _items(doc.data, "sources"), "source")
    try:
        return SourceRegistry.model_validate(doc.data), problems
    except ValidationError as exc:
        return None, _validation_problems(doc, exc) + problems


def load_source_registry(path: str | Path) -> dict[str, Source]:
    """Sources of a shared registry file, by id."""
    registry, problems = _registry_document(_read(Path(path)))
    if problems or registry is None:
        raise EvidenceError(problems)
    return {s.id: s for s in registry.sources}


def source_registry_for(dossier_path: Path) -> dict[str, tuple[Source, str]]:
    """Registry sources a dossier at ``dossier_path`` may cite, by id, with the file defining each."""
    merged: dict[str, tuple[Source, str]] = {}
    for path in _registry_files(dossier_path):
        for ident, source in load_source_registry(path).items():
            merged.setdefault(ident, (source, str(path)))
    return merged


def _load_dossier_document(doc: _Document, framework: Framework | None) -> tuple[Dossier | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), "a dossier file must be a mapping with keys 'vote', 'sources' and 'evidence'")]
    problems: list[Problem] = []
    dossier = None
    registry = source_registry_for(doc.path)
    try:
        dossier = Dossier.model_validate(doc.data)
    except ValidationError as exc:
        problems += _validation_problems(doc, exc)
    problems += _dossier_reference_problems(doc, framework, registry)
    problems.sort(key=lambda p: (p.line or 0))
    if dossier is not None and not problems:
        dossier = with_registry_sources(dossier, registry)
    return dossier, problems


def with_registry_sources(dossier: Dossier, registry: dict[str, tuple[Source, str]]) -> Dossier:
    """The dossier with the registry sources its records and claimed results cite, after its own."""
    own = {s.id for s in dossier.sources}
    cited = [i for r in dossier.evidence for i in r.sources] + [i for c in dossier.vote.claimed_results for i in c.sources]
    shared = [registry[i][0] for i in dict.fromkeys(cited) if i not in own and i in registry]
    return dossier.model_copy(update={"sources": [*dossier.sources, *shared]})


def _cited_criteria(data: Any) -> set[str]:
    return {c for _, item in _items(data, "evidence", "gaps") for _, c in _items(item, "criteria") if isinstance(c, str)}


def load_crosswalk(path: str | Path | None = None) -> Crosswalk:
    """A crosswalk between frameworks (and to the PEI dimensions); by default the bundled one."""
    doc = _read(Path(path) if path is not None else data_dir("criteria") / f"{CROSSWALK}.yaml")
    try:
        return Crosswalk.model_validate(doc.data)
    except ValidationError as exc:
        raise CriteriaError(_validation_problems(doc, exc)) from None


def _evidence_framework(doc: _Document, target: Framework) -> tuple[Framework, Crosswalk | None]:
    """The framework the dossier's criterion ids are checked against, and the crosswalk to read them through.

    Evidence cites the criteria of the framework it was written for. Read through the target if it
    has them all; otherwise through the framework the target derives from in the crosswalk
    (venice-2022 for the bundled dossiers), translated by the crosswalk when the target is another.
    """
    cited = _cited_criteria(doc.data)
    if cited <= set(target.criteria):
        return target, None
    crosswalk = load_crosswalk() if (data_dir("criteria") / f"{CROSSWALK}.yaml").is_file() else None
    key = crosswalk_key(target, crosswalk) if crosswalk else None
    if key is None:
        return target, None
    if key == DEFAULT_FRAMEWORK and target.id == DEFAULT_FRAMEWORK:
        return target, None
    return load_framework(DEFAULT_FRAMEWORK), crosswalk if key != DEFAULT_FRAMEWORK else None


def load_dossier(ref: str | Path, framework: Framework | None = None) -> Dossier:
    """Load a dossier by bundled id or path, addressed to ``framework`` (default: venice-2022).

    Criterion ids are checked against the framework the evidence was written for; a framework
    such as copenhagen-1990 reads venice-2022 evidence through the bundled crosswalk.
    """
    path = _resolve(ref, "evidence")
    target = framework if framework is not None else load_framework(DEFAULT_FRAMEWORK)
    doc = _read(path)
    check, lens = _evidence_framework(doc, target)
    dossier, problems = _load_dossier_document(doc, check)
    if problems or dossier is None:
        raise EvidenceError(problems)
    if lens is not None:
        dossier = through_lens(dossier, target, lens, DEFAULT_FRAMEWORK)
    return dossier


def validate_file(path: str | Path, framework: Framework | None = None) -> list[Problem]:
    """All problems of one framework or dossier file (empty when it is valid).

    The kind of file is told from its top-level keys: a dossier has 'vote', a framework
    'dimensions' or 'extends', the crosswalk 'entries', a source registry only 'sources'.
    """
    path = Path(path)
    try:
        doc = _read(path)
        data = doc.data if isinstance(doc.data, dict) else {}
        if "vote" in data:
            target = framework if framework is not None else load_framework(DEFAULT_FRAMEWORK)
            return _load_dossier_document(doc, _evidence_framework(doc, target)[0])[1]
        if "extends" in data:
            load_framework(path)
            return []
        if "dimensions" in data:
            problems = _framework_document(doc)[2]
            if not problems:
                load_framework(path)  # includes resolve, no cycles, no clashing ids
            return problems
        if set(data) == {"sources"}:
            return _registry_document(doc)[1]
        if "entries" in data:
            load_crosswalk(path)
            return []
        return [doc.problem((), "neither a framework (needs 'dimensions') nor a dossier (needs 'vote')")]
    except FormatError as exc:
        return exc.problems
    except NotFoundError as exc:
        return [Problem(str(path), None, "", str(exc), ProblemCode.unknown_framework)]
