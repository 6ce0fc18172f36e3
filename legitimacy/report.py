"""Report stage: an assessment to HTML, PDF or JSON. Templates hold layout; numbers come from here.

Evidence text is untrusted: Jinja2 autoescapes everything, and WeasyPrint gets a fetcher that
serves the package's own templates and fonts and refuses every other URL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import __version__
from ._atomic import write_atomic  # noqa: F401  (re-exported: the CLI writes reports with it)
from ._resources import data_dir, font_dir
from .errors import RenderError
from .models import Dossier, Framework, Reliability, Source
from .scoring import Assessment, LensRow, Status

PANGO_HINT = (
    "WeasyPrint could not load the Pango library it needs to make PDFs; install it "
    "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0) or use --format html/json"
)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(data_dir("reports"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _generated() -> dt.datetime:
    """Generation time; SOURCE_DATE_EPOCH fixes it for reproducible documents."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC)


class _Citations:
    """Numbers sources in the order the report first cites them."""

    def __init__(self, sources: dict[str, Source]):
        self._sources = sources
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> list[int]:
        out = []
        for ident in ids:
            if ident not in self.numbers:
                self.numbers[ident] = len(self.numbers) + 1
            out.append(self.numbers[ident])
        return sorted(set(out))

    def bibliography(self) -> list[dict[str, Any]]:
        for ident in self._sources:  # sources listed in the dossier but not cited come last
            self.cite([ident])
        return [
            {"number": n, "source": self._sources[i]}
            for i, n in sorted(self.numbers.items(), key=lambda kv: kv[1])
        ]


def build_context(
    assessment: Assessment, framework: Framework, dossier: Dossier, profile: tuple[LensRow, ...] = ()
) -> dict[str, Any]:
    """Everything the templates show, computed and ordered here."""
    cites = _Citations(dossier.source_index)
    records = {r.id: r for r in dossier.evidence}
    gaps = {g.id: g for g in dossier.gaps}
    claimed = [
        {"result": r, "citations": cites.cite(r.sources)} for r in dossier.vote.claimed_results
    ]
    sections = []
    gap_count = 0
    for dim in framework.dimensions:
        result = assessment.dimension(dim.id)
        rows = []
        for crit in dim.criteria:
            cres = assessment.criterion(crit.id)
            evidence = sorted((records[i] for i in cres.record_ids), key=lambda r: (-r.level, r.id))
            nearest = None if cres.level is None else int(cres.level + 0.5)
            if cres.status is Status.gap:
                gap_count += 1
            rows.append({
                "criterion": crit,
                "result": cres,
                "level": _fmt(cres.level, 1),
                "score": _fmt(cres.score),
                "nearest": nearest,
                "descriptor": crit.rubric[nearest] if nearest is not None else None,
                "evidence": [{"record": r, "citations": cites.cite(r.sources)} for r in evidence],
                "gaps": [gaps[g] for g in cres.gap_ids],
                "capped": crit.id in assessment.verdict.capped_by,
            })
        sections.append({
            "dimension": dim,
            "result": result,
            "score": _fmt(result.score),
            "coverage": _pct(result.coverage),
            "rows": rows,
            "gaps": [r for r in rows if r["result"].status is Status.gap],
        })
    criteria = framework.criteria
    method = assessment.method
    scale, rule = _reliability_scale()
    return {
        "vote": dossier.vote,
        "framework": framework,
        "assessment": assessment,
        "verdict": assessment.verdict,
        "score": _fmt(assessment.score),
        "coverage": _pct(assessment.coverage),
        "sections": sections,
        "claimed": claimed,
        "capped_titles": [criteria[c].title for c in assessment.verdict.capped_by],
        "counts": {
            "records": len(dossier.evidence),
            "sources": len(dossier.sources),
            "criteria": sum(1 for c in assessment.criteria if c.status is not Status.not_applicable),
            "scored": sum(1 for c in assessment.criteria if c.status is Status.scored),
            "gaps": gap_count,
        },
        "method": method,
        "reliability_weights": [(g.value, method.reliability_weights[g]) for g in Reliability],
        "reliability_scale": scale,
        "reliability_rule": rule,
        "bands": sorted(method.bands, key=lambda b: -b.min_score),
        "bibliography": cites.bibliography(),
        "generated": _generated().strftime("%d %B %Y, %H:%M UTC"),
        "version": __version__,
        "fonts": _font_faces(),
        "profile": [
            {"row": r, "score": _fmt(r.score), "coverage": _pct(r.coverage)} for r in profile
        ],
        "lens": dossier.criteria_framework
        if dossier.criteria_framework not in (None, framework.id, *framework.based_on) else None,
    }


def _reliability_scale() -> tuple[list[tuple[str, str]], str]:
    """The grades and the rule for choosing one, from ``Reliability``'s docstring (one wording, two places)."""
    paragraphs = [" ".join(p.split()) for p in (Reliability.__doc__ or "").split("\n\n")]
    scale: list[tuple[str, str]] = []
    for line in (Reliability.__doc__ or "").split("\n\n")[1].splitlines():
        line = line.strip()
        if len(line) > 2 and line[0] in "ABCDE" and line[1] == " ":
            scale.append((line[0], line[1:].strip()))
        elif scale and line:
            scale[-1] = (scale[-1][0], f"{scale[-1][1]} {line}")
    return scale, paragraphs[2].replace("``", "") if len(paragraphs) > 2 else ""


def _font_faces() -> list[dict[str, str]]:
    folder = font_dir()
    if folder is None:
        return []
    faces = [
        ("DejaVu Sans", "normal", "normal", "DejaVuSans.ttf"),
        ("DejaVu Sans", "bold", "normal", "DejaVuSans-Bold.ttf"),
        ("DejaVu Sans", "normal", "italic", "DejaVuSans-Oblique.ttf"),
        ("DejaVu Sans", "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
        ("DejaVu Serif", "normal", "normal", "DejaVuSerif.ttf"),
        ("DejaVu Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
        ("DejaVu Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
    ]
    return [
        {"family": fam, "weight": w, "style": s, "url": (folder / f).as_uri()}
        for fam, w, s, f in faces
        if (folder / f).is_file()
    ]


def render_html(
    assessment: Assessment, framework: Framework, dossier: Dossier, profile: tuple[LensRow, ...] = ()
) -> str:
    """The assessment as a standalone HTML document (the stable thing the PDF is made from).

    ``profile`` (from ``scoring.pei_profile``) adds the assessment regrouped by the PEI stages.
    """
    context = build_context(assessment, framework, dossier, profile)
    return _environment().get_template("assessment.html.j2").render(**context)


def _fetcher(refused: list[str]):  # -> weasyprint.urls.URLFetcher
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [data_dir("reports").resolve()]
    if (fonts := font_dir()) is not None:
        allowed.append(fonts.resolve())

    class AssetFetcher(URLFetcher):
        """Serves files inside the package's own template and font folders; refuses all else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            from urllib.parse import unquote, urlparse

            parsed = urlparse(url)
            if parsed.scheme == "file" and not parsed.netloc:
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
            refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: reports may only use the package's own assets")

    return AssetFetcher()


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


def render_pdf(html: str, refused: list[str] | None = None) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint, fetching nothing but the package's assets."""
    try:
        import weasyprint
    except OSError as exc:  # Pango (a system library) is missing
        raise RenderError(f"{PANGO_HINT} ({exc})".splitlines()[0]) from None
    refused = refused if refused is not None else []
    base = data_dir("reports").resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=_fetcher(refused))
    return document.write_pdf()


def assessment_json(
    assessment: Assessment, framework: Framework, dossier: Dossier, profile: tuple[LensRow, ...] = ()
) -> str:
    """The assessment with its inputs' identity and the full method, for machines."""
    payload = {
        "tool": {"name": "legitimacy", "version": __version__},
        "vote": dossier.vote.model_dump(mode="json"),
        "framework": {"id": framework.id, "version": framework.version, "title": framework.title},
        "assessment": assessment.model_dump(mode="json"),
        "pei_profile": [r.model_dump(mode="json") for r in profile],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
