"""Report: a real PDF read back; untrusted text rendered literally; nothing fetched but our assets."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

import legitimacy
from legitimacy.report import _fetcher, build_context, render_html, render_pdf

FIXTURES = Path(__file__).parent / "fixtures"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def donetsk_pdf(venice, donetsk) -> tuple[bytes, legitimacy.Assessment]:
    assessment = legitimacy.assess(venice, donetsk)
    refused: list[str] = []
    pdf = render_pdf(render_html(assessment, venice, donetsk), refused)
    assert refused == []
    return pdf, assessment


def test_donetsk_pdf_holds_verdict_dimensions_and_bibliography(donetsk_pdf, venice, donetsk) -> None:
    pdf, assessment = donetsk_pdf
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 10
    text = _text(pdf)
    squashed = _squash(text)
    assert _squash(assessment.verdict.label) in squashed
    for dim in venice.dimensions:
        assert _squash(dim.title) in squashed, dim.title
    urls = [s.url for s in donetsk.sources if s.url]
    assert [u for u in urls if _squash(u) not in squashed] == []
    assert "Page 1 of" in text and "Methodology" in text and "Sources" in text


def test_pdf_pages_are_a4_with_embedded_dejavu(donetsk_pdf) -> None:
    pdf, _ = donetsk_pdf
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    fonts = set()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("DejaVu" in f for f in fonts), fonts


def test_report_explains_the_reliability_grades(venice, donetsk) -> None:
    context = build_context(legitimacy.assess(venice, donetsk), venice, donetsk)
    assert [g for g, _ in context["reliability_scale"]] == ["A", "B", "C", "D", "E"]
    assert "D at best" in context["reliability_rule"] and "C at most" in context["reliability_rule"]
    assert not any("Decided in this order" in text for _, text in context["reliability_scale"])


def test_every_gap_is_named_in_the_report(venice, donetsk) -> None:
    assessment = legitimacy.assess(venice, donetsk)
    context = build_context(assessment, venice, donetsk)
    gaps = {row["criterion"].id for s in context["sections"] for row in s["gaps"]}
    expected = {c.criterion_id for c in assessment.criteria if c.status.value == "gap"}
    assert gaps == expected
    html = render_html(assessment, venice, donetsk)
    for cid in expected:
        assert venice.criteria[cid].title.replace("'", "&#39;") in html


def test_untrusted_text_renders_literally_and_fetches_nothing(mini_framework) -> None:
    dossier = legitimacy.load_dossier(FIXTURES / "injection-dossier.yaml", mini_framework)
    assessment = legitimacy.assess(mini_framework, dossier)
    html = render_html(assessment, mini_framework, dossier)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "<iframe" not in html and "<link rel=\"stylesheet\" href=\"http" not in html
    refused: list[str] = []
    pdf = render_pdf(html, refused)
    assert refused == []  # nothing was even attempted
    text = _text(pdf)
    assert "<script>document.write('pwned')</script>" in text
    assert '<img src="file:///etc/passwd">' in _squash(text) or '<imgsrc="file:///etc/passwd">' in _squash(text)
    assert "Поддерживаете ли вы акт о самостоятельности?" in text  # Cyrillic renders and extracts


def test_fetcher_refuses_files_and_urls_outside_the_package() -> None:
    refused: list[str] = []
    html = (
        '<html><body><img src="file:///etc/passwd"><img src="https://example.invalid/x.png">'
        '<link rel="stylesheet" href="http://example.invalid/a.css"><p>still renders</p></body></html>'
    )
    pdf = render_pdf(html, refused)
    assert "still renders" in _text(pdf)
    assert set(refused) == {"file:///etc/passwd", "https://example.invalid/x.png", "http://example.invalid/a.css"}
    fetcher = _fetcher(refused)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("file:///etc/hostname")


def test_fetcher_serves_the_packaged_stylesheet() -> None:
    from legitimacy._resources import data_dir

    refused: list[str] = []
    response = _fetcher(refused).fetch((data_dir("reports") / "assessment.css").as_uri())
    assert b"@page" in response.read()
    assert refused == []


@pytest.mark.parametrize("ident", sorted(legitimacy.bundled_dossiers()))
def test_every_bundled_dossier_gives_a_pdf_naming_its_gaps(ident: str, cli, tmp_path: Path, venice) -> None:
    out = tmp_path / f"{ident}.pdf"
    code, stdout, stderr = cli("assess", ident, "-o", out)
    assert code == 0, stderr
    text = _squash(_text(out.read_bytes()))
    assessment = legitimacy.assess(venice, legitimacy.load_dossier(ident, venice))
    assert _squash(assessment.verdict.label) in text
    dims_with_gaps = {c.dimension_id for c in assessment.criteria if c.status.value == "gap"}
    assert text.count(_squash("Gaps in this dimension:")) == len(dims_with_gaps)
    for c in assessment.criteria:
        if c.status.value == "gap":
            assert _squash(venice.criteria[c.criterion_id].title) in text, c.criterion_id
    assert _squash("Through the lens of the PEI index") in text
