"""Check digits and structural validators. Each takes the value without separators."""

import datetime
import operator

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Province-level codes of GB/T 2260 (first two digits of an ID number); IDs keep the code of
# the place of first registration, so later county changes do not matter at this level.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


_ID_OFFSET = 48 * sum(_ID_WEIGHTS)  # the weighted sum of the ASCII code of "0"


def id_check_char(first17: str) -> str:
    # Iterating over bytes gives the ASCII codes as ints, without int() per digit.
    total = sum(map(operator.mul, first17.encode("ascii"), _ID_WEIGHTS)) - _ID_OFFSET
    return _ID_CHECK[total % 11]


# Read once: a birth date cannot be in the future (a year of slack for long-running
# processes that pass a new year).
_LAST_YEAR = datetime.date.today().year + 1
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_date(year: int, month: int, day: int, *, min_year: int = 1900) -> bool:
    if year < min_year or year > _LAST_YEAR or not 1 <= month <= 12 or not day >= 1:
        return False
    if day > _DAYS[month]:
        return False
    return month != 2 or day < 29 or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))


def _mmdd() -> frozenset[str]:
    return frozenset(f"{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, _DAYS[m] + 1))


_MMDD = _mmdd()  # every month and day of a leap year, "0101" … "1231"
_FIRST_YEAR, _END_YEAR = "1900", str(_LAST_YEAR)
_MUL = operator.mul


def is_cn_id18(value: str) -> bool:
    """GB 11643-1999: region, birth date and the mod 11-2 check character."""
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit():
        return False
    if value[:2] not in PROVINCE_CODES:
        return False
    # The same test as valid_date() on string slices, without int() per field.
    mmdd = value[10:14]
    if mmdd not in _MMDD or not _FIRST_YEAR <= value[6:10] <= _END_YEAR:
        return False
    if mmdd == "0229" and not valid_date(int(value[6:10]), 2, 29):
        return False
    # The weights are 2^(18-i) mod 11, and 13 = 2 mod 11: the 17 digits read in base 13,
    # times 2, leave the weighted sum's remainder (one int() in C instead of 17 products).
    total = 2 * int(value[:17], 13)
    return _ID_CHECK[total % 11] == value[17].upper()


def is_cn_id15(value: str) -> bool:
    """The pre-1999 form: region, YYMMDD birth date (19xx), three-digit sequence."""
    if len(value) != 15 or not value.isdigit() or value[:2] not in PROVINCE_CODES:
        return False
    return valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


_LUHN_DOUBLE_ASCII = bytes(_LUHN_DOUBLE[b - 48] if 48 <= b <= 57 else 0 for b in range(256))


def luhn_ok(digits: str) -> bool:
    rev = digits[::-1].encode("ascii")
    plain = rev[0::2]
    total = sum(plain) - 48 * len(plain) + sum(rev[1::2].translate(_LUHN_DOUBLE_ASCII))
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError("unreachable")


# The value of each code character by its ASCII code (255: not a code character).
_USCC_VALUE = bytes(_USCC_CHARS.find(chr(b)) % 256 for b in range(256))


def uscc_check_char(first17: str) -> str | None:
    if len(first17) != 17 or not first17.isascii():
        return None
    values = first17.encode("ascii").translate(_USCC_VALUE)
    if 255 in values:
        return None
    total = sum(map(_MUL, values, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(_ORG_CHARS.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "0" if check == 11 else "X" if check == 10 else str(check)


def is_uscc(value: str) -> bool:
    """GB 32100-2015: 18 characters, a six-digit region code and the mod 31 check character."""
    value = value.upper()
    if len(value) != 18 or not value[2:8].isdigit() or value[2:4] not in PROVINCE_CODES:
        return False
    # Registration authority, then organisation category (1-5 and 9 are used: 34 司法鉴定
    # 机构 and 35 仲裁委员会 under the judicial authority, for instance).
    if value[0] not in "123456789ABCDEFGNY" or value[1] not in "1234569":
        return False
    return uscc_check_char(value[:17]) == value[17]
