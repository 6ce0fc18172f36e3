"""Pydantic models: the single source of truth for the framework and dossier formats.

Every field's documentation lives in its ``Field(description=...)`` so that the JSON Schema
exported by ``legitimacy schema`` documents the YAML files an analyst writes.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$",
        max_length=80,
        description="Identifier: lower-case letters, digits, '.', '_' and '-'.",
    ),
]
Level = Annotated[int, Field(ge=0, le=4, description="Rubric level, 0 (worst) to 4 (best).")]
LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class _Model(BaseModel):
    """Strict base: unknown keys are errors, so a typo in a field name never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_url(value: str | None) -> str | None:
    if value is not None and not _URL.match(value):
        raise ValueError(f"not a web address (expected http:// or https://...): {value!r}")
    return value


def _check_partial_date(value: str | None) -> str | None:
    if value is None:
        return None
    if not _PARTIAL_DATE.match(value):
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {value!r} ({exc})") from None
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(lambda v: v.isoformat() if isinstance(v, dt.date) else v),
    AfterValidator(_check_partial_date),
    Field(description="A date as YYYY, YYYY-MM or YYYY-MM-DD (as precise as the source allows)."),
]


# --------------------------------------------------------------------------- frameworks


class Reference(_Model):
    """Where a criterion comes from: a document and a paragraph in it."""

    document: str = Field(description="Document reference, e.g. 'CDL-AD(2022)015' or 'OSCE Copenhagen Document 1990'.")
    paragraph: str = Field(description="Paragraph or point in that document, e.g. 'I.3.1.c' or '7.4'.")
    note: str | None = Field(default=None, description="Anything a reader needs, e.g. the 2007 numbering.")


class Criterion(_Model):
    """One standard a vote is measured against, with a 0-4 rubric."""

    id: Id = Field(description="Unique id across the framework and its modules.")
    title: str = Field(min_length=3, description="Short title.")
    question: str = Field(min_length=10, description="The question an analyst answers for this criterion.")
    weight: float = Field(default=1.0, gt=0, description="Relative weight within its dimension.")
    critical: bool = Field(
        default=False,
        description="A critical criterion scored at level 0 or 1 caps the verdict (see the scoring method).",
    )
    references: list[Reference] = Field(min_length=1, description="Paragraph citations.")
    rubric: dict[Level, str] = Field(
        description="What evidence puts a vote at each level; keys 0, 1, 2, 3 and 4 are all required."
    )

    @field_validator("rubric")
    @classmethod
    def _all_levels(cls, rubric: dict[int, str]) -> dict[int, str]:
        missing = [lvl for lvl in LEVELS if lvl not in rubric]
        if missing:
            raise ValueError(f"rubric lacks level(s) {', '.join(map(str, missing))}; levels 0-4 are all required")
        return dict(sorted(rubric.items()))


class Dimension(_Model):
    """A group of criteria scored together (e.g. 'Legal basis and competence')."""

    id: Id
    title: str = Field(min_length=3)
    description: str | None = None
    weight: float = Field(default=1.0, gt=0, description="Relative weight in the overall score.")
    applies_to: list[Id] = Field(
        default_factory=list,
        description="Vote kinds this dimension applies to (e.g. ['status']); empty means every vote.",
    )
    criteria: list[Criterion] = Field(min_length=1)


class CriterionChange(_Model):
    """What an extension changes in an inherited criterion or dimension."""

    weight: float | None = Field(default=None, gt=0)
    critical: bool | None = None
    title: str | None = None


class FrameworkExtension(_Model):
    """A user's framework built on a bundled one: change weights, drop criteria, add new ones."""

    id: Id
    extends: Id = Field(description="Framework (bundled id or path) this one builds on.")
    title: str | None = Field(default=None, description="Defaults to the parent's title with this id.")
    publisher: str | None = None
    document: str | None = None
    url: str | None = None
    version: str = Field(description="Version of this extension.")
    description: str | None = None
    change: dict[Id, CriterionChange] = Field(
        default_factory=dict, description="Changes to inherited criteria or dimensions, by id."
    )
    drop: list[Id] = Field(default_factory=list, description="Criterion or dimension ids to remove.")
    add_criteria: dict[Id, list["Criterion"]] = Field(
        default_factory=dict, description="New criteria for an inherited dimension, by dimension id."
    )
    dimensions: list["Dimension"] = Field(default_factory=list, description="New dimensions.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)


class OutOfScope(_Model):
    """A guideline of the source document deliberately not turned into a criterion."""

    reference: str = Field(description="Point of the document, e.g. 'III.3'.")
    reason: str = Field(min_length=10)


class VerdictBand(_Model):
    """A verdict label given to overall scores at or above ``min_score``."""

    min_score: float = Field(ge=0, le=100)
    label: str
    description: str | None = None


class Framework(_Model):
    """A criteria set: dimensions of criteria with rubrics and citations."""

    id: Id
    title: str
    publisher: str
    document: str = Field(description="Reference of the underlying document(s).")
    url: str | None = Field(default=None, description="Where the document can be read.")
    version: str = Field(description="Version of this criteria file (not of the document).")
    description: str | None = None
    includes: list[Id] = Field(
        default_factory=list, description="Framework modules (ids) whose dimensions are added to this one."
    )
    dimensions: list[Dimension] = Field(default_factory=list)
    out_of_scope: list[OutOfScope] = Field(default_factory=list)
    based_on: list[Id] = Field(
        default_factory=list,
        description="Set by the loader for an extension: the frameworks it extends, nearest first.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @property
    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for d in self.dimensions for c in d.criteria}

    def dimension_of(self, criterion_id: str) -> Dimension:
        for dim in self.dimensions:
            if any(c.id == criterion_id for c in dim.criteria):
                return dim
        raise KeyError(criterion_id)


# --------------------------------------------------------------------------- dossiers


class SourceKind(str, Enum):
    """What kind of body published a source; reported next to every citation."""

    official = "official"
    organiser = "organiser"
    government = "government"
    international_body = "international_body"
    observer = "observer"
    media = "media"
    state_media = "state_media"
    ngo = "ngo"
    poll = "poll"
    academic = "academic"
    encyclopedia = "encyclopedia"
    other = "other"


class Reliability(str, Enum):
    """Reliability grade of a source, after the 'Admiralty' source-grading scale.

    A  established, independent and accountable; its account of this kind of fact has
       proved accurate (e.g. an international body's mission report, a court judgment).
    B  usually reliable: professional independent media or NGO with editorial control,
       first-hand reporting, minor errors possible.
    C  fairly reliable: credible outlet at second hand, a mirror or copy of a reliable
       text, or a party's own official record of what it decided.
    D  not usually reliable on this point: a party to the dispute speaking about its own
       conduct or its opponent, or state-controlled media of a party.
    E  unreliable: anonymous, unverifiable, or with a record of fabrication.

    Decided in this order: a party speaking about its own conduct or its opponent is D at best;
    a copy, mirror, translation or encyclopedia is C at most; then independence and accountability
    of the publisher; ``reliability_note`` gives the reason for each grade.
    """

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class Confidence(str, Enum):
    """How sure the analyst is that the record's finding supports its rubric level."""

    high = "high"
    medium = "medium"
    low = "low"


class Source(_Model):
    """A real, public source that evidence records cite."""

    id: Id
    title: str
    publisher: str
    date: PartialDate | None = Field(default=None, description="Publication date; omit if undated.")
    url: str | None = Field(default=None, description="Exact web address of the page cited.")
    document: str | None = Field(default=None, description="Document reference where there is no URL.")
    kind: SourceKind
    reliability: Reliability
    reliability_note: str | None = Field(default=None, description="Why this grade was given.")
    language: str | None = Field(default=None, description="Language of the source, e.g. 'en', 'ru', 'uk'.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not self.url and not self.document:
            raise ValueError("a source needs a url or a document reference")
        return self


class ClaimedResult(_Model):
    """Results as announced by someone; always attributed, never taken as fact."""

    claimed_by: str = Field(description="Who announced these figures.")
    announced: PartialDate | None = Field(default=None, description="When the figures were announced.")
    turnout_pct: float | None = Field(default=None, ge=0, le=100)
    options_pct: dict[str, float] = Field(default_factory=dict, description="Share per answer, in percent.")
    counts: dict[str, int] = Field(default_factory=dict, description="Absolute numbers as announced.")
    sources: list[Id] = Field(min_length=1)
    note: str | None = None


class Vote(_Model):
    """The referendum being assessed."""

    id: Id
    name: str
    date: dt.date
    territory: str
    state: str | None = Field(default=None, description="State whose territory the vote was held on.")
    kind: Id = Field(default="status", description="Vote kind, e.g. 'status' (territorial status), 'constitutional', 'policy'.")
    questions: list[str] = Field(min_length=1, description="Ballot question(s), as reported (say which translation).")
    organiser: str
    description: str | None = None
    claimed_results: list[ClaimedResult] = Field(default_factory=list)


class EvidenceRecord(_Model):
    """A finding from cited sources that supports a rubric level for one or more criteria."""

    id: Id
    criteria: list[Id] = Field(min_length=1, description="Criterion ids this finding bears on.")
    finding: str = Field(min_length=10, description="What the sources report, in neutral words.")
    level: Level = Field(description="The rubric level this finding supports.")
    sources: list[Id] = Field(min_length=1)
    claimed_by: str | None = Field(
        default=None, description="If the finding is a party's claim, who made it (the record then reports the claim)."
    )
    confidence: Confidence = Confidence.medium
    quote: str | None = Field(default=None, max_length=600, description="Short verbatim quote from the source.")
    location: str | None = Field(default=None, description="Where in the source (page, paragraph, section).")


class Gap(_Model):
    """Evidence looked for and not found: shown in the report, never scored."""

    id: Id
    criteria: list[Id] = Field(min_length=1)
    looked_for: str = Field(min_length=10, description="What was searched for, and where.")


class SourceRegistry(_Model):
    """Sources shared by several dossiers (``sources.yaml``), defined once and cited by id."""

    sources: list[Source] = Field(min_length=1)


class Dossier(_Model):
    """A vote, the sources about it and the evidence records drawn from them.

    A record may also cite a source defined in the shared registry (``sources.yaml`` in the
    dossier's folder, or the bundled one); the loader adds the registry sources it cites.
    """

    vote: Vote
    sources: list[Source] = Field(default_factory=list)
    evidence: list[EvidenceRecord] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    criteria_framework: Id | None = Field(
        default=None,
        description="Framework whose criterion ids the records cite (default venice-2022); "
        "another framework reads them through the bundled crosswalk.",
    )

    @property
    def source_index(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


# --------------------------------------------------------------------------- crosswalk


class PeiDimension(_Model):
    """One of the 11 stages of the electoral cycle in the Perceptions of Electoral Integrity index."""

    id: Id
    title: str


class CrosswalkEntry(_Model):
    """How one criterion of a framework relates to the Venice criteria and to the PEI dimensions."""

    framework: Id = Field(description="Framework of the criterion, e.g. 'copenhagen-1990' or 'venice-2022'.")
    criterion: Id
    venice: list[Id] = Field(
        default_factory=list,
        description="venice-2022 criteria (incl. its modules) whose evidence bears on this criterion; "
        "empty for venice-2022's own criteria.",
    )
    pei: list[Id] = Field(default_factory=list, description="PEI dimensions this criterion belongs to.")
    reason: str | None = Field(
        default=None, description="Why a mapping is empty (e.g. 'no PEI stage covers the legal basis of a referendum')."
    )


class Crosswalk(_Model):
    """Maps the criteria of every bundled framework onto the Venice criteria and the PEI dimensions."""

    id: Id
    title: str
    pei_source: str = Field(description="Citation of the PEI index the dimensions come from.")
    pei_dimensions: list[PeiDimension] = Field(min_length=1)
    entries: list[CrosswalkEntry] = Field(min_length=1)


FrameworkExtension.model_rebuild()
