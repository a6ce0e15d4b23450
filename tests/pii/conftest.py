import sys
from pathlib import Path

import pytest

# The scorer lives with the evaluation set, outside the packages.
EVAL = Path(__file__).resolve().parents[2] / "eval" / "pii"
if str(EVAL) not in sys.path:
    sys.path.insert(0, str(EVAL))


@pytest.fixture
def found():
    """found(text) -> [(type, text)] of scan()."""
    from cyberweek.pii import scan

    return lambda text: [(f.type, f.text) for f in scan(text)]
