"""Shared fixtures: the miniature framework and dossier, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import legitimacy
from legitimacy.cli import app

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
MINI_FRAMEWORK = FIXTURES / "mini-framework.yaml"
MINI_DOSSIER = FIXTURES / "mini-dossier.yaml"


@pytest.fixture(scope="session")
def mini_framework() -> legitimacy.Framework:
    return legitimacy.load_framework(MINI_FRAMEWORK)


@pytest.fixture(scope="session")
def mini_dossier(mini_framework: legitimacy.Framework) -> legitimacy.Dossier:
    return legitimacy.load_dossier(MINI_DOSSIER, mini_framework)


@pytest.fixture(scope="session")
def venice() -> legitimacy.Framework:
    return legitimacy.load_framework("venice-2022")


@pytest.fixture(scope="session")
def donetsk(venice: legitimacy.Framework) -> legitimacy.Dossier:
    return legitimacy.load_dossier("donetsk-2014", venice)


class Cli:
    """Runs the real command-line app in-process and returns (exit code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path) -> tuple[int, str, str]:
        result = self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def cli() -> Cli:
    return Cli()
