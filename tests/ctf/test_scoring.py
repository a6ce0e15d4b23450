"""The scoring formulas: never rise as solves grow, never fall below the minimum, the first
solver earns the full value; and the worked table in the README."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberweek.ctf import scoring

formulas = st.sampled_from(scoring.FORMULAS)


@st.composite
def challenges(draw):
    initial = draw(st.integers(min_value=1, max_value=100_000))
    minimum = draw(st.integers(min_value=0, max_value=initial))
    decay = draw(st.integers(min_value=1, max_value=10_000))
    return {"initial": initial, "minimum": minimum, "decay": decay}


@given(formulas, challenges(), st.integers(min_value=0, max_value=100_000))
def test_a_value_never_rises_as_solves_grow(formula, challenge, solves):
    now = scoring.value(formula, solves=solves, **challenge)
    later = scoring.value(formula, solves=solves + 1, **challenge)
    assert later <= now


@given(formulas, challenges(), st.integers(min_value=0, max_value=10**7))
def test_a_value_stays_between_the_minimum_and_the_initial_value(formula, challenge, solves):
    got = scoring.value(formula, solves=solves, **challenge)
    assert challenge["minimum"] <= got <= challenge["initial"]


@given(formulas, challenges())
def test_the_first_solver_earns_the_full_value(formula, challenge):
    assert scoring.value(formula, solves=1, **challenge) == challenge["initial"]
    assert scoring.value(formula, solves=0, **challenge) == challenge["initial"]


@given(challenges(), st.integers(min_value=1, max_value=3))
def test_blood_bonuses_shrink_with_position_and_stop_after_third(challenge, position):
    percents = (5, 3, 1)
    bonus = scoring.blood_bonus(position, initial=challenge["initial"], percents=percents)
    assert bonus == challenge["initial"] * percents[position - 1] // 100
    assert scoring.blood_bonus(4, initial=challenge["initial"], percents=percents) == 0


# The README's worked table: initial 500, minimum 100, decay 10.
WORKED = {
    "static": [500, 500, 500, 500, 500, 500],
    "linear": [500, 490, 460, 400, 100, 100],
    "parabolic": [500, 496, 436, 100, 100, 100],
    "exponential": [500, 461, 368, 247, 107, 100],
}
SOLVES = [1, 2, 5, 11, 41, 101]


@pytest.mark.parametrize("formula", scoring.FORMULAS)
def test_the_worked_table_in_the_readme(formula):
    got = [scoring.value(formula, initial=500, minimum=100, decay=10, solves=n) for n in SOLVES]
    assert got == WORKED[formula]


def test_retroactive_solves_all_hold_the_current_value_and_others_keep_theirs():
    args = {"initial": 500, "minimum": 100, "decay": 10, "percents": (0, 0, 0)}
    retro = [
        scoring.solve_points("linear", position=p, solves=3, retroactive=True, **args)
        for p in (1, 2, 3)
    ]
    kept = [
        scoring.solve_points("linear", position=p, solves=3, retroactive=False, **args)
        for p in (1, 2, 3)
    ]
    assert retro == [480, 480, 480]
    assert kept == [500, 490, 480]


@pytest.mark.parametrize(
    "bad", [{"minimum": 600}, {"decay": 0}, {"solves": -1}, {"formula": "quadratic"}]
)
def test_bad_parameters_are_refused(bad):
    args = {"formula": "linear", "initial": 500, "minimum": 100, "decay": 10, "solves": 2} | bad
    formula = args.pop("formula")
    with pytest.raises(ValueError):  # noqa: PT011
        scoring.value(formula, **args)
