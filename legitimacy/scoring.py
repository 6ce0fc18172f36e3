"""Score stage: a framework and a dossier to an ``Assessment``. Pure: no file I/O, no randomness.

The method, in full (also printed in every report):

1. Each evidence record supports one rubric level (0-4) for the criteria it cites. Its weight is
   ``reliability weight of its best source x confidence weight x claim weight`` (the claim weight
   applies when the record reports a party's claim).
2. A criterion's level is the weighted mean of its records' levels; its score is ``25 x level``
   (0-100). A criterion with no record is a *gap*: shown, never scored as zero or as an average.
3. A dimension's score is the weighted mean of its scored criteria (criterion weights); its
   coverage is the share of its criterion weight that is scored.
4. The overall score is the weighted mean of the scored dimensions' scores (dimension weights);
   overall coverage is the dimension-weighted mean of dimension coverage.
5. The verdict is the band the overall score falls in, with two rules: if any critical criterion
   has a level below ``critical_threshold`` (it rounds to 0 or 1), the verdict is no better than the
   band below ``critical_cap``; if overall coverage is below ``min_coverage``, the verdict is
   "insufficient evidence".
"""

from __future__ import annotations

from collections import defaultdict
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .frameworks import crosswalk_key
from .models import Confidence, Crosswalk, Dossier, EvidenceRecord, Framework, Reliability, VerdictBand

DEFAULT_BANDS: tuple[VerdictBand, ...] = (
    VerdictBand(min_score=80, label="Met international standards",
                description="The evidence shows the standards met, with at most minor shortcomings."),
    VerdictBand(min_score=60, label="Largely met international standards",
                description="Shortcomings, some significant, but the vote broadly met the standards."),
    VerdictBand(min_score=40, label="Fell short of international standards",
                description="Significant shortcomings affecting the fairness of the vote."),
    VerdictBand(min_score=20, label="Seriously fell short of international standards",
                description="Serious violations undermining the vote."),
    VerdictBand(min_score=0, label="Did not meet international standards",
                description="Standards absent or grossly violated."),
)
INSUFFICIENT = "Insufficient evidence for a verdict"


class Method(BaseModel):
    """Every choice the scoring makes, so a reader can change one and rerun."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reliability_weights: dict[Reliability, float] = Field(
        default_factory=lambda: {Reliability.A: 1.0, Reliability.B: 0.8, Reliability.C: 0.6,
                                 Reliability.D: 0.3, Reliability.E: 0.1},
        description="Weight of a record by the reliability grade of its best source.",
    )
    confidence_weights: dict[Confidence, float] = Field(
        default_factory=lambda: {Confidence.high: 1.0, Confidence.medium: 0.7, Confidence.low: 0.4},
        description="Weight of a record by the analyst's confidence.",
    )
    claim_weight: float = Field(default=0.5, gt=0, le=1, description="Multiplier for a record reporting a party's claim.")
    critical_threshold: float = Field(default=1.5, ge=0, le=4, description="A critical criterion below this level caps the verdict.")
    critical_cap: float = Field(default=40, ge=0, le=100, description="With a critical failure the verdict is of a band below this score.")
    min_coverage: float = Field(default=0.5, ge=0, le=1, description="Overall coverage needed for a verdict.")
    bands: tuple[VerdictBand, ...] = Field(default=DEFAULT_BANDS, description="Verdict bands, by minimum score.")

    @model_validator(mode="after")
    def _bands_cover_zero(self) -> Method:
        if not self.bands or min(b.min_score for b in self.bands) > 0:
            raise ValueError("verdict bands must include one starting at 0")
        return self


class Status(str, Enum):
    scored = "scored"
    gap = "gap"
    not_applicable = "not applicable"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionResult(_Result):
    criterion_id: str
    dimension_id: str
    status: Status
    level: float | None = None
    score: float | None = None
    evidence_weight: float = 0.0
    record_ids: tuple[str, ...] = ()
    lowest_level: int | None = None
    highest_level: int | None = None
    gap_ids: tuple[str, ...] = ()


class DimensionResult(_Result):
    dimension_id: str
    weight: float
    status: Status
    score: float | None
    coverage: float
    scored: int
    total: int


class Verdict(_Result):
    label: str
    band: VerdictBand | None
    capped_by: tuple[str, ...] = ()
    insufficient: bool = False


class Assessment(_Result):
    """The numbers of an assessment and the configuration that produced them."""

    vote_id: str
    framework_id: str
    framework_version: str
    method: Method
    criteria: tuple[CriterionResult, ...]
    dimensions: tuple[DimensionResult, ...]
    score: float | None
    coverage: float
    verdict: Verdict
    unused_record_ids: tuple[str, ...] = Field(
        default=(), description="Records citing only criteria that do not apply to this vote."
    )

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.criterion_id == criterion_id)

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.dimension_id == dimension_id)


def record_weight(record: EvidenceRecord, dossier: Dossier, method: Method) -> float:
    """How much one record counts: best source reliability x confidence x (claim weight)."""
    sources = dossier.source_index
    reliability = max(method.reliability_weights[sources[s].reliability] for s in record.sources)
    weight = reliability * method.confidence_weights[record.confidence]
    return weight * (method.claim_weight if record.claimed_by else 1.0)


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total > 0 else None


def verdict_for(score: float | None, coverage: float, capped_by: tuple[str, ...], method: Method) -> Verdict:
    """The verdict band for a score, after the critical-criterion cap and the coverage rule."""
    if score is None or coverage < method.min_coverage:
        return Verdict(label=INSUFFICIENT, band=None, capped_by=capped_by, insufficient=True)
    effective = min(score, method.critical_cap - 1e-9) if capped_by else score
    bands = sorted(method.bands, key=lambda b: b.min_score, reverse=True)
    band = next(b for b in bands if effective >= b.min_score)
    return Verdict(label=band.label, band=band, capped_by=capped_by)


def assess(framework: Framework, dossier: Dossier, method: Method | None = None) -> Assessment:
    """Score ``dossier`` against ``framework``."""
    method = method or Method()
    kind = dossier.vote.kind
    by_criterion: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for record in dossier.evidence:
        for criterion_id in record.criteria:
            by_criterion[criterion_id].append(record)
    gaps: dict[str, list[str]] = defaultdict(list)
    for gap in dossier.gaps:
        for criterion_id in gap.criteria:
            gaps[criterion_id].append(gap.id)

    criteria: list[CriterionResult] = []
    dimensions: list[DimensionResult] = []
    applicable_ids: set[str] = set()
    capped_by: list[str] = []
    for dim in framework.dimensions:
        applies = not dim.applies_to or kind in dim.applies_to
        scored: list[tuple[float, float]] = []
        for crit in dim.criteria:
            records = by_criterion.get(crit.id, []) if applies else []
            if not applies:
                criteria.append(CriterionResult(criterion_id=crit.id, dimension_id=dim.id, status=Status.not_applicable))
                continue
            applicable_ids.add(crit.id)
            pairs = [(float(r.level), record_weight(r, dossier, method)) for r in records]
            level = _weighted_mean(pairs)
            if level is None:
                criteria.append(CriterionResult(criterion_id=crit.id, dimension_id=dim.id, status=Status.gap,
                                                gap_ids=tuple(gaps.get(crit.id, ()))))
                continue
            score = 25.0 * level
            scored.append((score, crit.weight))
            if crit.critical and level < method.critical_threshold:
                capped_by.append(crit.id)
            criteria.append(CriterionResult(
                criterion_id=crit.id, dimension_id=dim.id, status=Status.scored, level=level, score=score,
                evidence_weight=sum(w for _, w in pairs), record_ids=tuple(r.id for r in records),
                lowest_level=min(r.level for r in records), highest_level=max(r.level for r in records),
                gap_ids=tuple(gaps.get(crit.id, ())),
            ))
        total_weight = sum(c.weight for c in dim.criteria)
        coverage = sum(w for _, w in scored) / total_weight if applies else 0.0
        dimensions.append(DimensionResult(
            dimension_id=dim.id, weight=dim.weight,
            status=Status.not_applicable if not applies else (Status.scored if scored else Status.gap),
            score=_weighted_mean(scored), coverage=coverage, scored=len(scored), total=len(dim.criteria),
        ))

    applicable = [d for d in dimensions if d.status is not Status.not_applicable]
    overall = _weighted_mean([(d.score, d.weight) for d in applicable if d.score is not None])
    weight_sum = sum(d.weight for d in applicable)
    coverage = sum(d.coverage * d.weight for d in applicable) / weight_sum if weight_sum else 0.0
    unused = tuple(r.id for r in dossier.evidence if not applicable_ids.intersection(r.criteria))
    return Assessment(
        vote_id=dossier.vote.id, framework_id=framework.id, framework_version=framework.version, method=method,
        criteria=tuple(criteria), dimensions=tuple(dimensions), score=overall, coverage=coverage,
        verdict=verdict_for(overall, coverage, tuple(capped_by), method), unused_record_ids=unused,
    )


class LensRow(_Result):
    """One PEI stage seen through an assessment: its mapped criteria's weighted score and coverage."""

    pei_id: str
    title: str
    score: float | None
    coverage: float
    scored: int
    total: int


def pei_profile(assessment: Assessment, framework: Framework, crosswalk: Crosswalk) -> tuple[LensRow, ...]:
    """The assessment regrouped by the 11 stages of the PEI index, via the crosswalk.

    A stage's score is the weighted mean of the scored criteria the crosswalk puts in it (criterion
    weights); its coverage is the share of that weight that is scored. Criteria that do not apply
    to this vote are left out; stages with no criterion have no score.
    """
    key = crosswalk_key(framework, crosswalk)
    if key is None:
        return ()
    criteria = framework.criteria
    results = {c.criterion_id: c for c in assessment.criteria if c.status is not Status.not_applicable}
    rows = []
    for stage in crosswalk.pei_dimensions:
        ids = [e.criterion for e in crosswalk.entries
               if e.framework == key and stage.id in e.pei and e.criterion in results]
        scored = [(results[i].score, criteria[i].weight) for i in ids if results[i].score is not None]
        total = sum(criteria[i].weight for i in ids)
        rows.append(LensRow(
            pei_id=stage.id, title=stage.title, score=_weighted_mean(scored),
            coverage=sum(w for _, w in scored) / total if total else 0.0, scored=len(scored), total=len(ids),
        ))
    return tuple(rows)
