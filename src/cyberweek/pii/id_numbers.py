"""What a resident ID number says about its holder: GB 11643 puts the region of first
registration (digits 1-6, a GB/T 2260 code), the birth date (7-14) and the sex (17th digit:
odd for men, even for women) in plain sight. The self-check explains it to the person who
pasted the number; nothing here keeps it."""

from dataclasses import dataclass
from datetime import date

from .checksums import is_cn_id15, is_cn_id18


@dataclass(frozen=True)
class IdFacts:
    region_code: str  # six digits: province, prefecture, county
    birth_date: date
    sex: str  # "male" or "female"


def id_facts(value: str) -> IdFacts | None:
    """The facts in a resident ID number (18 digits with its check character, or the old
    15-digit form), or None if it is not a valid one. Blanks inside are ignored."""
    digits = "".join(value.split()).upper()
    if len(digits) == 18 and is_cn_id18(digits):
        y, m, d, order = int(digits[6:10]), int(digits[10:12]), int(digits[12:14]), digits[16]
    elif len(digits) == 15 and digits.isdigit() and is_cn_id15(digits):
        y, m, d, order = 1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]), digits[14]
    else:
        return None
    return IdFacts(digits[:6], date(y, m, d), "male" if int(order) % 2 else "female")
