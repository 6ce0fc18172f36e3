"""Spreadsheets: dossiers survive a trip through Excel, CSV and YAML; every mistake is located to its cell."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import legitimacy
from legitimacy.errors import EvidenceError, ProblemCode
from legitimacy.spreadsheet import read_csv, read_workbook, write_dossier_yaml, write_workbook


def _flat(exc: EvidenceError) -> list[tuple[int | None, str, ProblemCode]]:
    return sorted(((p.line, p.field, p.code) for p in exc.problems), key=str)


@pytest.mark.parametrize("ident", sorted(legitimacy.bundled_dossiers()))
def test_bundled_dossier_survives_workbook_and_yaml(ident: str, venice: legitimacy.Framework, tmp_path: Path) -> None:
    dossier = legitimacy.load_dossier(ident, venice)
    workbook = write_workbook(tmp_path / f"{ident}.xlsx", venice, dossier)
    assert read_workbook(workbook, venice) == dossier
    yaml = write_dossier_yaml(dossier, tmp_path / f"{ident}.yaml")
    assert legitimacy.load_dossier(yaml, venice) == dossier
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{ident}.xlsx", f"{ident}.yaml"]  # no temporary left


def test_outputs_are_ordinary_files(mini_framework, mini_dossier, tmp_path: Path) -> None:
    out = write_workbook(tmp_path / "mini.xlsx", mini_framework, mini_dossier)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_template_offers_drop_downs_from_a_hidden_lists_sheet(mini_framework, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "template.xlsx", mini_framework))
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"][1:] if c.value] == list(mini_framework.criteria)
    assert [c.value for c in lists["B"][1:] if c.value is not None] == [0, 1, 2, 3, 4]

    def dropdowns(sheet: str) -> dict[str, tuple[str, bool]]:
        return {
            str(dv.sqref).split(":")[0]: (dv.formula1, bool(dv.showErrorMessage))
            for dv in wb[sheet].data_validations.dataValidation
            if dv.type == "list"
        }

    evidence = dropdowns("Evidence")
    assert [c.value for c in wb["Evidence"][1]][:7] == [
        "id", "criteria", "finding", "level", "sources", "claimed_by", "confidence"
    ]
    assert evidence["B2"] == ("=Lists!$A$2:$A$6", False)  # criteria: one id picked or several typed
    assert evidence["D2"] == ("=Lists!$B$2:$B$6", True)  # level 0-4, nothing else
    assert evidence["E2"][1] is False  # sources
    assert evidence["G2"][1] is True  # confidence
    sources = dropdowns("Sources")
    assert [c.value for c in wb["Sources"][1]][6:8] == ["kind", "reliability"]
    assert sources["G2"][1] is True and sources["H2"][1] is True
    assert dropdowns("Gaps")["B2"] == ("=Lists!$A$2:$A$6", False)
    assert wb["Evidence"].freeze_panes == "A2"
    assert [r[0].value for r in wb["Vote"].iter_rows(min_row=2)] == [
        "id", "name", "date", "territory", "state", "kind", "questions", "organiser", "description"
    ]
    assert all(r[1].value is None for r in wb["Vote"].iter_rows(min_row=2))


def test_empty_template_reports_the_vote_fields_still_to_fill(mini_framework, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "template.xlsx", mini_framework)
    with pytest.raises(EvidenceError) as caught:
        read_workbook(path, mini_framework)
    assert [(p.line, p.field, p.message) for p in caught.value.problems][0] == (
        2, "Vote!B (value)", "id: required value is missing"
    )
    assert {p.message.split(":")[0] for p in caught.value.problems} == {
        "id", "name", "date", "territory", "questions", "organiser"
    }


def test_every_mistake_in_a_workbook_is_reported_at_its_cell(mini_framework, mini_dossier, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "evidence.xlsx", mini_framework, mini_dossier)
    wb = openpyxl.load_workbook(path)
    wb["Sources"]["E2"] = "example.org/a"  # url of s-a
    evidence = wb["Evidence"]
    evidence["D2"] = 7  # level of r1
    evidence["E3"] = "s-c, s-x"  # sources of r2
    evidence["C4"] = None  # finding of r3
    evidence["A6"] = "r1"  # id of r5
    wb.save(path)
    with pytest.raises(EvidenceError) as caught:
        read_workbook(path, mini_framework)
    assert _flat(caught.value) == sorted(
        [
            (2, "Sources!E (url)", ProblemCode.invalid_value),
            (2, "Evidence!D (level)", ProblemCode.invalid_value),
            (3, "Evidence!E (sources)", ProblemCode.unknown_source),
            (4, "Evidence!C (finding)", ProblemCode.missing_field),
            (6, "Evidence!A (id)", ProblemCode.duplicate_id),
        ],
        key=str,
    )
    text = str(caught.value).splitlines()
    assert f"{path}:2: Evidence!D (level): level 7 is outside the rubric (levels 0 to 4)" in text
    assert f"{path}:3: Evidence!E (sources): unknown source id 's-x'; known ids: s-a, s-b, s-c" in text
    assert f"{path}:6: Evidence!A (id): duplicate record id 'r1' (first at Evidence row 2)" in text
    assert any(line.startswith(f"{path}:2: Sources!E (url): not a web address") for line in text)


def test_unknown_criteria_are_checked_only_against_a_given_framework(
    mini_framework, mini_dossier, tmp_path: Path
) -> None:
    path = write_workbook(tmp_path / "evidence.xlsx", mini_framework, mini_dossier)
    wb = openpyxl.load_workbook(path)
    wb["Gaps"]["B2"] = "vote_secret, vote_secrecy"
    wb.save(path)
    with pytest.raises(EvidenceError) as caught:
        read_workbook(path, mini_framework)
    assert _flat(caught.value) == [(2, "Gaps!B (criteria)", ProblemCode.unknown_criterion)]
    assert read_workbook(path).gaps[0].criteria == ["vote_secret", "vote_secrecy"]


def _store_as_floats(path: Path, member: str, cells: list[str]) -> None:
    """Store whole numbers as '4.0', as some spreadsheet programs do (openpyxl writes '4')."""
    with zipfile.ZipFile(path) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    xml = members[member].decode()
    for cell in cells:
        xml, count = re.subn(rf'(<c r="{cell}" t="n"><v>)(\d+)(</v>)', r"\g<1>\g<2>.0\g<3>", xml)
        assert count == 1, cell
    members[member] = xml.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)


def test_cells_typed_by_hand_are_normalised(mini_framework, mini_dossier, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "evidence.xlsx", mini_framework, mini_dossier)
    wb = openpyxl.load_workbook(path)
    vote = wb["Vote"]
    date_row = next(r for r in vote.iter_rows(min_row=2) if r[0].value == "date")
    date_row[1].value = dt.datetime(2020, 1, 1)  # Excel stores a typed date as a datetime
    wb["Evidence"]["D2"] = 4
    wb["Evidence"]["I3"] = 12  # a page number in a text column
    wb["Sources"]["D2"] = dt.datetime(2019, 12, 31)
    wb["Evidence"].append([None] * 9)  # a blank row, and one after it
    wb["Evidence"].append(["r6", "law_basis ,vote_count", "A finding typed at the end.", 3, "s-a", None, "low"])
    wb.save(path)
    _store_as_floats(path, "xl/worksheets/sheet4.xml", ["D2", "I3"])
    dossier = read_workbook(path, mini_framework)
    assert dossier.vote.date == dt.date(2020, 1, 1)
    assert dossier.evidence[0] == mini_dossier.evidence[0]
    assert dossier.evidence[1].location == "12"
    assert dossier.sources[0].date == "2019-12-31"
    assert dossier.evidence[-1].criteria == ["law_basis", "vote_count"]


def test_missing_sheets_and_columns_are_reported(mini_framework, mini_dossier, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "evidence.xlsx", mini_framework, mini_dossier)
    wb = openpyxl.load_workbook(path)
    wb["Evidence"].delete_cols(3)  # finding
    wb["Evidence"]["J1"] = "notes"
    wb.save(path)
    with pytest.raises(EvidenceError) as caught:
        read_workbook(path, mini_framework)
    assert [(p.line, p.field, p.code) for p in caught.value.problems] == [
        (1, "Evidence!J (notes)", ProblemCode.unknown_field),
        (1, "Evidence (finding)", ProblemCode.missing_field),
    ]
    del wb["Sources"]
    wb.save(path)
    with pytest.raises(EvidenceError, match="required sheet 'Sources' is missing"):
        read_workbook(path, mini_framework)


def test_sources_may_come_from_the_shared_registry(mini_framework, mini_dossier, tmp_path: Path) -> None:
    """A workbook may cite a registry source without a row for it, but may not alter a registry entry."""
    (tmp_path / "sources.yaml").write_text(  # s-c exactly as in the mini dossier
        "sources:\n  - {id: s-c, title: Mirror of an article, publisher: A mirror, url: 'https://example.org/c',"
        " kind: encyclopedia, reliability: C}\n",
        encoding="utf-8",
    )
    path = write_workbook(tmp_path / "evidence.xlsx", mini_framework, mini_dossier)
    wb = openpyxl.load_workbook(path)
    wb["Sources"].delete_rows(4)  # s-c, cited by r2 and r4
    wb.save(path)
    assert read_workbook(path, mini_framework) == mini_dossier

    yaml = write_dossier_yaml(mini_dossier, tmp_path / "mini.yaml")
    assert "id: s-c" not in yaml.read_text(encoding="utf-8")  # the loader adds it back from the registry
    assert legitimacy.load_dossier(yaml, mini_framework) == mini_dossier

    wb["Sources"].append(["s-c", "Another title", "A mirror", None, "https://example.org/c", None, "encyclopedia", "C"])
    wb.save(path)
    with pytest.raises(EvidenceError) as caught:
        read_workbook(path, mini_framework)
    assert _flat(caught.value) == [(4, "Sources!A (id)", ProblemCode.duplicate_id)]
    assert "also defined, differently, in the registry" in str(caught.value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def csv_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "vote_csv": _write(
            tmp_path / "vote.csv",
            "field,value\nid,csv-vote\nname,A vote kept in CSV\ndate,2021-05-02\nterritory,Testland\n"
            'questions,"Do you agree, or not?"\nquestions,Second question?\norganiser,The commission\n',
        ),
        "sources_csv": _write(
            tmp_path / "sources.csv",
            "id,title,publisher,date,url,kind,reliability\n"
            "s-a,Mission report,A body,2021-06,https://example.org/a,international_body,A\n"
            "s-b,Statement,A party,,https://example.org/b,government,D\n",
        ),
        "evidence_csv": _write(
            tmp_path / "evidence.csv",
            "id,criteria,finding,level,sources,claimed_by,confidence\n"
            'r1,"law_basis, law_stable",The law provided for the vote.,4,s-a,,high\n'
            "\n"
            "r2,vote_count,A party says votes were miscounted.,1,\"s-a,s-b\",A party,\n",
        ),
    }


def test_csv_files_give_a_dossier(csv_files: dict[str, Path], mini_framework) -> None:
    dossier = read_csv(framework=mini_framework, **csv_files)
    assert dossier.vote.questions == ["Do you agree, or not?", "Second question?"]
    assert dossier.vote.date == dt.date(2021, 5, 2)
    assert [s.id for s in dossier.sources] == ["s-a", "s-b"]
    assert dossier.sources[1].date is None
    assert dossier.evidence[0].criteria == ["law_basis", "law_stable"]
    assert dossier.evidence[1].sources == ["s-a", "s-b"]
    assert dossier.evidence[1].confidence == legitimacy.models.Confidence.medium  # blank cell: the default


def test_csv_mistakes_name_the_file_row_and_column(csv_files: dict[str, Path], mini_framework) -> None:
    evidence = csv_files["evidence_csv"]
    evidence.write_text(evidence.read_text().replace(",4,s-a,", ",five,s-a,").replace("vote_count", "vote_cuont"))
    with pytest.raises(EvidenceError) as caught:
        read_csv(framework=mini_framework, **csv_files)
    problems = caught.value.problems
    assert [(p.file, p.line, p.field, p.code) for p in problems] == [
        (str(evidence), 2, "evidence.csv!D (level)", ProblemCode.invalid_value),
        (str(evidence), 4, "evidence.csv!B (criteria)", ProblemCode.unknown_criterion),
    ]


def test_yaml_writer_output_loads_back_equal(mini_framework, mini_dossier, tmp_path: Path) -> None:
    path = write_dossier_yaml(mini_dossier, tmp_path / "mini.yaml")
    assert legitimacy.load_dossier(path, mini_framework) == mini_dossier
    text = path.read_text(encoding="utf-8")
    assert "date: 2020-01-01\n" in text
    assert "claimed_results" not in text and "state:" not in text  # empty and None defaults are omitted
    assert text.index("vote:") < text.index("sources:") < text.index("evidence:") < text.index("gaps:")


def test_yaml_writer_keeps_multi_line_findings_readable(mini_framework, mini_dossier, tmp_path: Path) -> None:
    first = mini_dossier.evidence[0]
    finding = "First paragraph of the finding.\n\nSecond paragraph, after a blank line."
    long = "A long finding " + "that goes on " * 20 + "and ends."
    records = [first.model_copy(update={"finding": finding}), first.model_copy(update={"id": "r9", "finding": long})]
    dossier = mini_dossier.model_copy(update={"evidence": records})
    path = write_dossier_yaml(dossier, tmp_path / "mini.yaml")
    text = path.read_text(encoding="utf-8")
    assert "finding: |-\n      First paragraph of the finding.\n\n      Second paragraph" in text
    assert "finding: >-\n" in text and max(len(line) for line in text.splitlines()) < 110
    assert legitimacy.load_dossier(path, mini_framework) == dossier
