"""Scoring: exact numbers on the miniature fixture, the verdict rules, and invariants (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import legitimacy
from legitimacy.models import Confidence, EvidenceRecord
from legitimacy.scoring import INSUFFICIENT, Method, Status, assess


def test_mini_fixture_scores_worked_by_hand(mini_framework, mini_dossier) -> None:
    """Default weights: reliability A 1.0, B 0.8, C 0.6; confidence high 1.0, medium 0.7, low 0.4; claims x0.5.

    law_basis: r1 level 4, A/high -> w 1.0; r2 level 0, C/low -> w 0.24.
               level = (4*1.0 + 0*0.24) / 1.24 = 3.2258; score = 25*level = 80.645
    law_stable: r3 level 1, B/medium, a party's claim -> w 0.8*0.7*0.5 = 0.28; level 1; score 25
    vote_secret: no record -> gap (g1 says what was looked for)
    vote_count: r4 level 2, sources A and C -> best is A, high -> w 1.0; score 50
    st_talks: dimension 'talks' applies to status votes; this vote is 'policy' -> not applicable, r5 unused.

    dimension law (weight 2):    (80.645 + 25) / 2 = 52.823, coverage 2/2 = 1.0
    dimension ballot (weight 1): only vote_count (weight 1 of 3+1) -> score 50, coverage 0.25
    overall = (2*52.823 + 1*50) / 3 = 51.882; coverage = (2*1.0 + 1*0.25) / 3 = 0.75
    51.882 is in the 40-60 band -> "Fell short of international standards"; no critical criterion < 1.5.
    """
    a = assess(mini_framework, mini_dossier)
    assert a.criterion("law_basis").level == pytest.approx(4 / 1.24)
    assert a.criterion("law_basis").score == pytest.approx(100 / 1.24)
    assert a.criterion("law_basis").evidence_weight == pytest.approx(1.24)
    assert a.criterion("law_stable").score == pytest.approx(25)
    assert a.criterion("law_stable").evidence_weight == pytest.approx(0.28)
    gap = a.criterion("vote_secret")
    assert gap.status is Status.gap and gap.score is None and gap.gap_ids == ("g1",)
    assert a.criterion("vote_count").score == pytest.approx(50)
    assert a.criterion("st_talks").status is Status.not_applicable
    assert a.dimension("law").score == pytest.approx((100 / 1.24 + 25) / 2)
    assert a.dimension("law").coverage == pytest.approx(1.0)
    assert a.dimension("ballot").score == pytest.approx(50)
    assert a.dimension("ballot").coverage == pytest.approx(0.25)
    assert a.dimension("talks").status is Status.not_applicable
    assert a.score == pytest.approx((2 * (100 / 1.24 + 25) / 2 + 50) / 3)
    assert a.coverage == pytest.approx(0.75)
    assert a.verdict.label == "Fell short of international standards"
    assert a.verdict.capped_by == ()
    assert a.unused_record_ids == ("r5",)


def test_status_vote_scores_the_status_dimension(mini_framework, mini_dossier) -> None:
    """The same dossier as a status vote: st_talks (r5, level 0, A/high) is scored 0.

    overall = (2*52.823 + 1*50 + 1*0) / 4 = 38.911; coverage = (2*1 + 0.25 + 1) / 4 = 0.8125
    """
    vote = mini_dossier.vote.model_copy(update={"kind": "status"})
    a = assess(mini_framework, mini_dossier.model_copy(update={"vote": vote}))
    assert a.criterion("st_talks").score == 0
    assert a.score == pytest.approx((2 * (100 / 1.24 + 25) / 2 + 50 + 0) / 4)
    assert a.coverage == pytest.approx(0.8125)
    assert a.verdict.label == "Seriously fell short of international standards"


def test_critical_criterion_at_level_one_caps_the_verdict(mini_framework, mini_dossier) -> None:
    """Only r2 (level 0) left on law_basis, and vote_count raised to 4 so that the score stays high.

    law_basis = 0 (critical, < 1.5) -> verdict no better than the band below 40, whatever the score.
    """
    records = [r for r in mini_dossier.evidence if r.id != "r1"]
    records = [r.model_copy(update={"level": 4}) if r.id == "r4" else r for r in records]
    a = assess(mini_framework, mini_dossier.model_copy(update={"evidence": records}))
    assert a.verdict.capped_by == ("law_basis",)
    assert a.score is not None and a.score > 40
    assert a.verdict.label == "Seriously fell short of international standards"


def test_low_coverage_gives_no_verdict(mini_framework, mini_dossier) -> None:
    """Only vote_count scored: coverage = (2*0 + 1*0.25)/3 = 0.083 < 0.5 -> insufficient evidence."""
    records = [r for r in mini_dossier.evidence if r.id == "r4"]
    a = assess(mini_framework, mini_dossier.model_copy(update={"evidence": records}))
    assert a.coverage == pytest.approx(0.25 / 3)
    assert a.verdict.insufficient and a.verdict.label == INSUFFICIENT
    assert a.score == pytest.approx(50)  # shown as provisional, not hidden


def test_missing_evidence_is_not_scored_as_zero(mini_framework, mini_dossier) -> None:
    """Removing the only record of a criterion makes it a gap; the dimension score rests on the others."""
    records = [r for r in mini_dossier.evidence if r.id != "r3"]
    a = assess(mini_framework, mini_dossier.model_copy(update={"evidence": records}))
    assert a.criterion("law_stable").status is Status.gap
    assert a.dimension("law").score == pytest.approx(100 / 1.24)
    assert a.dimension("law").coverage == pytest.approx(0.5)


def test_method_weights_change_the_result(mini_framework, mini_dossier) -> None:
    """With claims weighted like any record and C = A, law_basis = (4*1 + 0*0.4)/1.4."""
    method = Method(claim_weight=1.0, reliability_weights={"A": 1, "B": 1, "C": 1, "D": 1, "E": 1})
    a = assess(mini_framework, mini_dossier, method)
    assert a.criterion("law_basis").level == pytest.approx(4 / 1.4)
    assert a.method.claim_weight == 1.0


# --------------------------------------------------------------------------- invariants

levels = st.lists(st.integers(0, 4), min_size=1, max_size=6)
confidences = st.sampled_from(list(Confidence))


def _dossier_with(base, criterion: str, lvls: list[int], confs: list[Confidence]):
    records = [
        EvidenceRecord(id=f"h{i}", criteria=[criterion], finding="A generated finding.", level=lvl,
                       sources=["s-a"], confidence=conf)
        for i, (lvl, conf) in enumerate(zip(lvls, confs))
    ]
    return base.model_copy(update={"evidence": records, "gaps": []})


@settings(max_examples=60, deadline=None)
@given(lvls=levels, confs=st.lists(confidences, min_size=6, max_size=6))
def test_scores_stay_within_bounds(mini_framework, mini_dossier, lvls, confs) -> None:
    a = assess(mini_framework, _dossier_with(mini_dossier, "vote_count", lvls, confs))
    for c in a.criteria:
        assert c.score is None or 0 <= c.score <= 100
    assert a.score is None or 0 <= a.score <= 100
    assert 0 <= a.coverage <= 1


@settings(max_examples=60, deadline=None)
@given(lvls=levels, confs=st.lists(confidences, min_size=6, max_size=6), which=st.integers(0, 5))
def test_better_evidence_never_lowers_a_score(mini_framework, mini_dossier, lvls, confs, which) -> None:
    which %= len(lvls)
    before = assess(mini_framework, _dossier_with(mini_dossier, "vote_count", lvls, confs))
    raised = [min(4, lvl + 1) if i == which else lvl for i, lvl in enumerate(lvls)]
    after = assess(mini_framework, _dossier_with(mini_dossier, "vote_count", raised, confs))
    assert after.criterion("vote_count").score >= before.criterion("vote_count").score - 1e-9
    assert after.score >= before.score - 1e-9


@settings(max_examples=40, deadline=None)
@given(lvls=levels, confs=st.lists(confidences, min_size=6, max_size=6), seed=st.randoms())
def test_record_order_does_not_matter(mini_framework, mini_dossier, lvls, confs, seed) -> None:
    dossier = _dossier_with(mini_dossier, "vote_count", lvls, confs)
    shuffled = list(dossier.evidence)
    seed.shuffle(shuffled)
    a = assess(mini_framework, dossier)
    b = assess(mini_framework, dossier.model_copy(update={"evidence": shuffled}))
    assert a.score == pytest.approx(b.score)


@settings(max_examples=30, deadline=None)
@given(factor=st.floats(0.1, 10))
def test_weights_in_the_same_proportion_give_the_same_result(mini_framework, mini_dossier, factor) -> None:
    scaled = mini_framework.model_copy(update={"dimensions": [
        d.model_copy(update={
            "weight": d.weight * factor,
            "criteria": [c.model_copy(update={"weight": c.weight * factor}) for c in d.criteria],
        })
        for d in mini_framework.dimensions
    ]})
    a = assess(mini_framework, mini_dossier)
    b = assess(scaled, mini_dossier)
    assert b.score == pytest.approx(a.score)
    assert b.coverage == pytest.approx(a.coverage)


def test_bundled_donetsk_assessment_is_complete(venice, donetsk) -> None:
    a = legitimacy.assess(venice, donetsk)
    assert {c.criterion_id for c in a.criteria} == set(venice.criteria)
    assert a.score is not None and 0 <= a.score <= 100
    assert a.coverage > 0.5
    scored = [c for c in a.criteria if c.status is Status.scored]
    assert all(set(c.record_ids) <= {r.id for r in donetsk.evidence} for c in scored)


def test_pei_profile_regroups_criteria_by_stage(mini_framework, mini_dossier) -> None:
    """Stage 'laws' holds law_basis (80.645) and law_stable (25), weights 1 and 1 -> 52.82, coverage 1.
    Stage 'voting' holds vote_secret (gap, weight 3) and vote_count (50, weight 1) -> 50, coverage 0.25.
    Stage 'talks' holds only st_talks, which does not apply to a policy vote -> no score, 0 criteria.
    """
    from legitimacy.models import Crosswalk
    from legitimacy.scoring import pei_profile

    crosswalk = Crosswalk(
        id="cw", title="test", pei_source="test",
        pei_dimensions=[{"id": "laws", "title": "Laws"}, {"id": "voting", "title": "Voting"},
                        {"id": "talks", "title": "Talks"}],
        entries=[{"framework": "mini", "criterion": c, "pei": [p]} for c, p in
                 [("law_basis", "laws"), ("law_stable", "laws"), ("vote_secret", "voting"),
                  ("vote_count", "voting"), ("st_talks", "talks")]],
    )
    rows = {r.pei_id: r for r in pei_profile(assess(mini_framework, mini_dossier), mini_framework, crosswalk)}
    assert rows["laws"].score == pytest.approx((100 / 1.24 + 25) / 2) and rows["laws"].coverage == 1.0
    assert rows["voting"].score == pytest.approx(50) and rows["voting"].coverage == pytest.approx(0.25)
    assert (rows["voting"].scored, rows["voting"].total) == (1, 2)
    assert rows["talks"].score is None and rows["talks"].total == 0


def test_bundled_assessment_has_a_pei_profile(venice, donetsk) -> None:
    profile = legitimacy.pei_profile(legitimacy.assess(venice, donetsk), venice, legitimacy.load_crosswalk())
    assert len(profile) == 11
    assert all(r.total > 0 and (r.score is None or 0 <= r.score <= 100) for r in profile)
