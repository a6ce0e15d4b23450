"""The shortcuts taken for speed give the answers of the general rules they skip: mobiles
written in groups, long digit runs that fail the Luhn check, and "qq" in a domain."""

import pytest

from cyberweek.pii import scan
from cyberweek.pii.candidates import engine_name

ENGINES = ["python"] + (["hyperscan"] if engine_name() == "hyperscan" else [])


def found(text: str, engine: str) -> list[tuple[str, str]]:
    return [(f.type, f.text) for f in scan(text, engine=engine)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("number", ["138 1234 5678", "138-1234-5678", "139 1234-5678"])
def test_a_mobile_in_groups_is_found_whole_and_not_after_an_order_label(engine, number):
    assert found(f"手机：{number}，谢谢", engine) == [("CN_MOBILE", number)]
    assert found(f"订单号：{number}，谢谢", engine) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_mobile_in_groups_with_a_country_code_keeps_it(engine):
    assert found("电话 +86 138 1234 5678 。", engine) == [("CN_MOBILE", "+86 138 1234 5678")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("length", [16, 17, 19])
def test_a_long_run_is_a_card_only_when_it_passes_luhn(engine, length):
    body = "6222021234567890123"[: length - 1]
    checks = [d for d in "0123456789" if _luhn(body + d)]
    good = body + checks[0]
    bad = body + str((int(checks[0]) + 1) % 10)
    assert found(f"卡号：{good}。", engine) == [("BANK_CARD", good)]
    assert found(f"卡号：{bad}。", engine) == []


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_qq_in_a_mail_domain_is_no_qq_word_but_the_word_still_is(engine):
    text = "邮箱 12345@qq.com，QQ 87654321，网站 www.qq.com 123456"
    assert found(text, engine) == [("EMAIL", "12345@qq.com"), ("QQ", "87654321")]
