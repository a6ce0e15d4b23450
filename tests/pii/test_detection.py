"""Each type, its span conventions and the traps of existing tools."""

import pytest

from tests.pii.samples import make_id, make_luhn


def test_id_numbers_with_check_character_x_lowercase_spaced_and_old_form(found):
    x_id = make_id("11010519491231002")
    assert x_id.endswith("X")
    assert found(f"身份证{x_id}。") == [("CN_ID", x_id)]
    assert found(f"身份证号：{x_id.lower()}") == [("CN_ID", x_id.lower())]
    spaced = f"{x_id[:6]} {x_id[6:14]} {x_id[14:]}"
    assert found(f"证件号 {spaced}，请核对") == [("CN_ID", spaced)]
    assert found("老身份证110105491231002仍在使用") == [("CN_ID", "110105491231002")]


def test_id_number_with_wrong_check_digit_is_not_an_id(found):
    good = make_id("44030419851015123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert found(f"身份证{bad}") == []


def test_mobile_numbers_keep_their_country_prefix_and_separators(found):
    for written in (
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
        "(+86)13812345678",
        "8613812345678",
    ):
        assert found(f"电话{written}，谢谢") == [("CN_MOBILE", written)], written


def test_landlines_include_area_code_parentheses_but_not_extension(found):
    assert found("电话：(010)62345678") == [("CN_LANDLINE", "(010)62345678")]
    assert found("座机 0755-26543210-8001") == [("CN_LANDLINE", "0755-26543210")]
    assert found("+86 755 26543210") == [("CN_LANDLINE", "+86 755 26543210")]


def test_international_numbers_are_found_with_their_plus_prefix(found):
    assert found("Call +1 646-201-5312 today") == [("INTL_PHONE", "+1 646-201-5312")]
    assert found("London +44 20 7946 0958.") == [("INTL_PHONE", "+44 20 7946 0958")]


def test_hotlines_and_masked_numbers_are_not_phones(found):
    assert found("客服热线95588，投诉电话400-820-8820，服务电话：800-810-8888") == []
    assert found("手机尾号 138****5678 已脱敏，身份证 110105********002X") == []


def test_19_digit_unionpay_and_spaced_cards_pass_luhn(found):
    card = make_luhn("622202100112345678")
    assert len(card) == 19
    assert found(f"卡号{card}（银联）") == [("BANK_CARD", card)]
    spaced = " ".join(card[i : i + 4] for i in range(0, 19, 4))
    assert found(f"银行卡：{spaced}") == [("BANK_CARD", spaced)]


def test_a_phone_inside_a_longer_number_is_neither_reported_nor_cut_out(found):
    card = make_luhn("621700138123456789")
    assert found(f"卡号{card}") == [("BANK_CARD", card)]
    assert found("订单号201811251381234567800里有一段像手机号") == []
    assert found("一串数字1381234567813812345678") == []


def test_two_phones_separated_by_a_space_are_two_findings(found):
    assert found("号码 13812345678 13912345678 都能打通") == [
        ("CN_MOBILE", "13812345678"),
        ("CN_MOBILE", "13912345678"),
    ]


def test_order_waybill_and_transaction_numbers_are_not_flagged(found):
    text = (
        "订单号：13812345678，快递单号SF1234567890123，运单号：773012345678901，"
        "交易流水号：4200001234202311251234567890，时间戳1700000000123，金额：13812345678.50元"
    )
    assert found(text) == []


def test_unified_social_credit_code(found):
    assert found("统一社会信用代码91350211MA2Y3C4L8K") == [("USCC", "91350211MA2Y3C4L8K")]
    assert found("统一社会信用代码91350211MA2Y3C4L8J") == []


def test_imei_needs_luhn(found):
    assert found("设备IMEI：356938035643809") == [("IMEI", "356938035643809")]
    assert found("设备IMEI：356938035643808") == []


def test_passports_and_travel_permits(found):
    assert found("护照号码EA1234567") == [("CN_PASSPORT", "EA1234567")]
    assert found("护照E12345678") == [("CN_PASSPORT", "E12345678")]
    assert found("回乡证M12345678") == [("TRAVEL_PERMIT", "M12345678")]
    assert found("台胞证号码：12345678") == [("TRAVEL_PERMIT", "12345678")]
    assert found("会员号 12345678 不是台胞证") == []


def test_plates_including_new_energy(found):
    assert found("车牌粤B·D12345（新能源）") == [("LICENSE_PLATE", "粤B·D12345")]
    assert found("车牌京A8F2K5，货车沪C12345D") == [
        ("LICENSE_PLATE", "京A8F2K5"),
        ("LICENSE_PLATE", "沪C12345D"),
    ]


def test_email_never_swallows_neighbouring_chinese_or_mailto(found):
    assert found("邮箱zhang.wei@example.com联系我") == [("EMAIL", "zhang.wei@example.com")]
    assert found('<a href="mailto:li.na+cw@mail.example.cn">') == [
        ("EMAIL", "li.na+cw@mail.example.cn")
    ]


def test_ip_addresses_without_port_and_not_versions_or_sections(found):
    assert found("IP是10.0.0.12:8080") == [("IP_ADDRESS", "10.0.0.12")]
    assert found("[2001:db8:85a3::8a2e:370:7334]:443") == [
        ("IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334")
    ]
    assert found("版本号2.1.0.3，见第3.1.2.4节，version 10.0.19041.1，时间12:30:45") == []


def test_mac_addresses(found):
    assert found("网卡 3C-22-FB-0A-1B-2C，mac 00:1a:2b:3c:4d:5e") == [
        ("MAC_ADDRESS", "3C-22-FB-0A-1B-2C"),
        ("MAC_ADDRESS", "00:1a:2b:3c:4d:5e"),
    ]


def test_dates_are_dates_of_birth_only_in_birth_context(found):
    assert found("出生日期：1990年3月7日；入职日期：2015年7月1日。") == [
        ("DATE_OF_BIRTH", "1990年3月7日")
    ]
    assert found("She was born on July 4, 1985 and joined on August 1, 2010.") == [
        ("DATE_OF_BIRTH", "July 4, 1985")
    ]
    assert found("我儿子2015年6月1日出生。") == [("DATE_OF_BIRTH", "2015年6月1日")]
    assert found("会议定于2015年6月1日召开") == []


def test_secrets_span_only_the_value(found):
    assert found("password=hunter2!x\n") == [("SECRET", "hunter2!x")]
    assert found('api_key: "sk-proj-abcdEFGH1234ijklMNOP5678qrst"') == [
        ("SECRET", "sk-proj-abcdEFGH1234ijklMNOP5678qrst")
    ]
    assert found("DATABASE_URL=postgres://admin:s3cr3tPass@db:5432/app") == [
        ("SECRET", "s3cr3tPass")
    ]
    assert found("password=********\npassword=${DB_PASSWORD}\n") == []


def test_pem_private_key_spans_the_whole_block(found):
    block = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4"
        "WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n"
        "-----END RSA PRIVATE KEY-----"
    )
    assert found(f"key:\n{block}\nend") == [("SECRET", block)]


def test_names_exclude_forms_of_address_and_need_context(found):
    assert found("我叫欧阳娜娜，联系王芳女士或李建国经理。") == [
        ("PERSON", "欧阳娜娜"),
        ("PERSON", "王芳"),
        ("PERSON", "李建国"),
    ]
    assert found("王先生来电咨询，张总也在。") == []
    assert found("客户支持部门今天开会") == []


def test_address_runs_from_first_division_to_room_without_postcode_or_recipient(found):
    text = "收件人：张伟，地址：浙江省杭州市西湖区文三路478号华星时代广场A座1203室，邮编310012"
    assert found(text) == [
        ("PERSON", "张伟"),
        ("ADDRESS", "浙江省杭州市西湖区文三路478号华星时代广场A座1203室"),
    ]
    assert found("寄到上海市浦东新区世纪大道100号，陈静收。") == [
        ("ADDRESS", "上海市浦东新区世纪大道100号"),
        ("PERSON", "陈静"),
    ]


def test_metro_lines_and_document_numbers_are_not_addresses(found):
    assert found("坐地铁1号线到人民广场，按3号文件执行") == []


@pytest.mark.parametrize(("left", "right"), [("中", "文"), ("，", "。"), ("「", "」"), (" ", " ")])
def test_values_next_to_chinese_characters_are_found(found, left, right):
    assert found(f"{left}13812345678{right}") == [("CN_MOBILE", "13812345678")]


def test_a_birth_month_without_the_day_is_a_date_of_birth_only_with_birth_context(found):
    assert found("他于1965年8月出生。") == [("DATE_OF_BIRTH", "1965年8月")]
    assert found("会议定于2015年6月召开") == []


def test_passwords_in_connection_strings_and_mysql_command_lines(found):
    assert found("redis://:Sup3rRedisPass@cache.internal:6379/0") == [("SECRET", "Sup3rRedisPass")]
    assert found("mysql -h db -u root -pRootPass2024\n") == [("SECRET", "RootPass2024")]
    assert found("mysql -u root -p\n") == []


def test_names_after_a_verb_need_a_clear_end_and_are_not_common_words(found):
    assert found("今天和赵磊一起去了医院") == [("PERSON", "赵磊")]
    assert found("请联系李娜（lina@corp.cn）") == [("PERSON", "李娜"), ("EMAIL", "lina@corp.cn")]
    assert found("感谢全国的志愿者，和国家一起努力") == []


def test_names_in_mentions_and_lists(found):
    assert found("家长群里：@王晓红 妈妈，明天") == [("PERSON", "王晓红")]
    assert found("志愿者名单：何俊杰、蒋欣妍、彭宇航") == [
        ("PERSON", "何俊杰"),
        ("PERSON", "蒋欣妍"),
        ("PERSON", "彭宇航"),
    ]
    assert found("@所有人 开会，获奖名单公示") == []


def test_netmasks_are_not_ip_addresses(found):
    assert found("子网掩码 255.255.255.0，网关 192.168.0.1") == [("IP_ADDRESS", "192.168.0.1")]
