"""English names for divisions the data set names only in Chinese.

The data set gives English names for provinces only. For prefectures and counties English
pages show the pinyin of the name with its administrative suffix translated ("和平区" →
"Heping District"), the form China's own English-language publications use, so an English
page never mixes "Tianjin" with "和平区". `pypinyin` (maintained, with a phrase dictionary
for polyphonic characters) does the reading.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Longest first: "自治县" must win over "县".
SUFFIXES = [
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("特区", "Special District"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("地区", "Prefecture"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("市", ""),
]

# Place names whose reading differs from the everyday one pypinyin chooses.
load_phrases_dict({"朝阳": [["cháo"], ["yáng"]], "六安": [["lù"], ["ān"]]})


def pinyin(text: str) -> str:
    """ "长安" → "Chang'an": one word, an apostrophe where a syllable starts with a vowel."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    word = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aeo" else "") + syllable
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)
def english_name(name: str) -> str:
    for suffix, english in SUFFIXES:
        # A name that is only the suffix ("市辖区" is handled by the caller) keeps it whole.
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = pinyin(name[: -len(suffix)])
            return f"{stem} {english}".strip()
    return pinyin(name)
