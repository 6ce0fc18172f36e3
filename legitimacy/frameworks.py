"""Operations on frameworks: extend one, compare two, read evidence through another's lens.

Pure functions over models (no file I/O), used by the loader and the ``criteria`` commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ProblemCode
from .models import Crosswalk, Dossier, Framework, FrameworkExtension

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ExtensionIssue:
    """A reference in an extension that the parent framework does not have."""

    loc: Loc
    message: str
    code: ProblemCode = ProblemCode.unknown_criterion


def extend(parent: Framework, ext: FrameworkExtension) -> tuple[Framework, list[ExtensionIssue]]:
    """Apply an extension to its (already resolved) parent framework."""
    issues: list[ExtensionIssue] = []
    dim_ids = {d.id for d in parent.dimensions}
    crit_ids = set(parent.criteria)
    known = dim_ids | crit_ids
    for target in ext.change:
        if target not in known:
            issues.append(ExtensionIssue(("change", target), f"{target!r} is not a criterion or dimension of {parent.id!r}"))
    for i, target in enumerate(ext.drop):
        if target not in known:
            issues.append(ExtensionIssue(("drop", i), f"{target!r} is not a criterion or dimension of {parent.id!r}"))
    for dim_id in ext.add_criteria:
        if dim_id not in dim_ids:
            issues.append(ExtensionIssue(("add_criteria", dim_id), f"{dim_id!r} is not a dimension of {parent.id!r}"))
    new_ids = [c.id for cs in ext.add_criteria.values() for c in cs] + [c.id for d in ext.dimensions for c in d.criteria]
    for ident in sorted({i for i in new_ids if i in crit_ids or new_ids.count(i) > 1}):
        issues.append(ExtensionIssue(("add_criteria",), f"criterion id {ident!r} is already used", ProblemCode.duplicate_id))
    for d in ext.dimensions:
        if d.id in dim_ids:
            issues.append(ExtensionIssue(("dimensions",), f"dimension id {d.id!r} is already used; add criteria to it with add_criteria", ProblemCode.duplicate_id))

    dropped = set(ext.drop)
    dimensions = []
    for dim in parent.dimensions:
        if dim.id in dropped:
            continue
        criteria = [
            c.model_copy(update=_changes(ext, c.id))
            for c in dim.criteria
            if c.id not in dropped
        ] + list(ext.add_criteria.get(dim.id, []))
        if criteria:
            dimensions.append(dim.model_copy(update={**_changes(ext, dim.id), "criteria": criteria}))
    dimensions += ext.dimensions
    framework = Framework(
        id=ext.id,
        title=ext.title or f"{parent.title} (as extended by {ext.id})",
        publisher=ext.publisher or parent.publisher,
        document=ext.document or parent.document,
        url=ext.url or parent.url,
        version=ext.version,
        description=ext.description or parent.description,
        dimensions=dimensions,
        out_of_scope=parent.out_of_scope,
        based_on=[parent.id, *parent.based_on],
    )
    return framework, issues


def _changes(ext: FrameworkExtension, ident: str) -> dict[str, object]:
    change = ext.change.get(ident)
    if change is None:
        return {}
    return {k: v for k, v in change.model_dump().items() if v is not None}


@dataclass(frozen=True)
class Difference:
    """One way framework B differs from framework A."""

    kind: str  # 'added', 'removed', 'changed'
    what: str  # 'dimension' or 'criterion'
    id: str
    detail: str


def diff(a: Framework, b: Framework) -> list[Difference]:
    """What B adds, removes and changes relative to A (dimensions, criteria, weights, flags)."""
    out: list[Difference] = []
    dims_a = {d.id: d for d in a.dimensions}
    dims_b = {d.id: d for d in b.dimensions}
    for ident in dims_a.keys() - dims_b.keys():
        out.append(Difference("removed", "dimension", ident, dims_a[ident].title))
    for ident in dims_b.keys() - dims_a.keys():
        out.append(Difference("added", "dimension", ident, dims_b[ident].title))
    for ident in dims_a.keys() & dims_b.keys():
        if dims_a[ident].weight != dims_b[ident].weight:
            out.append(Difference("changed", "dimension", ident, f"weight {dims_a[ident].weight:g} -> {dims_b[ident].weight:g}"))
    crit_a, crit_b = a.criteria, b.criteria
    for ident in crit_a.keys() - crit_b.keys():
        out.append(Difference("removed", "criterion", ident, crit_a[ident].title))
    for ident in crit_b.keys() - crit_a.keys():
        out.append(Difference("added", "criterion", ident, crit_b[ident].title))
    for ident in crit_a.keys() & crit_b.keys():
        ca, cb = crit_a[ident], crit_b[ident]
        details = []
        if ca.weight != cb.weight:
            details.append(f"weight {ca.weight:g} -> {cb.weight:g}")
        if ca.critical != cb.critical:
            details.append(f"critical {ca.critical} -> {cb.critical}")
        if ca.title != cb.title:
            details.append(f"title {ca.title!r} -> {cb.title!r}")
        if ca.rubric != cb.rubric:
            details.append("rubric changed")
        if a.dimension_of(ident).id != b.dimension_of(ident).id:
            details.append(f"moved {a.dimension_of(ident).id} -> {b.dimension_of(ident).id}")
        if details:
            out.append(Difference("changed", "criterion", ident, "; ".join(details)))
    order = {"removed": 0, "added": 1, "changed": 2}
    return sorted(out, key=lambda d: (order[d.kind], d.what, d.id))


def crosswalk_key(framework: Framework, crosswalk: Crosswalk) -> str | None:
    """The framework (itself or an ancestor) whose criteria the crosswalk maps, if any."""
    mapped = {e.framework for e in crosswalk.entries}
    return next((f for f in (framework.id, *framework.based_on) if f in mapped), None)


def through_lens(dossier: Dossier, target: Framework, crosswalk: Crosswalk, evidence_framework: str) -> Dossier:
    """The dossier's records re-addressed to ``target``'s criteria via the crosswalk.

    A record written against ``evidence_framework`` criteria (e.g. venice-2022) bears on each target
    criterion whose crosswalk entry lists one of them. Records that map to nothing are left out;
    the report's method says the evidence was read through the crosswalk.
    """
    key = crosswalk_key(target, crosswalk)
    if key is None or key == evidence_framework:
        return dossier
    mapping: dict[str, list[str]] = {}
    for entry in crosswalk.entries:
        if entry.framework == key and entry.criterion in target.criteria:
            for source_id in entry.venice:
                mapping.setdefault(source_id, []).append(entry.criterion)

    def remap(ids: list[str]) -> list[str]:
        return list(dict.fromkeys(t for i in ids for t in mapping.get(i, [])))

    evidence = [r.model_copy(update={"criteria": remap(r.criteria)}) for r in dossier.evidence if remap(r.criteria)]
    gaps = [g.model_copy(update={"criteria": remap(g.criteria)}) for g in dossier.gaps if remap(g.criteria)]
    return dossier.model_copy(update={"evidence": evidence, "gaps": gaps, "criteria_framework": evidence_framework})
