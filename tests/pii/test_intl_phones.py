"""The quick check of international numbers answers exactly as phonenumbers does."""

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii.intl_phones import is_valid_international

TYPES = [
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.PAGER,
    phonenumbers.PhoneNumberType.UAN,
    phonenumbers.PhoneNumberType.VOICEMAIL,
]


def phonenumbers_says(digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits))
    except phonenumbers.NumberParseException:
        return False


def _digits(number) -> str:
    return f"{number.country_code}{phonenumbers.national_significant_number(number)}"


def example_numbers() -> list[str]:
    """phonenumbers' example number of every type in every region and non-geographic code."""
    found = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for type_ in TYPES:
            number = phonenumbers.example_number_for_type(region, type_)
            if number:
                found.add(_digits(number))
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number:
            found.add(_digits(number))
    return sorted(found)


def _mutations(digits: str, rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        chars = list(digits)
        op = rng.random()
        if op < 0.4:
            chars[rng.randrange(len(chars))] = rng.choice("0123456789")
        elif op < 0.7:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice("0123456789"))
        elif len(chars) > 2:
            del chars[rng.randrange(len(chars))]
        out.append("".join(chars))
    return out


def test_every_example_number_of_every_region_gets_the_phonenumbers_answer():
    examples = example_numbers()
    assert len(examples) > 500
    assert [d for d in examples if is_valid_international(d) != phonenumbers_says(d)] == []
    assert sum(map(is_valid_international, examples)) > 500  # most examples are valid


def test_near_misses_of_the_example_numbers_get_the_phonenumbers_answer():
    # A digit changed, added or dropped: wrong lengths, wrong prefixes, other regions of a
    # shared country code (+1, +44, +7), national prefixes and leading zeros.
    rng = random.Random(20191021)
    numbers = [m for d in example_numbers() for m in _mutations(d, rng, 12)]
    assert [d for d in numbers if is_valid_international(d) != phonenumbers_says(d)] == []


@pytest.mark.parametrize(
    "digits",
    [
        "442072377635",  # GB among GB, GG, IM, JE
        "441481256789",  # Guernsey
        "13127907372",  # US among the 25 regions of +1
        "12642351234",  # Anguilla
        "85292346910",
        "6582843063",
        "81349028877",
        "4402072377635",  # a national prefix written after the country code
        "390612345678",  # Italy keeps its leading zero
        "0442072377635",  # no country code starts with 0
        "9991234567",  # no such country code
        "12128594836X",  # phonenumbers ignores the X: so does the answer here
        "1212",
        "1",
    ],
)
def test_awkward_numbers_get_the_phonenumbers_answer(digits):
    assert is_valid_international(digits) == phonenumbers_says(digits)


@settings(max_examples=400, deadline=None)
@given(st.text("0123456789", min_size=1, max_size=20))
def test_random_digits_get_the_phonenumbers_answer(digits):
    assert is_valid_international(digits) == phonenumbers_says(digits)
