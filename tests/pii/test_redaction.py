import pytest

from cyberweek.pii import Policy, Rule, redact

TEXT = "姓名：张伟，手机13812345678，邮箱zhang.wei@example.com"


def test_default_policy_masks_keeping_a_recognisable_head_and_tail():
    assert redact(TEXT) == "姓名：张*，手机138****5678，邮箱z********@example.com"


def test_mask_head_and_tail_are_configurable_per_type():
    policy = Policy(rules={"CN_MOBILE": Rule("mask", head=0, tail=2)})
    assert "*********78" in redact(TEXT, policy)


def test_tag_and_remove_actions():
    assert redact("手机13812345678", Policy.of("tag")) == "手机<CN_MOBILE>"
    assert redact("手机13812345678。", Policy.of("remove")) == "手机。"


def test_pseudonyms_are_stable_across_documents_and_depend_on_the_key():
    a = redact("手机13812345678", Policy.of("pseudonym", key="k1"))
    b = redact("联系 138 1234 5678 即可", Policy.of("pseudonym", key="k1"))
    c = redact("手机13812345678", Policy.of("pseudonym", key="k2"))
    token = a.removeprefix("手机")
    assert token.startswith("<CN_MOBILE:")
    assert token in b
    assert token not in c


def test_pseudonym_without_a_key_is_refused():
    with pytest.raises(ValueError, match="key"):
        Policy.of("pseudonym")


def test_unknown_action_or_type_is_refused():
    with pytest.raises(ValueError, match="unknown action"):
        Rule("shred")
    with pytest.raises(ValueError, match="unknown type"):
        Policy(rules={"SSN": Rule("tag")})


def test_only_selected_types_are_redacted():
    out = redact(TEXT, Policy(default=Rule("tag"), types=frozenset({"EMAIL"})))
    assert out == "姓名：张伟，手机13812345678，邮箱<EMAIL>"
