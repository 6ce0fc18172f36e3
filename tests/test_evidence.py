"""The bundled evidence: sourced, attributed, complete where it can be, and pinned against silent loss."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import legitimacy
from legitimacy.load import load_source_registry
from legitimacy.models import SourceKind

RESEARCH = Path(__file__).resolve().parents[2] / "shared" / "research"
DOSSIERS = sorted(legitimacy.bundled_dossiers())
DONBAS = ["donetsk-2014", "luhansk-2014"]
COMPARISONS = ["crimea-2014", "scotland-2014", "montenegro-2006", "catalonia-2017"]

# (records per dimension, distinct sources per dimension), venice-2022 dimensions. A change here
# must be deliberate: a silent loss of records or sources fails this test.
PINNED = {
    'catalonia-2017': (
        {'legal_basis': 6, 'legal_stability': 5, 'question_options': 2, 'freedoms_security': 10, 'electorate_registration': 6, 'campaign_media': 4, 'campaign_finance': 0, 'administration': 6, 'voting_counting': 9, 'observation_remedies': 3, 'majority_effects': 2, 'negotiation_consent': 3, 'clarity_acceptance': 7},
        {'legal_basis': 7, 'legal_stability': 4, 'question_options': 3, 'freedoms_security': 11, 'electorate_registration': 7, 'campaign_media': 6, 'campaign_finance': 0, 'administration': 8, 'voting_counting': 9, 'observation_remedies': 3, 'majority_effects': 2, 'negotiation_consent': 5, 'clarity_acceptance': 9},
    ),
    'crimea-2014': (
        {'legal_basis': 9, 'legal_stability': 0, 'question_options': 2, 'freedoms_security': 7, 'electorate_registration': 4, 'campaign_media': 3, 'campaign_finance': 0, 'administration': 3, 'voting_counting': 8, 'observation_remedies': 6, 'majority_effects': 0, 'negotiation_consent': 6, 'clarity_acceptance': 9},
        {'legal_basis': 12, 'legal_stability': 0, 'question_options': 3, 'freedoms_security': 12, 'electorate_registration': 4, 'campaign_media': 2, 'campaign_finance': 0, 'administration': 3, 'voting_counting': 10, 'observation_remedies': 9, 'majority_effects': 0, 'negotiation_consent': 9, 'clarity_acceptance': 16},
    ),
    'donetsk-2014': (
        {'legal_basis': 12, 'legal_stability': 6, 'question_options': 6, 'freedoms_security': 22, 'electorate_registration': 16, 'campaign_media': 12, 'campaign_finance': 2, 'administration': 14, 'voting_counting': 27, 'observation_remedies': 7, 'majority_effects': 5, 'negotiation_consent': 13, 'clarity_acceptance': 25},
        {'legal_basis': 19, 'legal_stability': 7, 'question_options': 15, 'freedoms_security': 31, 'electorate_registration': 27, 'campaign_media': 17, 'campaign_finance': 4, 'administration': 23, 'voting_counting': 41, 'observation_remedies': 13, 'majority_effects': 8, 'negotiation_consent': 22, 'clarity_acceptance': 49},
    ),
    'luhansk-2014': (
        {'legal_basis': 8, 'legal_stability': 2, 'question_options': 4, 'freedoms_security': 15, 'electorate_registration': 10, 'campaign_media': 4, 'campaign_finance': 1, 'administration': 12, 'voting_counting': 18, 'observation_remedies': 5, 'majority_effects': 2, 'negotiation_consent': 8, 'clarity_acceptance': 19},
        {'legal_basis': 10, 'legal_stability': 3, 'question_options': 6, 'freedoms_security': 14, 'electorate_registration': 13, 'campaign_media': 5, 'campaign_finance': 1, 'administration': 15, 'voting_counting': 24, 'observation_remedies': 9, 'majority_effects': 5, 'negotiation_consent': 14, 'clarity_acceptance': 36},
    ),
    'montenegro-2006': (
        {'legal_basis': 3, 'legal_stability': 4, 'question_options': 2, 'freedoms_security': 1, 'electorate_registration': 5, 'campaign_media': 3, 'campaign_finance': 0, 'administration': 4, 'voting_counting': 8, 'observation_remedies': 8, 'majority_effects': 4, 'negotiation_consent': 6, 'clarity_acceptance': 6},
        {'legal_basis': 4, 'legal_stability': 7, 'question_options': 2, 'freedoms_security': 1, 'electorate_registration': 3, 'campaign_media': 2, 'campaign_finance': 0, 'administration': 3, 'voting_counting': 9, 'observation_remedies': 10, 'majority_effects': 8, 'negotiation_consent': 10, 'clarity_acceptance': 10},
    ),
    'scotland-2014': (
        {'legal_basis': 2, 'legal_stability': 2, 'question_options': 4, 'freedoms_security': 1, 'electorate_registration': 4, 'campaign_media': 4, 'campaign_finance': 3, 'administration': 4, 'voting_counting': 8, 'observation_remedies': 4, 'majority_effects': 0, 'negotiation_consent': 5, 'clarity_acceptance': 4},
        {'legal_basis': 2, 'legal_stability': 2, 'question_options': 4, 'freedoms_security': 2, 'electorate_registration': 5, 'campaign_media': 4, 'campaign_finance': 3, 'administration': 4, 'voting_counting': 8, 'observation_remedies': 3, 'majority_effects': 0, 'negotiation_consent': 4, 'clarity_acceptance': 4},
    ),
}


@pytest.fixture(scope="module")
def dossiers(venice) -> dict[str, legitimacy.Dossier]:
    return {ident: legitimacy.load_dossier(ident, venice) for ident in DOSSIERS}


def test_the_six_votes_are_bundled() -> None:
    assert set(DONBAS + COMPARISONS) <= set(DOSSIERS)


@pytest.mark.parametrize("ident", DOSSIERS)
def test_counts_per_dimension_are_pinned(ident, venice, dossiers) -> None:
    dossier = dossiers[ident]
    records, sources = {}, {}
    for dim in venice.dimensions:
        ids = {c.id for c in dim.criteria}
        rows = [r for r in dossier.evidence if ids & set(r.criteria)]
        records[dim.id] = len(rows)
        sources[dim.id] = len({s for r in rows for s in r.sources})
    assert (records, sources) == PINNED[ident]


@pytest.mark.parametrize("ident", DONBAS)
def test_donbas_dossiers_cover_every_dimension(ident, venice, dossiers) -> None:
    dossier = dossiers[ident]
    assert len(dossier.evidence) >= 40
    cited = {c for r in dossier.evidence for c in r.criteria}
    for dim in venice.dimensions:
        assert cited & {c.id for c in dim.criteria}, f"{ident}: no record in {dim.id}"


@pytest.mark.parametrize("ident", COMPARISONS)
def test_comparison_dossiers_have_enough_records(ident, dossiers) -> None:
    assert len(dossiers[ident].evidence) >= 25


@pytest.mark.parametrize("ident", DOSSIERS)
def test_every_criterion_has_a_record_or_an_explicit_gap(ident, venice, dossiers) -> None:
    dossier = dossiers[ident]
    covered = {c for r in dossier.evidence for c in r.criteria} | {c for g in dossier.gaps for c in g.criteria}
    assert set(venice.criteria) - covered == set()


@pytest.mark.parametrize("ident", DOSSIERS)
def test_sources_are_cited_locatable_and_graded_with_a_reason(ident, dossiers) -> None:
    dossier = dossiers[ident]
    index = dossier.source_index
    for record in dossier.evidence:
        assert record.sources and all(s in index for s in record.sources), record.id
    for source in dossier.sources:
        assert source.url or source.document, source.id
        assert source.reliability_note and len(source.reliability_note) > 10, source.id


@pytest.mark.parametrize("ident", DOSSIERS)
def test_claims_by_parties_are_attributed(ident, dossiers) -> None:
    """A record from a party's own outlet (organiser or a government) reporting what it says carries claimed_by."""
    dossier = dossiers[ident]
    assert all(c.claimed_by for c in dossier.vote.claimed_results)
    organiser_only = [
        r for r in dossier.evidence
        if all(dossier.source_index[s].kind is SourceKind.organiser for s in r.sources)
    ]
    assert all(r.claimed_by for r in organiser_only), [r.id for r in organiser_only if not r.claimed_by]


def test_shared_sources_are_defined_once_in_the_registry(dossiers) -> None:
    registry = load_source_registry(Path(legitimacy.bundled_dossiers()["donetsk-2014"]).parent / "sources.yaml")
    assert len(registry) >= 40
    seen: dict[str, str] = {}
    for ident in DOSSIERS:
        text = legitimacy.bundled_dossiers()[ident].read_text(encoding="utf-8")
        for url in re.findall(r"^\s+url: (\S+)", text, flags=re.M):
            assert url not in seen, f"{url} is defined in {seen[url]} and {ident}: move it to sources.yaml"
            seen[url] = ident
    for source in registry.values():
        users = [i for i in DOSSIERS if source.id in dossiers[i].source_index]
        assert len(users) >= 2, f"registry source {source.id} is cited by {users}"


@pytest.mark.skipif(not RESEARCH.is_dir(), reason="../shared/research is not beside this checkout")
def test_every_cited_url_comes_from_the_research_sheets(dossiers) -> None:
    research = "\n".join(p.read_text(encoding="utf-8") for p in RESEARCH.glob("*.md"))
    urls = {s.url for d in dossiers.values() for s in d.sources if s.url}
    assert len(urls) > 200
    missing = sorted(u for u in urls if u not in research)
    assert missing == []
