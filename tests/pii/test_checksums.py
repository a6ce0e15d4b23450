"""The check-digit shortcuts give the answers of the standards' weighted sums."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii.checksums import PROVINCE_CODES, is_cn_id18, uscc_check_char, valid_date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id18_by_the_book(value: str) -> bool:
    """GB 11643-1999 written out: region, birth date, then the weighted sum mod 11."""
    if len(value) != 18 or not value[:17].isdecimal() or not value.isascii():
        return False
    if value[:2] not in PROVINCE_CODES:
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not valid_date(year, month, day):
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()


def uscc_check_by_the_book(first17: str) -> str | None:
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17):
        return None
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


id_like = st.builds(
    lambda region, rest, year, month, day, seq, check: (
        f"{region}{rest}{year:04d}{month:02d}{day:02d}{seq}{check}"
    ),
    st.sampled_from([*sorted(PROVINCE_CODES), "00", "99"]),
    st.text("0123456789", min_size=4, max_size=4),
    st.integers(1890, 2030),
    st.integers(0, 13),
    st.integers(0, 32),
    st.text("0123456789", min_size=3, max_size=3),
    st.sampled_from("0123456789Xx"),
)


@settings(max_examples=1000, deadline=None)
@given(id_like)
def test_id_check_in_base_13_agrees_with_the_weighted_sum(value):
    assert is_cn_id18(value) == id18_by_the_book(value)


def test_the_id_shortcut_accepts_every_check_character():
    # One body per check character 0-9 and X: all are accepted, and no other one is.
    for seq in range(200):
        body = f"11010519900307{seq:03d}"
        right = next(c for c in "0123456789X" if id18_by_the_book(body + c))
        assert [c for c in "0123456789Xx" if is_cn_id18(body + c)] == (
            [right, "x"] if right == "X" else [right]
        )


def test_id_numbers_written_with_other_digits_are_refused():
    # Arabic-Indic and full-width digits pass str.isdigit(), but an ID number is ASCII.
    valid = "11010519900307002" + next(
        c for c in "0123456789X" if id18_by_the_book("11010519900307002" + c)
    )
    assert is_cn_id18(valid)
    assert not is_cn_id18(valid[:3] + "\u0663" + valid[4:])
    assert not is_cn_id18(valid[:3] + "\uff13" + valid[4:])


@settings(max_examples=800, deadline=None)
@given(st.text(USCC_CHARS + "IOSVZa-é", min_size=15, max_size=19))
def test_credit_code_check_character_agrees_with_the_weighted_sum(first17):
    assert uscc_check_char(first17) == uscc_check_by_the_book(first17)
