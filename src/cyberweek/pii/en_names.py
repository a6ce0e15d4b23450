"""English personal names (First Last) in English text.

A pair of capitalised words is a name when the first is a known given name and the second a
known surname, from the 1990 US Census name files that the `names` package ships (public
domain data; nothing is downloaded). Given names that are also everyday capitalised words
at the start of a sentence (May, Will, Grant…) are left out, and a pair after a house
number is a street (123 Joseph Lane), not a person.
"""

import functools
import re
from pathlib import Path

from .finding import RawFinding

_WORD = re.compile(r"(?:Mc|Mac|O')?[A-Z][a-z]{1,20}(?:-[A-Z][a-z]{1,20})?(?![A-Za-z0-9'])")
# Given names that are mostly something else at the head of a sentence or in a title.
_NOT_GIVEN = frozenset(
    [
        "will",
        "may",
        "june",
        "april",
        "august",
        "bill",
        "grant",
        "art",
        "major",
        "long",
        "young",
        "king",
        "else",
        "chance",
        "royal",
        "page",
        "guy",
        "sunny",
        "rich",
        "price",
        "hope",
        "joy",
        "faith",
        "van",
        "son",
        "sun",
        "star",
        "summer",
        "winter",
        "autumn",
        "ray",
        "lane",
        "in",
        "an",
        "my",
        "so",
        "la",
        "le",
        "de",
        "del",
        "su",
        "ma",
        "do",
        "the",
        "best",
        "love",
        "sale",
        "china",
        "asia",
        "america",
        "georgia",
        "carolina",
        "florida",
        "houston",
        "dallas",
        "paris",
        "london",
        "berlin",
        "chase",
        "cash",
        "gay",
        "golden",
        "lucky",
        "miss",
        "mister",
        "early",
        "honor",
        "justice",
        "liberty",
        "easter",
        "christmas",
    ]
)
# Surnames that are, more often, the next word of a capitalised phrase.
_NOT_SURNAME = frozenset(
    [
        "street",
        "avenue",
        "road",
        "drive",
        "boulevard",
        "court",
        "place",
        "square",
        "park",
        "center",
        "centre",
        "office",
        "company",
        "group",
        "bank",
        "church",
        "school",
        "college",
        "university",
        "hospital",
        "day",
        "night",
        "morning",
        "evening",
        "team",
        "service",
        "services",
        "department",
        "news",
        "times",
        "post",
        "online",
    ]
)


@functools.cache
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), lower-cased."""
    import names as census  # the package's files: dist.male.first, dist.female.first, dist.all.last

    folder = Path(census.__file__).parent

    def read(name: str) -> frozenset[str]:
        with open(folder / name, encoding="ascii") as fh:
            return frozenset(line.split(None, 1)[0].lower() for line in fh if line.strip())

    given = (read("dist.male.first") | read("dist.female.first")) - _NOT_GIVEN
    return given, read("dist.all.last") - _NOT_SURNAME


def scan_pair(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    """The trigger matched a capitalised word and a blank at start; the name is that word
    and the next one."""
    given, surnames = lexicon()
    first = text[start : end - 1]
    if first.lower() not in given:
        return
    m = _WORD.match(text, end)
    if m is None:
        return
    last = m.group()
    if last.split("-")[0].lower() not in surnames:
        return
    # After a house number the pair is a street name (1600 Grace Street, 12 Joseph Lane).
    p = start - 1
    while p >= 0 and text[p] == " ":
        p -= 1
    if p >= 0 and text[p].isdigit():
        return
    out.append((start, m.end(), "PERSON", text[start : m.end()], 0.75, "given name and surname"))
