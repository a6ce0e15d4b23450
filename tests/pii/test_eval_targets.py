"""The committed evaluation set meets the quality targets of the issue (exact-span F1 per
type and at most one false positive per hundred hard negatives of each kind)."""

import score


def test_evaluation_set_meets_every_target():
    result = score.score(score.load(score.DEFAULT_FILES))
    assert result["documents"] > 2000
    assert score.failures(result) == [], score.report(result)


def test_every_type_is_evaluated_on_at_least_fifty_values():
    result = score.score(score.load(score.DEFAULT_FILES))
    thin = {t: row["support"] for t, row in result["types"].items() if row["support"] < 50}
    assert thin == {}
