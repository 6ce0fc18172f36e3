"""The command line, run for real: exit codes, messages, outputs written whole or not at all."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from legitimacy import __version__

from .conftest import MINI_DOSSIER, MINI_FRAMEWORK

BAD = Path(__file__).parent / "bad"


def test_assess_writes_a_pdf(cli, tmp_path: Path) -> None:
    out = tmp_path / "mini.pdf"
    code, stdout, stderr = cli("assess", MINI_DOSSIER, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "Fell short of international standards" in stdout
    assert not list(tmp_path.glob(".*.tmp"))
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # readable like any file the user writes


def test_assess_json_and_html(cli, tmp_path: Path) -> None:
    out = tmp_path / "mini.json"
    code, _, stderr = cli("assess", MINI_DOSSIER, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 0, stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["assessment"]["verdict"]["label"] == "Fell short of international standards"
    assert payload["assessment"]["method"]["claim_weight"] == 0.5
    html = tmp_path / "report.out"
    code, _, _ = cli("assess", MINI_DOSSIER, "-f", MINI_FRAMEWORK, "-o", html, "--format", "html")
    assert code == 0 and html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_assess_bundled_dossier_by_id(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = cli("assess", "donetsk-2014", "--format", "json")
    assert code == 0, stderr
    payload = json.loads((tmp_path / "donetsk-2014.json").read_text(encoding="utf-8"))
    assert payload["framework"]["id"] == "venice-2022"
    assert payload["vote"]["date"] == "2014-05-11"


@pytest.mark.parametrize("bad", ["unknown-source.yaml", "yaml-syntax.yaml", "level-out-of-range.yaml"])
def test_assess_bad_input_exits_2_and_writes_nothing(cli, tmp_path: Path, bad: str) -> None:
    out = tmp_path / "never.pdf"
    code, stdout, stderr = cli("assess", BAD / bad, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 2
    assert stderr.startswith(f"{BAD / bad}:")
    assert "Traceback" not in stdout + stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_assess_unknown_id_and_missing_file(cli, tmp_path: Path) -> None:
    code, _, stderr = cli("assess", "atlantis-1999", "-o", tmp_path / "x.pdf")
    assert code == 2 and "no dossier 'atlantis-1999'" in stderr and "donetsk-2014" in stderr
    code, _, stderr = cli("assess", tmp_path / "missing.yaml", "-o", tmp_path / "x.pdf")
    assert code == 2 and "missing.yaml: no such file" in stderr
    code, _, stderr = cli("assess", "donetsk-2014", "-f", "no-such-framework", "-o", tmp_path / "x.pdf")
    assert code == 2 and "no framework 'no-such-framework'" in stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_pango_is_one_line_not_a_traceback(cli, tmp_path: Path, monkeypatch) -> None:
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    out = tmp_path / "x.pdf"
    code, stdout, stderr = cli("assess", MINI_DOSSIER, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 1
    assert len(stderr.strip().splitlines()) == 1
    assert "Pango" in stderr and "libpango-1.0-0" in stderr
    assert not out.exists()


def test_validate(cli) -> None:
    code, stdout, _ = cli("validate", MINI_DOSSIER, "-f", MINI_FRAMEWORK)
    assert code == 0 and "ok" in stdout
    code, _, stderr = cli("validate", MINI_DOSSIER, BAD / "unknown-source.yaml", BAD / "missing-field.yaml", "-f", MINI_FRAMEWORK)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert lines == [
        f"{BAD / 'unknown-source.yaml'}:12: evidence[0].sources[0]: unknown source id 'tass-2014'; known ids: tass-2014-05-07-osce-roadmap",
        f"{BAD / 'missing-field.yaml'}:2: vote.date: required field is missing",
    ]


def test_validate_bundled_files(cli) -> None:
    from legitimacy import bundled_dossiers, bundled_frameworks

    files = [*bundled_frameworks().values(), *bundled_dossiers().values()]
    code, stdout, stderr = cli("validate", *files)
    assert code == 0, stderr
    assert stdout.count(": ok") == len(files)


def test_list_schema_version_and_help(cli) -> None:
    code, stdout, _ = cli("list")
    assert code == 0 and "donetsk-2014" in stdout and "venice-2022" in stdout and "invalid" not in stdout
    code, stdout, _ = cli("schema", "dossier")
    schema = json.loads(stdout)
    assert {"vote", "sources", "evidence"} <= set(schema["properties"])
    code, stdout, _ = cli("schema", "framework")
    assert "dimensions" in json.loads(stdout)["properties"]
    code, stdout, _ = cli("--version")
    assert code == 0 and stdout.strip() == f"legitimacy {__version__}"
    for kind, key in [("extension", "extends"), ("sources", "sources"), ("crosswalk", "pei_dimensions")]:
        code, stdout, _ = cli("schema", kind)
        assert code == 0 and key in json.loads(stdout)["properties"], kind
    commands = [["assess"], ["validate"], ["list"], ["schema"], ["import"], ["template"],
                ["criteria", "show"], ["criteria", "diff"]]
    for command in commands:
        code, stdout, _ = cli(*command, "--help")
        assert code == 0 and "Example: legitimacy " + " ".join(command) in stdout, command


def test_help_and_validate_do_not_import_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from legitimacy.cli import app\n"
        f"r = CliRunner().invoke(app, ['validate', {str(MINI_DOSSIER)!r}, '-f', {str(MINI_FRAMEWORK)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "print(sorted(m for m in ('weasyprint', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "legitimacy", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"legitimacy {__version__}"


def test_template_then_import_round_trips_a_dossier(cli, tmp_path: Path, mini_framework, mini_dossier) -> None:
    import legitimacy

    workbook = tmp_path / "evidence.xlsx"
    code, _, stderr = cli("template", workbook, "-f", MINI_FRAMEWORK, "--from", MINI_DOSSIER)
    assert code == 0, stderr
    out = tmp_path / "back.yaml"
    code, stdout, stderr = cli("import", workbook, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 0, stderr
    assert "5 records, 3 sources, 1 gaps" in stdout
    assert legitimacy.load_dossier(out, mini_framework) == mini_dossier


def test_import_of_an_empty_template_names_sheet_row_and_column(cli, tmp_path: Path) -> None:
    workbook = tmp_path / "empty.xlsx"
    assert cli("template", workbook, "-f", MINI_FRAMEWORK)[0] == 0
    out = tmp_path / "never.yaml"
    code, stdout, stderr = cli("import", workbook, "-f", MINI_FRAMEWORK, "-o", out)
    assert code == 2 and "Traceback" not in stdout + stderr
    assert f"{workbook}:2: Vote!B (value): id: required value is missing" in stderr.splitlines()
    assert not out.exists()


def test_csv_import_needs_its_companion_files(cli, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.csv"
    evidence.write_text("id,criteria,finding,level,sources\n", encoding="utf-8")
    code, _, stderr = cli("import", evidence)
    assert code == 2 and "needs --sources FILE.csv and --vote FILE.csv" in stderr
