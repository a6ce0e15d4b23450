"""Word lists the detectors use: surnames, name characters, administrative divisions."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Characters common in Chinese given names, written from public knowledge. Used only where
# there is no label in front of a name (a chat speaker, a three-character guess before
# 先生/女士) so that ordinary words are not taken for names.
GIVEN_NAME_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯俊峰婷雪琳"
    "晨欣怡佳慧颖倩晶宁玲燕丹飞云彬海波亮林鑫昊然子涵梓轩睿博瑞泽雨萱思嘉诺妍馨语桐诗晴雅淑"
    "琪璐瑶婧梅莉蕾薇菲翠凤金银春秋冬夏兵成东方振家庆永德福禄寿荣昌盛新立清正义忠孝仁礼智信"
    "光耀祥安康乐和彤蓉莹琴岚雯芬娇媛娅妮姗珊悦晓小大中天远航龙虎彪鸿宏洪泓涵浩瀚铭鸣明敏"
    "旭阳晖煜炜烨磊淼鑫森楠桦松柏杨柳桃李杏兰菊莲荷蓓蕊芸芝茜茹莎萌蕊娥婉婵嫣媚倩霖露霜"
    "琦瑾瑜璇琼璟琛瑞珂玥珏珍珠宝贵财富利发达兴旺顺吉祥瑞贤良善美好丰年胜利利民生军卫"
    "红星光辉秀珍秀兰秀英淑华淑珍桂芳桂兰丽娟丽华丽萍建华建平建军建新志强志明志刚志勇"
    "晓东晓明晓燕晓红晓丽晓峰晓梅晓敏文华文杰文斌文静海燕海涛海峰海洋春梅春华春燕雪梅"
    "一二三四五六七八九十子俊杰宇航梓萱若曦浩然子轩雨泽欣怡诗涵紫嫣梦琪佳怡可欣思远"
    "卓越凡超群群团结勤俭坚毅刚强毅力静怡婷婷萍萍敏敏玲玲冰洁冰清洁霞虹彩霓锦绣娴淑"
    "亚伦佩璇苗苹菁蓝青倩琰琬瑗钰钧锋锐镇铁钢锡铭鑫岩峥嵘崇峻岳山川河江湖溪泉源渊"
    "帅健想欢畅斌彦晗皓晟烁翔翰鹤鹰雁莺凰麟骏驰腾跃朗逸哲睿贺喜庆福运通达雷坤帆花香"
)

# Surnames that are also everyday function words; when they come before a two-character
# name (联系王芳先生, 向李明经理), the shorter reading is the right one.
FUNCTION_CHARS = frozenset(
    "向和于时从与将把被让给对跟同由是为及等也都还又就在的了位名这那各每某请问找叫致见感要"
    "需帮告诉通知联系有无不没很最更已会能可该本其此之以而且但并或即若如与到去来说话称号"
)


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    text = (DATA / "surnames.txt").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    marker = lines.index("---")
    singles = frozenset("".join(lines[:marker]))
    compounds = frozenset(lines[marker + 1 :])
    return singles, compounds


_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def _short_form(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@cache
def division_names() -> dict[str, int]:
    """Every province, city and county name, full and short form, mapped to its level
    (1 province, 2 city, 3 county). Short forms (广东, 深圳, 南山) are what people write."""
    data = json.loads((DATA / "divisions.json").read_text(encoding="utf-8"))
    names: dict[str, int] = {}
    for level, key in ((3, "counties"), (2, "cities"), (1, "provinces")):
        for name in data[key]:
            names[name] = level
            short = _short_form(name)
            # Short county names such as 城区 or 郊区 are ordinary words; keep only names
            # that stand for a place on their own.
            if short and (level < 3 or len(short) >= 2) and short not in _AMBIGUOUS_SHORT:
                names.setdefault(short, level)
    return names


_AMBIGUOUS_SHORT = frozenset(
    [
        "城",
        "郊",
        "矿",
        "新",
        "东",
        "西",
        "南",
        "北",
        "中",
        "市中",
        "开发",
        "高新",
        "新城",
        "城中",
        "城东",
        "城西",
        "城南",
        "城北",
        "市南",
        "市北",
        "河东",
        "河西",
        "和平",
        "白云",
        "新华",
        "长安",
    ]
)


@cache
def division_lengths_by_prefix() -> dict[str, tuple[int, ...]]:
    """For each first two characters of a division name (all have at least two), the name
    lengths, longest first: fewer lengths to try at a position than by first character."""
    lengths: dict[str, set[int]] = {}
    for name in division_names():
        lengths.setdefault(name[:2], set()).add(len(name))
    return {p: tuple(sorted(ls, reverse=True)) for p, ls in lengths.items()}
