"""legitimacy: assess whether a referendum met international standards, and show why.

>>> import legitimacy
>>> framework = legitimacy.load_framework("venice-2022")
>>> dossier = legitimacy.load_dossier("donetsk-2014", framework)
>>> assessment = legitimacy.assess(framework, dossier)
>>> assessment.verdict.label  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    CriteriaError,
    EvidenceError,
    FormatError,
    LegitimacyError,
    NotFoundError,
    Problem,
    RenderError,
)
from .load import (
    bundled_dossiers,
    bundled_frameworks,
    load_crosswalk,
    load_dossier,
    load_framework,
    load_source_registry,
    validate_file,
)
from .models import Criterion, Dimension, Dossier, EvidenceRecord, Framework, Gap, Source, Vote
from .scoring import Assessment, Method, assess, pei_profile

__all__ = [
    "__version__",
    "Assessment",
    "Criterion",
    "CriteriaError",
    "Dimension",
    "Dossier",
    "EvidenceError",
    "EvidenceRecord",
    "FormatError",
    "Framework",
    "Gap",
    "LegitimacyError",
    "Method",
    "NotFoundError",
    "Problem",
    "RenderError",
    "Source",
    "Vote",
    "assess",
    "bundled_dossiers",
    "bundled_frameworks",
    "load_crosswalk",
    "load_source_registry",
    "pei_profile",
    "load_dossier",
    "load_framework",
    "validate_file",
]
