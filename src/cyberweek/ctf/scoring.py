"""Challenge values: pure functions, no Django. `solves` is how many teams have solved the
challenge; the first solver always earns the full value, and each formula decays with the
solves after the first (`s = solves - 1`), as CTFd and GZ::CTF count them.

- static:      value = initial
- linear:      value = initial - decay * s                            (CTFd "linear")
- parabolic:   value = ceil(initial + (minimum - initial) / decay^2 * s^2)
                                                                   (CTFd "logarithmic")
- exponential: value = floor(minimum + (initial - minimum) * e^(-s / decay))   (GZ::CTF)

Each is clamped to [minimum, initial]. Blood bonuses are a percentage of the initial value,
so they do not move when the challenge decays.
"""

import math

STATIC, LINEAR, PARABOLIC, EXPONENTIAL = "static", "linear", "parabolic", "exponential"
FORMULAS = (STATIC, LINEAR, PARABOLIC, EXPONENTIAL)


def value(formula: str, *, initial: int, minimum: int, decay: int, solves: int) -> int:
    """What a challenge is worth once `solves` teams have solved it (0 or 1: the full value)."""
    if formula not in FORMULAS:
        raise ValueError(f"unknown scoring formula {formula!r}")
    if minimum > initial or decay <= 0 or solves < 0:
        raise ValueError("need minimum <= initial, decay > 0 and solves >= 0")
    s = max(solves - 1, 0)
    if formula == STATIC or s == 0:
        return initial
    if formula == LINEAR:
        raw = initial - decay * s
    elif formula == PARABOLIC:
        raw = math.ceil(initial + (minimum - initial) / (decay * decay) * s * s)
    else:
        raw = math.floor(minimum + (initial - minimum) * math.exp(-s / decay))
    return max(minimum, min(initial, raw))


def blood_bonus(position: int, *, initial: int, percents: tuple[int, int, int]) -> int:
    """The bonus of the `position`-th solve (1, 2, 3 earn one; later solves none)."""
    if 1 <= position <= 3:
        return initial * percents[position - 1] // 100
    return 0


def solve_points(
    formula: str,
    *,
    initial: int,
    minimum: int,
    decay: int,
    position: int,
    solves: int,
    retroactive: bool,
    percents: tuple[int, int, int],
) -> int:
    """What the `position`-th solve of a challenge with `solves` solves in all earns:
    its current value when values are retroactive, else the value it had when made (the
    challenge then had `position` solves), plus its blood bonus."""
    counted = solves if retroactive else position
    base = value(formula, initial=initial, minimum=minimum, decay=decay, solves=counted)
    return base + blood_bonus(position, initial=initial, percents=percents)
