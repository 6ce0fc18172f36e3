"""Models: the formats' rules, and the JSON Schema exported from them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from legitimacy.models import Criterion, Dossier, Framework, Source


def test_rubric_requires_all_five_levels() -> None:
    base = dict(id="c", title="Crit", question="Is this a question?", references=[{"document": "D", "paragraph": "1"}])
    with pytest.raises(ValidationError, match="rubric lacks level"):
        Criterion(**base, rubric={0: "a", 1: "b", 2: "c", 3: "d"})
    assert list(Criterion(**base, rubric={4: "e", 0: "a", 2: "c", 1: "b", 3: "d"}).rubric) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("date", ["2014", "2014-05", "2014-05-11"])
def test_source_dates_may_be_partial(date: str) -> None:
    source = Source(id="s", title="T", publisher="P", url="https://example.org", kind="media", reliability="B", date=date)
    assert source.date == date


def test_json_schema_documents_fields() -> None:
    schema = Dossier.model_json_schema()
    evidence = schema["$defs"]["EvidenceRecord"]["properties"]
    assert "party's claim" in evidence["claimed_by"]["description"]
    assert schema["$defs"]["Reliability"]["enum"] == ["A", "B", "C", "D", "E"]
    assert "dimensions" in Framework.model_json_schema()["properties"]
