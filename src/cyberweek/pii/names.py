"""Chinese personal names, found through the context that introduces them.

A surname list alone would match most Chinese text, so a name is taken only after a label
(姓名：, 联系人, 我叫), before a form of address (先生, 女士, 经理: not part of the span) or
as a chat speaker at the start of a line.
"""

import re

from .finding import RawFinding
from .lexicon import FUNCTION_CHARS, GIVEN_NAME_CHARS, division_names, surnames

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


# First characters of the field words: a character not among them starts none (a set test
# instead of a regular expression at most characters of a name).
_FIELD_FIRST = frozenset(w[0] for w in _FIELD_WORDS)


# (Read once: the triggers of candidates.py have loaded them at import anyway.)
_SINGLES, _COMPOUNDS = surnames()


def read_name(text: str, p: int, *, labelled: bool) -> int | None:
    """End of a name starting at p, or None."""
    singles, compounds = _SINGLES, _COMPOUNDS
    first = text[p : p + 1]
    if first in _FIELD_FIRST and _FIELD_RX.match(text, p):
        return None
    if text[p : p + 2] in compounds:
        q = p + 2
    elif first and first in singles:
        q = p + 1
    else:
        return None
    given = 0
    size = len(text)
    while q < size and given < 2:
        ch = text[q]
        if not "\u4e00" <= ch <= "\u9fff" or ch in _STOP:
            break
        if ch in _FIELD_FIRST and _FIELD_RX.match(text, q):
            break
        if not labelled and ch not in GIVEN_NAME_CHARS:
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


# Role words before a name. Taken with a colon after them (参会人员：张伟、李娜, 值班医生：
# 宋建华); bylines also with a space (记者 李明); the weak ones also directly before a name
# made of common name characters that ends cleanly (志愿者高雅、罗斌, 班主任韩梅，).
# Role words written straight before a name on forms and records (审核人诸葛亮).
_FORM_ROLES = (
    "受理人",
    "填表人",
    "登记人",
    "复核人",
    "核查人",
    "办理人",
    "承办人",
    "接警人",
    "值班人",
    "制表人",
)
# Words that introduce a person in news and reports (市民严莉接到…).
_PERSON_INTRODUCERS = (
    "市民",
    "网友",
    "居民",
    "村民",
    "事主",
    "犯罪嫌疑人",
    "嫌疑人",
    "大学生",
    "老人",
    "民警",
    "男子",
    "女子",
)
ROLE_LABELS = (
    "参会人员",
    "参加人员",
    "与会人员",
    "出席人员",
    "列席人员",
    "工作人员",
    "值班人员",
    "陪同人员",
    "出席",
    "列席",
    "缺席",
    "主持人",
    "主持",
    "记录人",
    "记录",
    "审核人",
    "审批人",
    "签发人",
    "批准人",
    "签名",
    "签字",
    "报告人",
    "主讲人",
    "主讲",
    "讲师",
    "指导老师",
    "指导教师",
    "辅导员",
    "导师",
    "班主任",
    "队员",
    "参赛队员",
    "成员",
    "组长",
    "组员",
    "队长",
    "班长",
    "获奖者",
    "值班医生",
    "值班护士",
    "医生",
    "护士",
    "老师",
    "教师",
    "教练",
    "评委",
    "嘉宾",
    "发言人",
    "被执行人",
    "原告",
    "被告",
    "证人",
    "作者",
    "编辑",
    "责任编辑",
    "记者",
    "通讯员",
    "摄影",
    "联络人",
    "对接人",
    "志愿者",
    "主管",
    "一等奖",
    "二等奖",
    "三等奖",
    "特等奖",
    "优秀奖",
    *_FORM_ROLES,
    *_PERSON_INTRODUCERS,
)
_BYLINES = frozenset(["记者", "通讯员", "摄影", "编辑", "责任编辑"])
_WEAK_ROLES = frozenset(
    [
        "志愿者",
        "班主任",
        "主管",
        "记者",
        "通讯员",
        "一等奖",
        "二等奖",
        "三等奖",
        "特等奖",
        "优秀奖",
        "审核人",
        "审批人",
        "记录人",
        "批准人",
        "签发人",
        "报告人",
        *_FORM_ROLES,
        *_PERSON_INTRODUCERS,
    ]
)
_ROLES = frozenset(ROLE_LABELS)
# The others are labels only with a colon after them (Hyperscan is asked for it).
FREE_ROLE_LABELS = tuple(w for w in ROLE_LABELS if w in _BYLINES or w in _WEAK_ROLES)
COLON_ROLE_LABELS = tuple(w for w in ROLE_LABELS if w not in FREE_ROLE_LABELS)
# (written without classes of non-ASCII characters: it is also a Hyperscan pattern on UTF-8)
LABEL_NOTE = r"(?:(?:（|\()(?:签字|签名|盖章|签章)(?:）|\)))?"
# What may follow a name read without a label: the ends of _NAME_END, and 报道/摄 in bylines.
_ROLE_END = re.compile(
    r"报道|摄|在|被|接到|收到|因|向|曾|遭|称|表示|介绍|告诉|指出|认为|回忆|提醒|透露|坦言|"
    r"强调|发现|报警|来到|通过|已|将|等人"
)


def _clean_name(text: str, p: int, ends: re.Pattern) -> int | None:
    """End of a name at p made of a surname and common name characters and followed by a
    clean end (_NAME_END or ends), or None."""
    q = read_name(text, p, labelled=True)
    if q is None:
        return None
    first = 2 if text[p : p + 2] in surnames()[1] else 1
    for stop in (q, q - 1):
        if stop - p < 2 or stop - p - first < 1:
            continue
        if not (_NAME_END.match(text, stop) or ends.match(text, stop)):
            continue
        name = text[p:stop]
        if name in _COMMON_WORDS or name[:2] in _COMMON_WORDS or name in _GRADES:
            return None
        if _is_place(name):
            return None
        if all(c in GIVEN_NAME_CHARS for c in name[first:]):
            return stop
        return None
    return None


def _is_place(name: str) -> bool:
    """A province or city name (黄山, 丽江): not taken for a name without a label."""
    places = division_names()
    return name + "市" in places or name + "省" in places or places.get(name, 9) <= 2


def _scan_role(text: str, start: int, end: int, word: str, out: list[RawFinding]) -> None:
    label = text[start:end]
    p = end
    while p < len(text) and text[p] in " \t\u3000":
        p += 1
    spaced = p > end or label[-1] in " \t"  # the label's match takes the blanks after it
    if label[-1] in ":：" or (spaced and word in _BYLINES):
        q = read_name(text, p, labelled=True)
        if q is None or q - p < 2:
            return
        # A long Chinese phrase after the label is not a name (主持：全体员工).
        if (
            q < len(text)
            and _cjk(text[q])
            and not _FIELD_RX.match(text, q)
            and not _NAME_END.match(text, q)
            and not _ROLE_END.match(text, q)
        ):
            return
        conf = 0.85
    elif word in _WEAK_ROLES:
        q = _clean_name(text, p, _ROLE_END)
        if q is None:
            return
        conf = 0.75
    else:
        return
    out.append((p, q, "PERSON", text[p:q], conf, f"name after '{label.strip()}'"))
    _more_in_list(text, q, out)


def scan_labelled(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    label = text[start:end]
    # The label word without the colon, a note such as （签字） or 姓名 after it.
    word = label.rstrip(" \t:：是为")
    if word[-1:] in "）)":
        word = word[: max(word.rfind("（"), word.rfind("("))]
    if word.endswith("姓名"):
        word = word[:-2]
    if word in _ROLES:
        _scan_role(text, start, end, word, out)
        return
    p = end
    while p < len(text) and text[p] in " \t":
        p += 1
    label = text[start:end]
    strong = label[:2] not in _WEAK_LABELS or label[-1] in ":：是为"
    q = read_name(text, p, labelled=strong)
    if q is None or (not strong and text[p:q] in _COMMON_WORDS) or text[p:q] in _GRADES:
        return
    # A label followed by a long Chinese phrase is not followed by a name (客户满意度调查).
    if (
        q < len(text)
        and _cjk(text[q])
        and q - p >= 3
        and not _FIELD_RX.match(text, q)
        and not _NAME_END.match(text, q)
        and not _ROLE_END.match(text, q)
    ):
        return
    out.append((p, q, "PERSON", text[p:q], 0.85, f"name after '{text[start:end].strip()}'"))
    _more_in_list(text, q, out)


def _more_in_list(text: str, q: int, out: list[RawFinding]) -> None:
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
        out.append((p, q, "PERSON", text[p:q], 0.7, "name in a list of names"))


def scan_mention(text: str, at: int, out: list[RawFinding]) -> None:
    """@王晓红 in a chat: a name right after @ (when the @ is not part of an e-mail)."""
    q = read_name(text, at + 1, labelled=True)
    if q is None:
        return
    for stop in (q, q - 1):
        if stop - at - 1 >= 2 and _NAME_END.match(text, stop):
            name = text[at + 1 : stop]
            if name not in _COMMON_WORDS:
                out.append((at + 1, stop, "PERSON", name, 0.75, "name after @"))
            return


def scan_honorific(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    singles, compounds = surnames()
    if end < len(text) and text[end] in "（(":  # 物业经理（孙鹏）
        q = read_name(text, end + 1, labelled=True)
        if q is not None and q - end - 1 >= 2 and q < len(text) and text[q] in "）)":
            title = text[start:end]
            out.append(
                (end + 1, q, "PERSON", text[end + 1 : q], 0.8, f"name in brackets after '{title}'")
            )
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
    out.append((s, start, "PERSON", text[s:start], 0.8, f"name before '{title}'"))


def scan_speaker(text: str, start: int, end: int, out: list[RawFinding]) -> None:
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
    out.append((p, colon, "PERSON", word, 0.75, "chat speaker name"))


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
# School years, read as surname + numeral after 我是 (我是高二（3）班…).
_GRADES = frozenset(["高一", "高二", "高三", "初一", "初二", "初三"])


# After 由 a name is taken when the verb of the task follows (由刘志强负责, 由袁志刚主持).
_TASK_VERBS = re.compile(
    r"负责|主持|担任|牵头|组织|带队|带领|主讲|讲解|介绍|发言|签发|审核|陪同|接待|执笔|撰写|"
    r"整理|授课|宣讲|领读|指导|统筹|协调|联系|对接|跟进|处理|办理"
)


def scan_by(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    q = read_name(text, end, labelled=True)
    if q is None:
        return
    first = 2 if text[end : end + 2] in surnames()[1] else 1
    for stop in (q, q - 1):
        if stop - end - first >= 1 and _TASK_VERBS.match(text, stop):
            name = text[end:stop]
            if name in _COMMON_WORDS or _is_place(name):
                return
            if all(c in GIVEN_NAME_CHARS for c in name[first:]):
                out.append((end, stop, "PERSON", name, 0.75, "name before a task after '由'"))
            return


def scan_after_verb(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if text.startswith("一下", end):  # 通知一下马超
        end += 2
    q = read_name(text, end, labelled=False)
    if q is None:
        return
    # 和赵磊一起: the shorter reading when the longer one does not end cleanly.
    for stop in (q, q - 1):
        if stop - end >= 2 and _NAME_END.match(text, stop):
            name = text[end:stop]
            if name[:2] in _COMMON_WORDS or name in _COMMON_WORDS or _is_place(name):
                return
            out.append((end, stop, "PERSON", name, 0.7, f"name after '{text[start:end]}'"))
            _more_in_list(text, stop, out)
            return


def scan_cv_line(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    """张三丰，男，汉族: a name at the head of a line or sentence, then the sex between commas."""
    p = start
    while p > 0 and start - p < 4 and _cjk(text[p - 1]):
        p -= 1
    if p and text[p - 1] not in "\n\r\t 。；;：:、>|\u3000":
        return
    if not 2 <= start - p <= 4 or read_name(text, p, labelled=True) != start:
        return
    name = text[p:start]
    if name in _COMMON_WORDS or name in _NOT_SPEAKERS:
        return
    out.append((p, start, "PERSON", name, 0.8, "name before the sex in a CV line"))


# Verbs of reporting after a name in prose (据王芳介绍, 昨天杨勇指出, 沈秀兰等人).
_NOT_NAMES_BEFORE_VERB = frozenset(
    [
        "公司",
        "专家",
        "记者",
        "警方",
        "官方",
        "民警",
        "市民",
        "网友",
        "他们",
        "我们",
        "大家",
        "有关",
        "相关",
        "部门",
        "方面",
        "单位",
        "学校",
        "医院",
        "银行",
        "平台",
        "客服",
        "同学",
    ]
)


def scan_before_verb(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    singles, compounds = _SINGLES, _COMPOUNDS
    lo = start
    while lo > 0 and start - lo < 4 and _cjk(text[lo - 1]):
        lo -= 1
    run = text[lo:start]

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
    elif (
        len(run) >= 2
        and run[-2] in singles
        and run[-2] not in FUNCTION_CHARS
        and plausible(run[-1:])
    ):
        choice = 2
    if choice is None:
        return
    s = start - choice
    name = text[s:start]
    if (
        name in _COMMON_WORDS
        or name[:2] in _NOT_NAMES_BEFORE_VERB
        or name[1:] in _COMMON_WORDS
        or name[1:] in ("中国", "人民", "社会", "经济", "工作", "大家")
        or _is_place(name)
    ):
        return
    verb = text[start:end]
    out.append((s, start, "PERSON", name, 0.7, f"name before '{verb}'"))
