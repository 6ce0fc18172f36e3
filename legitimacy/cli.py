"""Command line: a thin shell over the public API (load -> score -> report).

Bad input exits 2 with one ``file:line: field: message`` line per problem; a failed run exits 1.
WeasyPrint, pandas and scipy are imported only by the commands that need them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import FormatError, LegitimacyError, NotFoundError, RenderError

app = typer.Typer(
    name="legitimacy",
    help="Assess whether a referendum met international standards, with every conclusion traced to cited evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class OutputFormat(str, Enum):
    pdf = "pdf"
    html = "html"
    json = "json"


class SchemaKind(str, Enum):
    framework = "framework"
    extension = "extension"
    dossier = "dossier"
    sources = "sources"
    crosswalk = "crosswalk"


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(exc: LegitimacyError) -> None:
    """Report an error without a traceback: 2 for bad input, 1 for a run that failed."""
    err = _stderr()
    if isinstance(exc, FormatError):
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        raise typer.Exit(2)
    err.print(f"error: {exc}", markup=False)
    raise typer.Exit(2 if isinstance(exc, NotFoundError) else 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"legitimacy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Assess referendums against international standards (Venice Commission Code, OSCE Copenhagen 1990).

    Example: legitimacy assess donetsk-2014 -o donetsk-2014.pdf
    """


@app.command()
def assess(
    dossier: Annotated[str, typer.Argument(help="Bundled dossier id (see 'legitimacy list') or path to a dossier YAML.")],
    framework: Annotated[str, typer.Option("-f", "--framework", help="Bundled framework id or path to a framework YAML.")] = "venice-2022",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output file (default: DOSSIER-ID.FORMAT here).")] = None,
    fmt: Annotated[Optional[OutputFormat], typer.Option("--format", help="pdf, html or json (default: from -o's suffix, else pdf).")] = None,
) -> None:
    """Assess a vote and write a PDF, HTML or JSON report.

    Example: legitimacy assess donetsk-2014 -o donetsk-2014.pdf
    """
    from . import load, report, scoring

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = OutputFormat(suffix) if suffix in {f.value for f in OutputFormat} else OutputFormat.pdf
    try:
        fw = load.load_framework(framework)
        doc = load.load_dossier(dossier, fw)
        result = scoring.assess(fw, doc)
        profile = scoring.pei_profile(result, fw, load.load_crosswalk())
        target = output or Path(f"{doc.vote.id}.{fmt.value}")
        if fmt is OutputFormat.json:
            payload: bytes | str = report.assessment_json(result, fw, doc, profile)
        else:
            html = report.render_html(result, fw, doc, profile)
            payload = html if fmt is OutputFormat.html else report.render_pdf(html)
        report.write_atomic(target, payload)
    except LegitimacyError as exc:
        _fail(exc)
        return
    from rich.console import Console

    out = Console(highlight=False)
    out.print(f"[bold]{doc.vote.name}[/bold] against {fw.title}", markup=True)
    out.print(f"Verdict: [bold]{result.verdict.label}[/bold]")
    score = "–" if result.score is None else f"{result.score:.0f}"
    out.print(f"Overall score {score}/100, evidence coverage {result.coverage:.0%}")
    out.print(f"Wrote {target}", markup=False)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Framework or dossier YAML files.")],
    framework: Annotated[str, typer.Option("-f", "--framework", help="Framework whose criterion ids dossiers must use.")] = "venice-2022",
) -> None:
    """Check framework and dossier files; print one 'file:line: field: message' line per problem.

    Exit status 0 when every file is valid, 2 otherwise.

    Example: legitimacy validate evidence/donetsk-2014.yaml my-vote.yaml
    """
    from . import load

    try:
        fw = load.load_framework(framework)
    except LegitimacyError as exc:
        _fail(exc)
        return
    err = _stderr()
    bad = 0
    for path in files:
        problems = load.validate_file(path, fw)
        for problem in problems:
            err.print(str(problem), markup=False)
        if problems:
            bad += 1
        else:
            typer.echo(f"{path}: ok")
    if bad:
        raise typer.Exit(2)


@app.command("list")
def list_bundled() -> None:
    """List the bundled frameworks and dossiers, one line each.

    Example: legitimacy list
    """
    from rich.console import Console
    from rich.table import Table

    from . import load

    def listing(kind: str, files: dict[str, Path], describe: Callable[[Path], str]) -> Table:
        table = Table(kind, "description", title=f"{kind.capitalize()}s", title_justify="left")
        for ident, path in files.items():
            try:
                table.add_row(ident, describe(path))
            except LegitimacyError as exc:
                table.add_row(ident, f"invalid: {str(exc).splitlines()[0]}")
        return table

    def framework_line(path: Path) -> str:
        fw = load.load_framework(path)
        return f"{fw.title} ({len(fw.criteria)} criteria in {len(fw.dimensions)} dimensions)"

    def dossier_line(path: Path) -> str:
        d = load.load_dossier(path)
        return f"{d.vote.name}, {d.vote.date:%d %B %Y} ({len(d.evidence)} records)"

    out = Console(highlight=False)
    out.print(listing("framework", load.bundled_frameworks(), framework_line))
    out.print(listing("dossier", load.bundled_dossiers(), dossier_line))


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which file format.")] = SchemaKind.dossier,
) -> None:
    """Print the JSON Schema of a file format, exported from the pydantic models.

    Formats: framework, extension (a framework that extends another), dossier, sources (a shared
    source registry), crosswalk.

    Example: legitimacy schema dossier > dossier.schema.json
    """
    from . import models

    model = {
        SchemaKind.framework: models.Framework,
        SchemaKind.extension: models.FrameworkExtension,
        SchemaKind.dossier: models.Dossier,
        SchemaKind.sources: models.SourceRegistry,
        SchemaKind.crosswalk: models.Crosswalk,
    }[kind]
    typer.echo(json.dumps(model.model_json_schema(), indent=2))


@app.command("import")
def import_evidence(
    workbook: Annotated[Path, typer.Argument(help="An .xlsx workbook (sheets Vote, Sources, Evidence, Gaps) or an evidence .csv.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Dossier YAML to write (default: VOTE-ID.yaml here).")] = None,
    framework: Annotated[str, typer.Option("-f", "--framework", help="Framework whose criterion ids the records must use.")] = "venice-2022",
    sources: Annotated[Optional[Path], typer.Option("--sources", help="With a .csv: the sources CSV.")] = None,
    vote: Annotated[Optional[Path], typer.Option("--vote", help="With a .csv: the vote CSV (field,value rows).")] = None,
    gaps: Annotated[Optional[Path], typer.Option("--gaps", help="With a .csv: an optional gaps CSV.")] = None,
    claims: Annotated[Optional[Path], typer.Option("--claims", help="With a .csv: an optional claimed-results CSV.")] = None,
) -> None:
    """Convert an evidence spreadsheet into a dossier YAML; errors name the sheet, row and column.

    Example: legitimacy import my-evidence.xlsx -o evidence/my-vote.yaml
    """
    from . import load, spreadsheet

    try:
        fw = load.load_framework(framework)
        if workbook.suffix.lower() == ".csv":
            if sources is None or vote is None:
                _stderr().print(f"{workbook}: a CSV import needs --sources FILE.csv and --vote FILE.csv", markup=False)
                raise typer.Exit(2)
            dossier = spreadsheet.read_csv(workbook, sources, vote, fw, gaps_csv=gaps, claims_csv=claims)
        else:
            if not workbook.is_file():
                raise NotFoundError(f"{workbook}: no such file")
            dossier = spreadsheet.read_workbook(workbook, fw)
        target = output or Path(f"{dossier.vote.id}.yaml")
        spreadsheet.write_dossier_yaml(dossier, target)
    except LegitimacyError as exc:
        _fail(exc)
        return
    typer.echo(f"Wrote {target} ({len(dossier.evidence)} records, {len(dossier.sources)} sources, {len(dossier.gaps)} gaps)")


@app.command()
def template(
    output: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).")],
    framework: Annotated[str, typer.Option("-f", "--framework", help="Framework whose criterion ids the drop-downs offer.")] = "venice-2022",
    from_dossier: Annotated[Optional[str], typer.Option("--from", help="Fill the workbook from this dossier (id or path).")] = None,
) -> None:
    """Write an evidence workbook with drop-downs of criterion ids, levels and source ids.

    Empty by default; with --from it holds an existing dossier, ready to edit and import again.

    Example: legitimacy template evidence.xlsx -f venice-2022
    """
    from . import load, spreadsheet

    try:
        fw = load.load_framework(framework)
        dossier = load.load_dossier(from_dossier, fw) if from_dossier else None
        spreadsheet.write_workbook(output, fw, dossier)
    except LegitimacyError as exc:
        _fail(exc)
        return
    typer.echo(f"Wrote {output}")


criteria_app = typer.Typer(help="Inspect frameworks: show one as a table, or compare two.", no_args_is_help=True)
app.add_typer(criteria_app, name="criteria")


@criteria_app.command("show")
def criteria_show(
    framework: Annotated[str, typer.Argument(help="Bundled framework id or path to a framework YAML.")],
) -> None:
    """Print a framework as a table: dimensions, criteria, weights, critical flags and references.

    Example: legitimacy criteria show venice-2022
    """
    from rich.console import Console
    from rich.table import Table

    from . import load

    try:
        fw = load.load_framework(framework)
    except LegitimacyError as exc:
        _fail(exc)
        return
    table = Table(title=f"{fw.title} ({fw.id} {fw.version})", title_justify="left")
    table.add_column("dimension", overflow="fold")
    # Ids are never cut or folded: analysts copy them into dossiers.
    table.add_column("criterion", no_wrap=True, min_width=max(len(c) for c in fw.criteria))
    table.add_column("title", overflow="fold")
    table.add_column("weight", justify="right")
    table.add_column("critical")
    table.add_column("references", overflow="fold")
    for dim in fw.dimensions:
        scope = f" [{', '.join(dim.applies_to)} votes]" if dim.applies_to else ""
        for i, crit in enumerate(dim.criteria):
            refs = "; ".join(f"{r.document} {r.paragraph}" for r in crit.references)
            table.add_row(f"{dim.id} (x{dim.weight:g}){scope}" if i == 0 else "", crit.id, crit.title,
                          f"{crit.weight:g}", "yes" if crit.critical else "", refs)
    out = Console(highlight=False)
    out.print(table)
    out.print(f"{len(fw.criteria)} criteria in {len(fw.dimensions)} dimensions"
              + (f"; based on {', '.join(fw.based_on)}" if fw.based_on else "")
              + (f"; {len(fw.out_of_scope)} guidelines out of scope" if fw.out_of_scope else ""))


@criteria_app.command("diff")
def criteria_diff(
    first: Annotated[str, typer.Argument(help="Framework A (id or path).")],
    second: Annotated[str, typer.Argument(help="Framework B (id or path), e.g. an extension of A.")],
) -> None:
    """Show what framework B adds, removes and changes relative to A.

    Example: legitimacy criteria diff venice-2022 my-weights.yaml
    """
    from . import frameworks, load

    try:
        a, b = load.load_framework(first), load.load_framework(second)
    except LegitimacyError as exc:
        _fail(exc)
        return
    changes = frameworks.diff(a, b)
    for change in changes:
        typer.echo(f"{change.kind:8} {change.what:9} {change.id}: {change.detail}")
    if not changes:
        typer.echo(f"{b.id} has the same dimensions, criteria and weights as {a.id}")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except RenderError as exc:  # pragma: no cover - commands catch their own
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
