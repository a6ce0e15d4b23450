"""Chinese personal names, found through the context that introduces them.

A surname list alone would match most Chinese text, so a name is taken only after a label
(姓名：, 联系人, 我叫), before a form of address (先生, 女士, 经理: not part of the span) or
as a chat speaker at the start of a line.
"""

import re

from .finding import Finding
from .lexicon import FUNCTION_CHARS, GIVEN_NAME_CHARS, surnames

_STOP = frozenset("的了在是说和与及或等为被把将给向对从到于就也都还又很已要会能可该这那个们某×*＊")
_FIELD_WORDS = (
    "手机",
    "电话",
    "身份",
    "性别",
    "年龄",
    "住址",
    "地址",
    "邮箱",
    "联系",
    "先生",
    "女士",
    "小姐",
    "经理",
    "老师",
    "同学",
    "师傅",
    "医生",
    "律师",
    "主任",
    "警官",
    "阿姨",
    "同志",
    "教授",
    "总监",
    "出生",
    "生日",
    "籍贯",
    "民族",
    "职业",
    "工作",
    "单位",
    "电邮",
    "微信",
    "账号",
    "银行",
    "卡号",
    "护照",
    "车牌",
    "男",
    "女",
    "今年",
    "岁",
    "你好",
    "您好",
    "收",
)
_FIELD_RX = re.compile("|".join(_FIELD_WORDS))
_NOT_SPEAKERS = frozenset(
    [
        "时间",
        "日期",
        "金额",
        "备注",
        "说明",
        "主题",
        "标题",
        "内容",
        "状态",
        "结果",
        "原因",
        "单位",
        "部门",
        "职务",
        "类型",
        "编号",
        "商品",
        "数量",
        "价格",
        "合计",
        "总计",
        "客服",
        "系统",
        "用户",
        "管理员",
        "机器人",
        "助手",
        "通知",
        "公告",
        "回复",
        "地址",
        "电话",
        "手机",
        "邮箱",
        "姓名",
        "性别",
        "年龄",
        "问题",
        "答复",
        "处理",
        "意见",
        "附件",
        "来源",
        "方式",
        "结论",
        "任务",
        "项目",
        "费用",
        "余额",
    ]
)


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def read_name(text: str, p: int, *, labelled: bool) -> int | None:
    """End of a name starting at p, or None."""
    singles, compounds = surnames()
    if _FIELD_RX.match(text, p):
        return None
    if text[p : p + 2] in compounds:
        q = p + 2
    elif p < len(text) and text[p] in singles:
        q = p + 1
    else:
        return None
    given = 0
    while q < len(text) and given < 2 and _cjk(text[q]) and text[q] not in _STOP:
        if _FIELD_RX.match(text, q):
            break
        if not labelled and text[q] not in GIVEN_NAME_CHARS:
            return None
        q += 1
        given += 1
    if not given:
        return None
    return q


# Labels that are also ordinary nouns (客户支持, 学生时间): without a colon after them the
# name must be made of common name characters.
_WEAK_LABELS = frozenset(
    [
        "名单",
        "客户",
        "学生",
        "患者",
        "乘客",
        "家长",
        "租客",
        "房东",
        "业主",
        "户主",
        "本人",
        "我是",
        "名字",
        "叫做",
    ]
)


def scan_labelled(text: str, start: int, end: int, out: list[Finding]) -> None:
    p = end
    while p < len(text) and text[p] in " \t":
        p += 1
    label = text[start:end]
    strong = label[:2] not in _WEAK_LABELS or label[-1] in ":：是为"
    q = read_name(text, p, labelled=strong)
    if q is None or (not strong and text[p:q] in _COMMON_WORDS):
        return
    # A label followed by a long Chinese phrase is not followed by a name (客户满意度调查).
    if (
        q < len(text)
        and _cjk(text[q])
        and q - p >= 3
        and not _FIELD_RX.match(text, q)
        and not _NAME_END.match(text, q)
    ):
        return
    out.append(Finding("PERSON", p, q, text[p:q], 0.85, f"name after '{text[start:end].strip()}'"))
    _more_in_list(text, q, out)


def _more_in_list(text: str, q: int, out: list[Finding]) -> None:
    """Names that follow a found name in a list: 何俊杰、蒋欣妍、彭宇航."""
    for _ in range(50):
        if q >= len(text) or text[q] not in "、，,":
            return
        p = q + 1
        end = read_name(text, p, labelled=False)
        if end is None:
            return
        stops = [s for s in (end, end - 1) if s - p >= 2 and _NAME_END.match(text, s)]
        if not stops or text[p : stops[0]] in _COMMON_WORDS:
            return
        q = stops[0]
        out.append(Finding("PERSON", p, q, text[p:q], 0.7, "name in a list of names"))


def scan_mention(text: str, at: int, out: list[Finding]) -> None:
    """@王晓红 in a chat: a name right after @ (when the @ is not part of an e-mail)."""
    q = read_name(text, at + 1, labelled=True)
    if q is None:
        return
    for stop in (q, q - 1):
        if stop - at - 1 >= 2 and _NAME_END.match(text, stop):
            name = text[at + 1 : stop]
            if name not in _COMMON_WORDS:
                out.append(Finding("PERSON", at + 1, stop, name, 0.75, "name after @"))
            return


def scan_honorific(text: str, start: int, end: int, out: list[Finding]) -> None:
    singles, compounds = surnames()
    lo = start
    while lo > 0 and start - lo < 4 and _cjk(text[lo - 1]):
        lo -= 1
    run = text[lo:start]
    title = text[start:end]

    def plausible(given: str) -> bool:
        return all(c in GIVEN_NAME_CHARS and c not in _STOP for c in given)

    choice = None
    if len(run) >= 4 and run[-4:-2] in compounds and plausible(run[-2:]):
        choice = 4
    elif (len(run) >= 3 and run[-3:-1] in compounds and plausible(run[-1:])) or (
        len(run) >= 3
        and run[-3] in singles
        and run[-3] not in FUNCTION_CHARS
        and plausible(run[-2:])
    ):
        choice = 3
    elif len(run) >= 2 and run[-2] in singles and plausible(run[-1:]):
        choice = 2
    if choice is None:
        return
    s = start - choice
    out.append(Finding("PERSON", s, start, text[s:start], 0.8, f"name before '{title}'"))


def scan_speaker(text: str, start: int, end: int, out: list[Finding]) -> None:
    colon = end - 1
    while text[colon - 1] in " \t":
        colon -= 1
    p = colon
    while p > start and _cjk(text[p - 1]):
        p -= 1
    word = text[p:colon]
    if word in _NOT_SPEAKERS or not 2 <= len(word) <= 4:
        return
    # With a timestamp in front the line is surely a chat; without one, only a name made of
    # common name characters is taken (车牌：, 时间： are field labels, not speakers).
    stamped = "[" in text[start:p]
    if read_name(text, p, labelled=stamped) != colon:
        return
    out.append(Finding("PERSON", p, colon, word, 0.75, "chat speaker name"))


# After 给/和/联系/请… a name is taken only when made of common name characters and
# followed by a clear end: punctuation, a bracket, or a word that closes a noun phrase.
_NAME_END = re.compile(
    r"[，。、；：！？,.;:!?（(）)\s\"“”」』]|一起|说|称|于|的|等|同学|同志|表示|家|今天|昨天|明天|"
    r"已经|正在|刚才|刚刚|也|都|就|$"
)


# Everyday words that read like surname + given name after 和/给/谢谢… (和国家, 谢谢全国).
_COMMON_WORDS = frozenset(
    [
        "国家",
        "全国",
        "国际",
        "时间",
        "时候",
        "来源",
        "全部",
        "方面",
        "高度",
        "文化",
        "安全",
        "和平",
        "平安",
        "海洋",
        "金融",
        "金额",
        "高新",
        "高级",
        "成功",
        "江南",
        "黄金",
        "万一",
        "于是",
        "明天",
        "明白",
        "明年",
        "白天",
        "方向",
        "方法",
        "文明",
        "华人",
        "晓得",
        "常年",
        "平时",
        "龙头",
        "云端",
        "向前",
        "向东",
        "向西",
        "向南",
        "向北",
        "关于",
        "周末",
        "周年",
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
    ]
)


def scan_after_verb(text: str, start: int, end: int, out: list[Finding]) -> None:
    q = read_name(text, end, labelled=False)
    if q is None:
        return
    # 和赵磊一起: the shorter reading when the longer one does not end cleanly.
    for stop in (q, q - 1):
        if stop - end >= 2 and _NAME_END.match(text, stop):
            name = text[end:stop]
            if name[:2] in _COMMON_WORDS or name in _COMMON_WORDS:
                return
            out.append(Finding("PERSON", end, stop, name, 0.7, f"name after '{text[start:end]}'"))
            _more_in_list(text, stop, out)
            return
