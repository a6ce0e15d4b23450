"""Whether a number written with a country code is valid, as phonenumbers decides it.

``phonenumbers.is_valid_number(phonenumbers.parse("+" + digits))`` costs about 20 µs, most of
it in parse() handling every way a number can be written (letters, extensions, brackets,
"tel:" links). Here the number is only digits after "+", so the country code and the
national number are split directly and checked against the same metadata: the possible
lengths and patterns of each number type, compiled once per region. Where parse() would do
more than split (a national prefix to strip, leading zeros, too few or too many digits, a
country code it does not know) phonenumbers itself answers. The answer is the same either
way; tests/pii/test_intl_phones.py compares both on every region's example numbers and on
random digits.
"""

import re
from functools import cache


@cache
def _phonenumbers():
    try:
        import phonenumbers
    except ImportError:  # optional: without it only +1 numbers are recognised
        return None
    return phonenumbers


def is_valid_international(digits: str) -> bool:
    """digits: the number without "+", country code first."""
    pn = _phonenumbers()
    if pn is None:
        return digits.startswith("1") and len(digits) == 11 and digits[1] in "23456789"
    answer = _split_and_check(digits)
    if answer is not None:
        return answer
    try:
        return pn.is_valid_number(pn.parse("+" + digits))
    except pn.NumberParseException:
        return False


def _split_and_check(digits: str) -> bool | None:
    """The answer of phonenumbers for "+digits", or None where parse() would do more."""
    if not (4 <= len(digits) <= 20 and digits.isascii() and digits.isdigit()) or digits[0] == "0":
        return None
    for size in (1, 2, 3):  # parse() takes the shortest known country code
        country = _country(digits[:size])
        if country is not _UNKNOWN:
            break
    else:
        return None
    if country is None:
        return None
    national = digits[size:]
    if (
        not 2 <= len(national) <= 17
        or national[0] == "0"
        or (country.national_prefix is not None and country.national_prefix(national))
    ):
        return None
    if len(country.regions) == 1:
        return country.valid(national)
    # region_code_for_number(): the first region whose leading digits match, or without
    # leading digits, the first where the number has a type.
    for region in country.regions:
        candidate = _candidate(country.code, region)
        if candidate is None:
            continue
        leading, has_type, valid = candidate
        if leading is not None:
            if leading(national):
                return valid(national)
        elif has_type(national):
            # Valid in that region means it has a type there: known already, unless the
            # region is not one of this country code (then valid is _never).
            return valid is has_type or valid(national)
    return False


class _Country:
    __slots__ = ("code", "national_prefix", "regions", "valid")


_UNKNOWN = _Country()  # not a country code


@cache
def _country(code: str) -> "_Country | None":
    """What is needed to check numbers of this country code (_UNKNOWN if it is not one;
    None if phonenumbers has no metadata for it)."""
    pn = _phonenumbers()
    number = int(code)
    regions = pn.COUNTRY_CODE_TO_REGION_CODE.get(number)
    if regions is None:
        return _UNKNOWN
    metadata = pn.PhoneMetadata.metadata_for_region_or_calling_code(
        number, pn.region_code_for_country_code(number)
    )
    if metadata is None:
        return None
    country = _Country()
    country.code = number
    country.regions = regions
    prefix = metadata.national_prefix_for_parsing
    country.national_prefix = re.compile(prefix).match if prefix else None
    country.valid = _valid_in_region(number, regions[0]) if len(regions) == 1 else None
    return country


@cache
def _candidate(number: int, region: str):
    """(leading digits matcher or None, has a type here, valid here) of one of the regions
    that share a country code (+1: 25 of them, loaded only when reached), or None."""
    pn = _phonenumbers()
    meta = pn.PhoneMetadata.metadata_for_region(region.upper(), None)
    if meta is None:
        return None
    leading = None if meta.leading_digits is None else re.compile(meta.leading_digits).match
    return leading, _has_type(meta), _valid_in_region(number, region)


def _never(national: str) -> bool:
    return False


def _valid_in_region(number: int, region: str):
    """is_valid_number_for_region() for a number of this country code."""
    pn = _phonenumbers()
    meta = pn.PhoneMetadata.metadata_for_region_or_calling_code(number, region.upper())
    if meta is None or (
        region != pn.REGION_CODE_FOR_NON_GEO_ENTITY
        and number != pn.country_code_for_valid_region(region)
    ):
        return _never
    return _has_type(meta)


_HAS_TYPE: dict[int, object] = {}


def _has_type(meta):
    """number_type(...) != UNKNOWN: the general pattern and the pattern of some type match.
    One function per metadata (they live as long as the process)."""
    found = _HAS_TYPE.get(id(meta))
    if found is None:
        found = _HAS_TYPE[id(meta)] = _make_has_type(meta)
    return found


def _make_has_type(meta):
    general = _matcher(meta.general_desc)
    # Any type will do, so the usual ones are tried first.
    types = [meta.fixed_line]
    # With the same pattern for mobile and fixed lines, phonenumbers never looks at mobile.
    if not meta.same_mobile_and_fixed_line_pattern:
        types.append(meta.mobile)
    types += [
        meta.toll_free,
        meta.premium_rate,
        meta.shared_cost,
        meta.voip,
        meta.personal_number,
        meta.pager,
        meta.uan,
        meta.voicemail,
    ]
    matchers = [m for m in map(_matcher, types) if m is not None]
    if general is None or not matchers:
        return _never

    def has_type(national: str) -> bool:
        return general(national) and any(m(national) for m in matchers)

    return has_type


def _matcher(desc):
    """phonenumbers' _is_number_matching_desc() for one description, or None if it can
    match nothing."""
    if desc is None or not desc.national_number_pattern:
        return None
    fullmatch = re.compile(desc.national_number_pattern).fullmatch
    lengths = frozenset(desc.possible_length)
    if not lengths:
        return lambda national: fullmatch(national) is not None
    return lambda national: len(national) in lengths and fullmatch(national) is not None
