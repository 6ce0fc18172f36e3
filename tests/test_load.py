"""Loading: every bundled file loads; every mistake in tests/bad/ gives its own located message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import legitimacy
from legitimacy.errors import EvidenceError, NotFoundError
from legitimacy.load import validate_file

from .conftest import MINI_FRAMEWORK

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def test_every_bundled_framework_loads() -> None:
    frameworks = legitimacy.bundled_frameworks()
    assert "venice-2022" in frameworks
    for ident in frameworks:
        framework = legitimacy.load_framework(ident)
        assert framework.id == ident
        assert framework.criteria, ident


@pytest.mark.parametrize("ident", sorted(legitimacy.bundled_dossiers()))
def test_every_bundled_dossier_loads_and_validates(ident: str, venice: legitimacy.Framework) -> None:
    dossier = legitimacy.load_dossier(ident, venice)
    assert dossier.vote.id == ident
    assert validate_file(legitimacy.bundled_dossiers()[ident], venice) == []


def test_bundled_dossiers_include_donbas() -> None:
    assert {"donetsk-2014", "luhansk-2014"} <= set(legitimacy.bundled_dossiers())


def _expected(path: Path) -> tuple[int, str, str]:
    match = re.match(r"# expect: (\d+): ([^:]*): (.+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} lacks an '# expect: LINE: FIELD: MESSAGE' header"
    return int(match[1]), match[2], match[3]


def test_bad_corpus_is_not_empty() -> None:
    assert len(BAD) >= 15


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_gives_exactly_its_own_problem(path: Path, mini_framework: legitimacy.Framework) -> None:
    line, field, message = _expected(path)
    problems = validate_file(path, mini_framework)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.line == line, str(problem)
    assert problem.field == field, str(problem)
    assert message in problem.message, str(problem)
    assert str(problem).startswith(f"{path}:{line}: ")


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path, mini_framework) -> None:
    bad = tmp_path / "many.yaml"
    bad.write_text(
        "vote: {id: v, name: V, date: 2020-01-01, territory: T, questions: [Q], organiser: O}\n"
        "sources:\n"
        "  - {id: s, title: T, publisher: P, url: 'https://example.org', kind: media, reliability: B}\n"
        "evidence:\n"
        "  - {id: r1, criteria: [nope], finding: A finding here., level: 9, sources: [s]}\n"
        "  - {id: r2, criteria: [law_basis], finding: A finding here., level: 1, sources: [missing]}\n",
        encoding="utf-8",
    )
    with pytest.raises(EvidenceError) as info:
        legitimacy.load_dossier(bad, mini_framework)
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(5, "evidence[0].level"), (5, "evidence[0].criteria[0]"), (6, "evidence[1].sources[0]")}


def test_unknown_dossier_id_names_the_bundled_ones() -> None:
    with pytest.raises(NotFoundError, match="donetsk-2014"):
        legitimacy.load_dossier("no-such-vote")


def test_include_cycle_is_reported(tmp_path: Path) -> None:
    body = (
        "title: T\npublisher: P\ndocument: D\nversion: '1'\n"
        "dimensions:\n  - id: d_{n}\n    title: Dim\n    criteria:\n"
        "      - id: c_{n}\n        title: Crit\n        question: Is this a question?\n"
        "        references: [{{document: D, paragraph: '1'}}]\n"
        "        rubric: {{0: a, 1: b, 2: c, 3: d, 4: e}}\n"
    )
    (tmp_path / "a.yaml").write_text("id: a\nincludes: [b]\n" + body.format(n="a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\nincludes: [a]\n" + body.format(n="b"), encoding="utf-8")
    problems = validate_file(tmp_path / "a.yaml")
    assert len(problems) == 1 and "include cycle: a -> b -> a" in problems[0].message


def test_framework_includes_module_dimensions(venice: legitimacy.Framework) -> None:
    ids = [d.id for d in venice.dimensions]
    assert "negotiation_consent" in ids and "legal_basis" in ids
    assert len(ids) == len(set(ids))


def test_validate_file_accepts_the_fixture_dossier() -> None:
    assert validate_file(Path(__file__).parent / "fixtures" / "mini-dossier.yaml", legitimacy.load_framework(MINI_FRAMEWORK)) == []


def test_a_dossier_cites_the_registry_beside_it(tmp_path: Path, mini_framework) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: shared-report, title: Shared report, publisher: Body, url: 'https://example.org/r',"
        " kind: international_body, reliability: A, reliability_note: Mission report read in the original.}\n",
        encoding="utf-8",
    )
    dossier = tmp_path / "vote.yaml"
    dossier.write_text(
        "vote: {id: v, name: V, date: 2020-01-01, territory: T, questions: [Q], organiser: O}\n"
        "evidence:\n"
        "  - {id: r1, criteria: [law_basis], finding: A finding here., level: 3, sources: [shared-report]}\n",
        encoding="utf-8",
    )
    loaded = legitimacy.load_dossier(dossier, mini_framework)
    assert [s.id for s in loaded.sources] == ["shared-report"]
    assert validate_file(tmp_path / "sources.yaml") == []

    clash = tmp_path / "clash.yaml"
    clash.write_text(
        dossier.read_text(encoding="utf-8")
        + "sources:\n  - {id: shared-report, title: T, publisher: P, url: 'https://example.org/x', kind: media, reliability: B}\n",
        encoding="utf-8",
    )
    problems = validate_file(clash, mini_framework)
    assert [(p.line, p.field) for p in problems] == [(5, "sources[0].id")]
    assert "also defined in the registry" in problems[0].message
