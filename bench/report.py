"""Benchmark: `legitimacy assess` end to end against a bare WeasyPrint render of the same HTML.

Run by hand:  python bench/report.py [DOSSIER] [--repeat N]
Prints the median time of each, then the ratio (assess / bare render) as its last line. Both are
measured in the same run on the same machine, so the ratio is what to compare across changes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Measure the checkout this script sits in, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dossier", nargs="?", default="donetsk-2014")
    parser.add_argument("--framework", default="venice-2022")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import weasyprint
    from typer.testing import CliRunner

    import legitimacy
    from legitimacy._resources import data_dir
    from legitimacy.cli import app
    from legitimacy.report import render_html

    framework = legitimacy.load_framework(args.framework)
    dossier = legitimacy.load_dossier(args.dossier, framework)
    html = render_html(legitimacy.assess(framework, dossier), framework, dossier)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"

        def end_to_end() -> None:
            result = runner.invoke(app, ["assess", args.dossier, "-f", args.framework, "-o", str(out)])
            assert result.exit_code == 0, result.output

        def bare() -> None:
            # The baseline: WeasyPrint's default fetcher and no loading, scoring or templating.
            weasyprint.HTML(string=html, base_url=data_dir("reports").as_uri() + "/").write_pdf()

        end_to_end()  # warm caches (fonts, imports) for both
        bare()
        t_assess = _median(end_to_end, args.repeat)
        t_bare = _median(bare, args.repeat)
        pages = len(__import__("pypdf").PdfReader(str(out)).pages) if _has_pypdf() else "?"
    print(f"dossier: {args.dossier} ({len(dossier.evidence)} records), framework: {args.framework}, pages: {pages}")
    print(f"assess end to end (median of {args.repeat}): {t_assess:.3f} s")
    print(f"bare WeasyPrint render (median of {args.repeat}): {t_bare:.3f} s")
    print(f"ratio assess/bare: {t_assess / t_bare:.2f}")


def _has_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
