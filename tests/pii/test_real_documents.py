"""The miss classes of issue 21, each with the values it must find and the look-alikes it
must leave: tables, CV lines, role words, prose, English names and addresses, other
notations of phones, codes and plates, internationalised e-mail, QQ and WeChat; and the
allow list and custom recognisers per call and per deployment."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek import pii
from cyberweek.pii import DenyList, Pattern, id_facts, redact, scan, scan_stream
from cyberweek.pii.checksums import id_check_char, org_code_check_char, uscc_check_char


def found(text, **kwargs):
    return [(f.type, f.text) for f in scan(text, **kwargs)]


def of_type(text, type_):
    return [f.text for f in scan(text) if f.type == type_]


# --- names -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("序号,姓名,性别\n1,王小明,男\n2,欧阳娜娜,女\n", ["王小明", "欧阳娜娜"]),
        ("联系人\t单位\n刘德华\t杭州网络科技有限公司\n", ["刘德华"]),
        ('"Name","Age"\n"John Smith","33"\n', ["John Smith"]),
        ("张三丰，男，汉族，1985年3月12日生，中共党员。", ["张三丰"]),
        ("审核人诸葛亮 经办人司马光", ["诸葛亮", "司马光"]),
        ("据李建国介绍，这类诈骗多发生在夜间。", ["李建国"]),
        ("市民严莉接到一个自称客服的电话。", ["严莉"]),
        ("网警提醒，沈秀兰等人已被依法处理。", ["沈秀兰"]),
        ("受害人刘凤兰在通辽被骗。", ["刘凤兰"]),
        (
            "Dear Emily Carter, thanks. Christina Smith said so.",
            ["Emily Carter", "Christina Smith"],
        ),
    ],
)
def test_names_in_real_documents(text, expected):
    assert of_type(text, "PERSON") == expected


@pytest.mark.parametrize(
    "text",
    [
        "单位\t电话\n杭州网络科技有限公司\t0571-88888888\n",  # no name column
        "姓名,性别\n合计,2\n",  # a total row under the header
        "由公司负责，请和公司联系，联系人：公司前台。",
        "公司表示，大家指出，专家认为，有关部门介绍。",
        "The meeting is on May Day at 12 Grace Street.",
        "My name is on the list, contact the office.",
        "自2024年1月1日生效。",
    ],
)
def test_look_alikes_of_names_are_left_alone(text):
    assert of_type(text, "PERSON") == []


def test_a_table_header_is_a_whole_cell_not_a_word_in_a_sentence():
    assert of_type("请填写姓名,谢谢\n王小明,男\n", "PERSON") == []


def test_a_repeated_header_starts_a_new_table_and_each_row_is_found_once():
    text = "姓名\t电话\n王小明\t13912345678\n\n姓名\t电话\n李娜\t13812345678\n"
    assert of_type(text, "PERSON") == ["王小明", "李娜"]


# --- numbers and codes -------------------------------------------------------------------
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
MOBILES = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(["139", "138", "186", "177", "150", "199"]),
    st.text("0123456789", min_size=8, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(MOBILES, st.sampled_from(["plain", "wide", "dots", "wide spaced"]))
def test_every_notation_of_a_mobile_number_is_found_whole(n, form):
    value = {
        "plain": n,
        "wide": n.translate(FULLWIDTH),
        "dots": f"{n[:3]}.{n[3:7]}.{n[7:]}",
        "wide spaced": f"{n[:3]} {n[3:7]} {n[7:]}".translate(FULLWIDTH),
    }[form]
    assert found(f"手机：{value}，谢谢") == [("CN_MOBILE", value)]


@pytest.mark.parametrize(
    "value", ["(212) 369-0410", "212-369-0410", "212.369.0410", "+1 212 369 0410"]
)
def test_north_american_notations_in_english_text(value):
    assert found(f"Please call me at {value} tomorrow.") == [("INTL_PHONE", value)]


def test_a_north_american_shape_in_chinese_text_needs_more_than_its_shape():
    assert found("编号 212-369-0410 已作废") == []


def test_a_dotted_number_that_is_a_version_or_an_ip_is_not_a_phone():
    assert found("版本 139.1234.5678.1") == []
    assert found("IP 10.1.2.3") == [("IP_ADDRESS", "10.1.2.3")]


def _id(body: str) -> str:
    return body + id_check_char(body)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)),
    st.text("0123456789", min_size=3, max_size=3),
    st.sampled_from(["订单号：", "订单编号 ", "Order No. ", "交易单号"]),
)
def test_an_order_number_that_passes_the_id_check_is_not_an_id(day, seq, label):
    value = _id(f"110105{day:%Y%m%d}{seq}")
    assert found(f"{label}{value}，请勿泄露") == []
    assert found(f"身份证号：{value}，请勿泄露") == [("CN_ID", value)]
    assert found(f"身份证号{value}出生于北京") == [("CN_ID", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("赵岩，男，满族，1995年12月1日生，民盟盟员", "1995年12月1日"),
        ("1962年7月18日出生于潮州", "1962年7月18日"),
        ("1993年1月9日生于关岭", "1993年1月9日"),
        ("2004年1月生，", "2004年1月"),
    ],
)
def test_dates_of_birth_before_sheng(text, value):
    assert of_type(text, "DATE_OF_BIRTH") == [value]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["1", "3", "5", "9", "A", "N", "Y"]),
    st.sampled_from("1234569"),
    st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)
def test_credit_codes_of_every_authority_and_category(authority, category, org8):
    check = org_code_check_char(org8)
    body = f"{authority}{category}110105{org8}{check if check != 'X' else '0'}"
    value = body + uscc_check_char(body)
    assert ("USCC", value) in found(f"统一社会信用代码：{value}。")


@pytest.mark.parametrize(
    ("text", "type_", "value"),
    [
        ("大陆居民往来台湾通行证：L12345678。", "TRAVEL_PERMIT", "L12345678"),
        ("往来港澳通行证：C12345678", "TRAVEL_PERMIT", "C12345678"),
        ("车牌沪A-5B123在门口", "LICENSE_PLATE", "沪A-5B123"),
        ("邮箱张伟@公司.中国，", "EMAIL", "张伟@公司.中国"),
        ("发邮件到欧阳娜娜@例子.公司。", "EMAIL", "欧阳娜娜@例子.公司"),
        ("Email: user.name@测试.网络", "EMAIL", "user.name@测试.网络"),
    ],
)
def test_other_notations(text, type_, value):
    assert of_type(text, type_) == [value]


def test_a_chinese_word_before_an_ascii_domain_is_not_taken_for_a_mailbox():
    assert of_type("链接@example.com", "EMAIL") == []


# --- QQ and WeChat -----------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["QQ：", "QQ号", "qq ", "扣扣：", "加我QQ", "QQ号码是"]),
    st.integers(min_value=10_000, max_value=99_999_999_999),
)
def test_a_qq_number_after_its_word(word, number):
    assert found(f"{word}{number}，谢谢") == [("QQ", str(number))]


@pytest.mark.parametrize(
    "text", ["QQ群：123456789", "1234567@qq.com", "共计 12345678 元", "QQ邮箱已满"]
)
def test_no_qq_number_without_its_word_or_in_a_group(text):
    assert of_type(text, "QQ") == []


WECHAT_IDS = st.from_regex(r"[A-Za-z][-_A-Za-z0-9]{5,19}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["微信：", "微信号", "VX：", "加微信 ", "wechat: "]), WECHAT_IDS)
def test_a_wechat_id_after_its_word(word, value):
    assert of_type(f"{word}{value}，谢谢", "WECHAT_ID") == [value]


@pytest.mark.parametrize("text", ["微信支付成功", "Add us on WeChat today", "微信：abc"])
def test_no_wechat_id_in_ordinary_words(text):
    assert of_type(text, "WECHAT_ID") == []


# --- English addresses -------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "350 Fifth Avenue, New York, NY 10118",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
        "PSC 1234, Box 5678, APO AE 09876",
        "Unit 8829 Box 2537, DPO AP 98774",
        "USS Enterprise, FPO AE 09876",
    ],
)
def test_english_addresses(value):
    assert of_type(f"Send it to {value}. Thanks", "ADDRESS") == [value]


def test_a_number_before_capitalised_words_is_not_an_address():
    assert of_type("We sold 3 Big Boxes in 2023 The Year", "ADDRESS") == []


# --- allow list and custom recognisers ---------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(MOBILES, st.sampled_from(["", " ", "-"]))
def test_an_allowed_value_is_not_found_however_it_is_written(n, sep):
    written = f"{n[:3]}{sep}{n[3:7]}{sep}{n[7:]}"
    assert found(f"手机 {written}", allow=[n]) == []
    assert found(f"手机 {written}", allow=[f"{n[:3]}-{n[3:7]}-{n[7:]}"]) == []
    other = "13000000000" if n != "13000000000" else "13000000001"
    assert found(f"手机 {written}", allow=[other]) == [("CN_MOBILE", written)]


def test_an_allowed_name_stays_and_others_are_found():
    text = "主讲人：李明，联系人：王芳"
    assert found(text, allow=["李明"]) == [("PERSON", "王芳")]


def test_a_pattern_with_context_and_a_deny_list_per_call():
    recognizers = [
        Pattern("EMPLOYEE_ID", r"CW[0-9]{6}", context=("工号",)),
        DenyList("CODENAME", ["蓝鲸行动", "Blue Whale"]),
    ]
    text = "工号：CW123456，编号 CW654321，参与蓝鲸行动 and blue whale, not bluewhales"
    assert found(text, recognizers=recognizers) == [
        ("EMPLOYEE_ID", "CW123456"),
        ("CODENAME", "蓝鲸行动"),
        ("CODENAME", "blue whale"),
    ]
    assert redact("工号：CW123456", recognizers=recognizers) == "工号：********"


def test_a_longer_built_in_finding_wins_over_a_custom_one_inside_it():
    recognizers = [Pattern("DIGITS", r"1381234")]
    assert found("手机13812345678", recognizers=recognizers) == [("CN_MOBILE", "13812345678")]


def test_deployment_settings_apply_to_every_call_and_add_to_a_calls_own():
    pii.configure(allow=["13812345678"], recognizers=[DenyList("CODENAME", ["蓝鲸"])])
    try:
        assert found("手机13812345678，蓝鲸") == [("CODENAME", "蓝鲸")]
        assert found("手机13912345678", allow=["13912345678"]) == []
        streamed = list(scan_stream(["手机1381234", "5678，蓝", "鲸"]))
        assert [(f.type, f.text, f.start) for f in streamed] == [("CODENAME", "蓝鲸", 14)]
    finally:
        pii.configure()
    assert found("手机13812345678") == [("CN_MOBILE", "13812345678")]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Pattern("lower", "x"), "type"),
        (lambda: Pattern("OK", "("), "regular expression"),
        (lambda: Pattern("OK", "x", confidence=2), "confidence"),
        (lambda: DenyList("OK", "蓝鲸"), "list of words"),
        (lambda: scan("x", allow="13812345678"), "allow"),
        (lambda: scan("x", recognizers=["x"]), "Pattern or a DenyList"),
    ],
)
def test_bad_custom_settings_are_refused_clearly(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_an_empty_deny_list_and_a_pattern_matching_nothing_change_nothing():
    recognizers = [DenyList("XA", []), Pattern("YB", r"(?=a)")]
    assert found("手机13812345678 a", recognizers=recognizers) == [("CN_MOBILE", "13812345678")]


# --- what an ID number says --------------------------------------------------------------
def test_id_facts():
    facts = id_facts("11010519491231002X")
    assert (facts.region_code, str(facts.birth_date), facts.sex) == (
        "110105",
        "1949-12-31",
        "female",
    )
    assert id_facts("110105491231001").sex == "male"
    assert id_facts("11010519491231002Y") is None
    assert id_facts("") is None


def test_an_english_cell_under_name_must_start_with_a_given_name():
    assert of_type("Name,Price\nApple Watch,300\nJohn Smith,1\n", "PERSON") == ["John Smith"]


def test_a_credit_code_that_also_passes_the_card_check_is_a_credit_code_by_its_label():
    # Found by the property test above: every digit, valid both ways.
    assert found("统一社会信用代码：991101050000000003。") == [("USCC", "991101050000000003")]
    assert found("银行卡号：991101050000000003。") == [("BANK_CARD", "991101050000000003")]
