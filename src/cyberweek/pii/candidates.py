"""Stage one: find candidate positions in one pass; stage two validates each exactly.

Each kind of candidate has *triggers*: short, selective patterns that say "a value of this
kind may start here". They run either in Hyperscan (hyperscan_pass.py, when the
``hyperscan`` wheel is installed: one pass over the text per database, ASCII triggers and
the others) or in pure Python (one regular expression per trigger). Every trigger is
written once, as (left anchor class, body), and both forms are generated from it: in
Hyperscan the anchor is a consumed byte, in Python a negative look-behind. Both engines
report every start where a value can begin (Hyperscan may report a few more starts inside
a run, which stage two skips or rejects, and a few fewer where stage two could only
reject: all-digit runs for "code18"), and stage two matches the kind's exact pattern at
each start in Python, so both give the same findings; tests/pii/test_engines.py checks it
on the evaluation set and on random text. The starts come out per kind (starts_by_kind),
which is how stage two takes them.

No pattern has nested unbounded repetition, and the exact patterns are matched anchored at
a start: time is linear in the text even for a 100 MB line of digits.
"""

import os
import re
from dataclasses import dataclass

from .hyperscan_pass import compile_databases, hyperscan_starts
from .lexicon import surnames
from .names import COLON_ROLE_LABELS, FREE_ROLE_LABELS, LABEL_NOTE, ROLE_LABELS
from .tables import NAME_HEADERS

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_HEX = "[0-9A-Fa-f]"


@dataclass(frozen=True)
class Trigger:
    kind: str
    body: str  # a regular expression valid in both Python and Hyperscan
    anchor: str = ""  # class of characters that may NOT come just before (ASCII only)
    caseless: bool = False
    # The same trigger for the pure-Python pass, written so that it starts with one
    # character class: the regular expression engine then skips ahead in C to possible
    # first characters (a leading look-behind or alternation would make it try every
    # position). The anchor check moves into a look-behind after that first character.
    py: tuple[str, ...] = ()


def _lit(*words: str) -> str:
    return "|".join(re.escape(w) for w in words)


def _surname_first() -> str:
    singles, compounds = surnames()
    return "".join(sorted(set(singles) | {c[0] for c in compounds}))


# A name found after a verb or as a chat speaker starts with a surname (names.read_name), so
# those triggers ask for one: without it, 给/和/请… and every "字段：" line would each cost a
# call to stage two that can only fail (about 4,000 per MB of the bench corpus).
_SURNAME_CLASS = f"[{_surname_first()}]"
_SURNAME_ALT = "(?:" + "|".join(_surname_first()) + ")"
_VERBS = _lit(
    "给",
    "和",
    "跟",
    "与",
    "找",
    "联系",
    "请",
    "让",
    "问",
    "告诉",
    "通知",
    "感谢",
    "谢谢",
    "陪",
    "或",
    "及",
    "同事",
)
_SPEAKER_HEAD = r"^[ \t]*(?:\[[^\]\n]{1,25}\][ \t]*)?"


TRIGGERS: list[Trigger] = [
    Trigger("pem", r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----"),
    Trigger(
        "token",
        r"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}"
        r"|github_pat_[A-Za-z0-9_]{22}|xox[abprs]-[A-Za-z0-9-]{10}"
        r"|AIza[0-9A-Za-z_-]{35}|sk-[A-Za-z0-9_-]{20}|sk_live_[0-9A-Za-z]{16}"
        r"|rk_live_[0-9A-Za-z]{16}"
        r"|sk_test_[0-9A-Za-z]{16}|eyJ[A-Za-z0-9_-]{8}|LTAI[0-9A-Za-z]{12}"
        r"|AKID[0-9A-Za-z]{32}",
    ),
    Trigger(
        "kv",
        r"(?:password|passwd|passwort|pwd|passcode|pass|secret|api[_-]?key|apikey"
        r"|access[_-]?key|token)[\"']?[ \t]*(?:[:=]|：|=>)",
        anchor="A-Za-z",
        caseless=True,
        py=(
            r"[PpSsAaTt](?<![A-Za-z][PpSsAaTt])(?i:(?<=[Pp])(?:assword|asswd|asswort|wd|asscode"
            r"|ass)|(?<=[Ss])ecret|(?<=[Aa])(?:pi[_-]?key|pikey|ccess[_-]?key)|(?<=[Tt])oken)"
            r"[\"']?[ \t]*(?:[:=]|：|=>)",
        ),
    ),
    Trigger(
        "kv",
        r"bearer[ \t]",
        anchor="A-Za-z",
        caseless=True,
        py=(r"[Bb](?<![A-Za-z][Bb])(?i:earer)[ \t]",),
    ),
    Trigger("kv", r"(?:密码|口令)[ \t]*(?:[:=]|：|是|为)"),
    Trigger("url", r"://[^\s:/@]{0,64}:[^\s@/]{1,128}@"),
    Trigger("at", r"@"),
    Trigger("cli_password", r"mysql", anchor="A-Za-z"),
    Trigger(
        "mac",
        rf"{_HEX}{{2}}:{_HEX}{{2}}:{_HEX}{{2}}:|{_HEX}{{2}}-{_HEX}{{2}}-{_HEX}{{2}}-"
        rf"|{_HEX}{{4}}\.{_HEX}{{4}}\.",
        # Not after a separator either: network.scan_mac takes no value there.
        anchor="0-9A-Fa-f:._\\-",
        py=(
            rf"{_HEX}(?<![0-9A-Fa-f:._\-]{_HEX})(?:{_HEX}:{_HEX}{{2}}:{_HEX}{{2}}:"
            rf"|{_HEX}-{_HEX}{{2}}-{_HEX}{{2}}-"
            rf"|{_HEX}{{3}}\.{_HEX}{{4}}\.)",
        ),
    ),
    Trigger(
        "ipv4",
        r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]",
        # Not after a letter, '.', '_', '-' or '/' either (v1.2.3.4, a/1.2.3.4): network.
        # scan_ipv4 takes no value there.
        anchor="0-9A-Za-z._/\\-",
        py=(r"[0-9](?<![0-9A-Za-z._/\-][0-9])[0-9]{0,2}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]",),
    ),
    # Three colons or a double colon: a time of day (12:30:45) is not a candidate.
    Trigger(
        "ipv6",
        rf"{_HEX}{{1,4}}:{_HEX}{{0,4}}:{_HEX}{{0,4}}:|{_HEX}{{1,4}}::|::{_HEX}",
        anchor="0-9A-Fa-f:",
        py=(
            rf"{_HEX}(?<![0-9A-Fa-f:]{_HEX})(?:{_HEX}{{0,3}}:{_HEX}{{0,4}}:{_HEX}{{0,4}}:"
            rf"|{_HEX}{{0,3}}::)",
            rf":(?<![0-9A-Fa-f:]:):{_HEX}",
        ),
    ),
    Trigger(
        "addr",
        r"[0-9]{1,5}(?:号|弄|组|栋|幢)",
        anchor="0-9",
        py=(r"[0-9](?<![0-9][0-9])[0-9]{0,4}(?:号|弄|组|栋|幢)",),
    ),
    Trigger(
        "addr",
        r"(?:一|二|三|四|五|六|七|八|九|十){1,3}(?:组|号)",
        py=(r"[一二三四五六七八九十]{1,3}(?:组|号)",),
    ),
    # Only codes with a letter in the first 17 characters: the digit handler takes the
    # rest (IDs), so in Hyperscan all-digit runs are not candidates here. The Python form
    # keeps the simpler pattern; stage two drops those starts (engine._code18).
    Trigger(
        "code18",
        "(?:"
        + "|".join(
            ("[0-9]" * k) + f"[A-HJ-NP-RTUWXY][0-9A-HJ-NP-RTUWXY]{{{17 - k}}}" for k in range(17)
        )
        + ")[^0-9A-Za-z]",
        anchor="0-9A-Za-z",
        py=(
            r"[0-9A-HJ-NP-RTUWXY](?<![0-9A-Za-z][0-9A-HJ-NP-RTUWXY])"
            r"[0-9A-HJ-NP-RTUWXY]{17}[^0-9A-Za-z]",
        ),
    ),
    Trigger(
        "alpha_id",
        r"[A-Z]{1,2}[0-9]{6,10}[^0-9A-Za-z]",
        anchor="0-9A-Za-z",
        py=(r"[A-Z](?<![0-9A-Za-z][A-Z])[A-Z]?[0-9]{6,10}[^0-9A-Za-z]",),
    ),
    Trigger("plate", rf"(?:{'|'.join(_PROVINCES)})[A-HJ-NP-Z](?:·|•|・| |-)?[A-HJ-NP-Z0-9]{{4}}"),
    # Seven digits in a row, or a group then a separator and three digits; a date such as
    # 2023-11-25 is not a candidate. Numbers with a country code start at their plus sign
    # (so no run starts right after a "+": the one from the plus covers it). A run glued to
    # a letter (IMEI1 86…, ORD2023…) is never a value on its own.
    Trigger(
        "num", r"[0-9]{7}", anchor="0-9A-Za-z_+", py=(r"[0-9](?<![0-9A-Za-z_+][0-9])[0-9]{6}",)
    ),
    # The separators are one or two of  -)(）（, written as two triggers: with ASCII ones
    # only (the common case, run on the narrow copy of the text) and with a full-width one.
    Trigger(
        "num",
        r"[0-9]{1,6}[ \-)(]{1,2}[0-9]{3}",
        anchor="0-9A-Za-z_+",
        py=(r"[0-9](?<![0-9A-Za-z_+][0-9])[0-9]{0,5}[ \-)(]{1,2}[0-9]{3}",),
    ),
    Trigger(
        "num",
        r"[0-9]{1,6}(?:(?:）|（)(?:[ \-)(]|）|（)?|[ \-)(](?:）|（))[0-9]{3}",
        anchor="0-9A-Za-z_+",
        py=(r"[0-9](?<![0-9A-Za-z_+][0-9])[0-9]{0,5}(?:[）（][ \-)(）（]?|[ \-)(][）（])[0-9]{3}",),
    ),
    Trigger("num", r"\+[0-9]|\(\+[0-9]"),
    Trigger(
        "dotted",
        r"[0-9]{3}\.[0-9]{3,4}\.[0-9]{4}",
        anchor="0-9A-Za-z.",
        py=(r"[0-9](?<![0-9A-Za-z.][0-9])[0-9]{2}\.[0-9]{3,4}\.[0-9]{4}",),
    ),
    Trigger("num", r"＋[0-9]"),
    Trigger("dob", _lit("出生", "生日", "日生", "号生", "月生")),
    # Not before ".": qq.com is a mail or web domain (every QQ start on the bench corpus was
    # one), and scan_qq takes no number after a dot.
    Trigger(
        "qq", r"qq[^.]", anchor="A-Za-z", caseless=True, py=(r"[Qq](?<![A-Za-z][Qq])[Qq](?!\.)",)
    ),
    Trigger("qq", _lit("扣扣", "企鹅号")),
    Trigger(
        "wechat",
        r"vx|wechat|weixin|wxid_",
        anchor="A-Za-z",
        caseless=True,
        py=(r"[VvWw](?<![A-Za-z][VvWw])(?i:(?<=[Vv])x|(?<=[Ww])(?:echat|eixin|xid_))",),
    ),
    Trigger("wechat", _lit("微信", "威信", "V信", "v信")),
    Trigger(
        "dob",
        r"date of birth|birth ?date|birthday|d\.o\.b|dob|born",
        anchor="A-Za-z",
        caseless=True,
        py=(
            r"[DdBb](?<![A-Za-z][DdBb])(?i:(?<=[Dd])(?:ate of birth|\.o\.b|ob)"
            r"|(?<=[Bb])(?:irth ?date|irthday|orn))",
        ),
    ),
    Trigger(
        "name_label",
        _lit(
            "联系人",
            "收件人",
            "收货人",
            "寄件人",
            "申请人",
            "投诉人",
            "举报人",
            "当事人",
            "被保险人",
            "投保人",
            "借款人",
            "担保人",
            "法定代表人",
            "法人代表",
            "负责人",
            "经办人",
            "报案人",
            "受害人",
            "签收人",
            "乘车人",
            "报警人",
            "求助人",
            "来电人",
            "发件人",
            "委托人",
            "代理人",
            "名单",
            "乘机人",
            "入住人",
            "旅客",
            "持卡人",
            "户名",
            "收款人",
            "付款人",
            "监护人",
            "患者",
            "客户",
            "户主",
            "乘客",
            "学生",
            "家长",
            "租客",
            "房东",
            "业主",
            "姓名",
            "名字",
            "我叫",
            "我是",
            "名叫",
            "叫做",
            "本人",
            *FREE_ROLE_LABELS,
        ),
    ),
    # (At most four blanks before the colon: with [ \t]* here, compiling the database
    # beside the speaker trigger took 100 MB more memory.)
    Trigger("name_label", rf"(?:{_lit(*COLON_ROLE_LABELS)}){LABEL_NOTE}[ \t]{{0,4}}(?::|：)"),
    Trigger("name_by", rf"由{_SURNAME_ALT}", py=(rf"由(?={_SURNAME_CLASS})",)),
    Trigger("cv", r"(?:，|,)(?:男|女)(?:，|,|、)"),
    Trigger(
        "table", _lit(*sorted((h for h in NAME_HEADERS if not h.isascii()), key=len, reverse=True))
    ),
    Trigger(
        "table",
        r"full[ _]?name|contact name|name|contact|person",
        anchor="A-Za-z",
        caseless=True,
        py=(
            r"[FfCcNnPp](?<![A-Za-z][FfCcNnPp])(?i:(?<=[Ff])ull[ _]?name|(?<=[Cc])ontact(?: name)?"
            r"|(?<=[Nn])ame|(?<=[Pp])erson)",
        ),
    ),
    Trigger(
        "en_street",
        r"[0-9]{1,6}[A-Z]? [A-Z][a-z0-9]",
        anchor="0-9A-Za-z.,",
        py=(r"[0-9](?<![0-9A-Za-z.,][0-9])[0-9]{0,5}[A-Z]? [A-Z][a-z0-9]",),
    ),
    Trigger("en_military", r"PSC |CMR |Unit [0-9]|USNS |USS |USCGC ", anchor="A-Za-z"),
    Trigger(
        "en_name",
        r"[A-Z][a-z]{1,12} [A-Z][a-z]",
        anchor="A-Za-z'",
        py=(r"[A-Z](?<![A-Za-z'][A-Z])[a-z]{1,12} [A-Z][a-z]",),
    ),
    Trigger(
        "name_verb_after",
        _lit(
            "表示",
            "介绍",
            "告诉",
            "指出",
            "认为",
            "回忆",
            "提醒",
            "透露",
            "坦言",
            "强调",
            "等人",
            "接到",
            "报警",
        ),
    ),
    Trigger(
        "honor",
        _lit(
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
            "科长",
            "处长",
            "局长",
            "书记",
            "院长",
            "大夫",
            "护士",
            "老板",
            "的妈妈",
            "的爸爸",
            "的家长",
            "的母亲",
            "的父亲",
        ),
    ),
    Trigger("honor", r"收(?:\s|,|，|。|；|;|\)|）)"),
    Trigger(
        "name_verb",
        rf"(?:{_VERBS})(?:一下)?{_SURNAME_ALT}",
        py=(rf"(?:{_VERBS})(?=(?:一下)?{_SURNAME_CLASS})",),
    ),
    Trigger(
        "addr_label",
        _lit(
            "地址", "住址", "家住", "住在", "寄到", "送到", "送至", "寄往", "老家", "家乡", "户籍"
        ),
    ),
    Trigger(
        "speaker",
        _SPEAKER_HEAD + rf"(?:{_SURNAME_ALT}[\u4e00-\u9fff]{{1,3}}[ \t]*(?::|：))",
        py=(rf"(?m){_SPEAKER_HEAD}{_SURNAME_CLASS}[\u4e00-\u9fff]{{1,3}}[ \t]*[:：]",),
    ),
]

# Exact patterns, matched anchored at a trigger's start.
EXACT: dict[str, re.Pattern] = {
    "pem": re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----"),
    "token": re.compile(
        r"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}"
        r"|github_pat_[A-Za-z0-9_]{22,255}|xox[abprs]-[A-Za-z0-9-]{10,250}|AIza[0-9A-Za-z_-]{35}"
        r"|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,250}|[sr]k_(?:live|test)_[0-9A-Za-z]{16,250}"
        r"|eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,2000}"
        r"|LTAI[0-9A-Za-z]{12,30}|AKID[0-9A-Za-z]{32}"
    ),
    "kv": re.compile(
        r"(?i:password|passwd|passwort|pwd|passcode|client[_-]?secret|secret[_-]?access[_-]?key"
        r"|secret[_-]?key|secret|api[_-]?key|access[_-]?key[_-]?secret|auth[_-]?token"
        r"|access[_-]?token|refresh[_-]?token|app[_-]?secret|token|apikey|access[_-]?key|pass)"
        r"[\"']?[ \t]*(?:[:=：]|=>)[ \t]*"
        r"|(?i:bearer)[ \t]+"
        r"|(?:密码|口令)[ \t]*(?:[:：=]|是|为)[ \t]*"
    ),
    "url": re.compile(r"://[^\s:/@]{0,64}:[^\s@/]{1,128}@"),
    "at": re.compile(r"@"),
    # mysql, mysqldump, mysqladmin … -pPASSWORD on one command line: the value after -p.
    "cli_password": re.compile(r"mysql[a-z]*\b[^\n]{0,120}?[ \t]-p(?=[^\s-])"),
    "mac": re.compile(
        rf"{_HEX}{{2}}(?::{_HEX}{{2}}){{5}}|{_HEX}{{2}}(?:-{_HEX}{{2}}){{5}}"
        rf"|{_HEX}{{4}}\.{_HEX}{{4}}\.{_HEX}{{4}}"
    ),
    "ipv4": re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"),
    "ipv6": re.compile(
        rf"{_HEX}{{1,4}}(?::{_HEX}{{0,4}}){{2,7}}(?:\.[0-9]{{1,3}}){{0,3}}"
        rf"|::{_HEX}{{1,4}}(?::{_HEX}{{1,4}}){{0,6}}(?:\.[0-9]{{1,3}}){{0,3}}"
    ),
    "addr": re.compile(r"[0-9]{1,5}(?:号楼|号|弄|组|栋|幢)|[一二三四五六七八九十]{1,3}(?:组|号)"),
    "code18": re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}(?![0-9A-Za-z])"),
    "alpha_id": re.compile(r"[A-Z]{1,2}[0-9]{6,10}(?![0-9A-Za-z])"),
    "plate": re.compile(
        rf"[{_PROVINCES}][A-HJ-NP-Z][·•・ \-]?(?:[DF][A-HJ-NP-Z0-9][0-9]{{4}}"
        r"|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])"
    ),
    # Possessive: all that follows a run of digits is optional, so the greedy way through is
    # the match and giving digits or groups back never changes it; keeping no places to go
    # back to makes the match a quarter (one run) to a half (groups) faster.
    "num": re.compile(
        r"(?:\(?[+＋])?[0-9]++(?:(?:[ \-]|[)）][ \-]?|[ \-]?[(（])[0-9]++){0,11}+[Xx]?"
    ),
    "qq": re.compile(r"(?i:qq)(?:号码|号|群号?)?|扣扣(?:号码|号)?|企鹅号"),
    "wechat": re.compile(
        r"(?:微信|威信|[Vv]信)(?:号码|号|账号|ID|id)?|(?i:wxid_|vx|wechat(?: id)?|weixin)(?:号)?"
    ),
    "dotted": re.compile(r"[0-9]{3}\.[0-9]{3,4}\.[0-9]{4}"),
    "dob": re.compile(
        r"出生日期|出生年月日?|出生于|出生在|出生|生日|[日号月]生"
        r"|(?i:date of birth|birth ?date|birthday|d\.o\.b\.?|dob|born on|born)"
    ),
    "name_label": re.compile(
        r"(?:联系人|收件人|收货人|寄件人|申请人|投诉人|举报人|当事人|被保险人|投保人|借款人|担保人|"
        r"法定代表人|法人代表|负责人|经办人|报案人|受害人|签收人|乘车人|乘机人|入住人|旅客|报警人|求助人|来电人|发件人|委托人|代理人|名单|持卡人|户名|收款人|付款人|监护人|"
        r"患者|客户|户主|乘客|学生|家长|租客|房东|业主|姓名|名字|我叫|我是|名叫|叫做|本人|"
        + "|".join(sorted(ROLE_LABELS, key=len, reverse=True))
        + rf")(?:姓名)?{LABEL_NOTE}[ \t]*(?:[:：]|是|为)?"
    ),
    "name_by": re.compile("由"),
    "cv": re.compile(r"[，,]"),
    "table": re.compile(
        "|".join(
            sorted((re.escape(h) for h in NAME_HEADERS if not h.isascii()), key=len, reverse=True)
        )
        + r"|(?i:full[ _]?name|contact name|name|contact|person)"
    ),
    "en_name": re.compile(r"[A-Z][a-z]{1,12} "),
    "en_street": re.compile(r"[0-9]{1,6}"),
    "en_military": re.compile(r"PSC|CMR|Unit|USNS|USS|USCGC"),
    "name_verb_after": re.compile(
        r"表示|介绍|告诉|指出|认为|回忆|提醒|透露|坦言|强调|等人|接到|报警"
    ),
    "honor": re.compile(
        r"先生|女士|小姐|经理|老师|同学|师傅|医生|律师|主任|警官|阿姨|同志|教授|"
        r"总监|科长|处长|局长|书记|院长|大夫|护士|老板|的(?:妈妈|爸爸|家长|母亲|父亲)|"
        r"收(?=[\s,，。；;)）]|$)"
    ),
    "name_verb": re.compile(r"同事|联系|告诉|通知|感谢|谢谢|给|和|跟|与|找|请|让|问|陪|或|及"),
    "addr_label": re.compile(r"地址|住址|家住|住在|寄到|送到|送至|寄往|老家|家乡|户籍"),
    "speaker": re.compile(r"[ \t]*(?:\[[^\]\n]{1,25}\][ \t]*)?[\u4e00-\u9fff]{2,4}[ \t]*[:：]"),
}

KINDS = tuple(dict.fromkeys(t.kind for t in TRIGGERS))
KIND_ID = {k: i for i, k in enumerate(KINDS)}
_TRIGGER_KIND = [KIND_ID[t.kind] for t in TRIGGERS]


def _python_patterns(t: Trigger) -> list[re.Pattern]:
    if t.py:
        return [re.compile(p) for p in t.py]
    return [_python_pattern(t)]


def _python_pattern(t: Trigger) -> re.Pattern:
    body = t.body
    if t.kind == "speaker":
        return re.compile(body, re.MULTILINE)
    flags = re.IGNORECASE if t.caseless else 0
    if t.anchor:
        return re.compile(rf"(?<![{t.anchor}])(?:{body})", flags)
    return re.compile(body, flags)


_PY_TRIGGERS = [(KIND_ID[t.kind], rx) for t in TRIGGERS for rx in _python_patterns(t)]


def _python_starts(text: str) -> list[list[int]]:
    # The same newline Hyperscan gets at the end, for triggers that need a character after.
    padded = text + "\n"
    n = len(text)
    by_kind: list[list[int]] = [[] for _ in KINDS]
    for kind, rx in _PY_TRIGGERS:
        by_kind[kind].extend(m.start() for m in rx.finditer(padded))
    for i, starts in enumerate(by_kind):
        starts.sort()
        while starts and starts[-1] >= n:
            starts.pop()
        by_kind[i] = starts
    return by_kind


# --- Hyperscan ---------------------------------------------------------------------------
_HS = None


def _hyperscan_db():
    global _HS
    if _HS is None:
        if os.environ.get("CYBERWEEK_PII_NO_HYPERSCAN"):
            _HS = False
        else:
            _HS = compile_databases(TRIGGERS, _TRIGGER_KIND, len(KINDS)) or False
    return _HS or None


def kinds_with_starts(text: str, engine: str = "auto") -> list[tuple[int, list[int]]]:
    """(kind id, its sorted starts) for each kind (KINDS[id]) with a start in text, by id."""
    if engine in ("auto", "hyperscan"):
        hs = _hyperscan_db()
        if hs is None and engine == "hyperscan":
            raise RuntimeError("hyperscan is not installed")
        if hs is not None:
            found = hyperscan_starts(text, hs)
            if found is not None:
                return found
    return [(k, starts) for k, starts in enumerate(_python_starts(text)) if starts]


def starts_by_kind(text: str, engine: str = "auto") -> list[list[int]]:
    """For each kind (KINDS[i]), the sorted positions where a value of it may begin."""
    by_kind: list[list[int]] = [[] for _ in KINDS]
    for kind, starts in kinds_with_starts(text, engine):
        by_kind[kind] = starts
    return by_kind


def candidate_starts(text: str, engine: str = "auto") -> list[tuple[int, int]]:
    """(start, kind id) pairs where a value of that kind (KINDS[id]) may begin, sorted."""
    pairs = [(s, k) for k, starts in kinds_with_starts(text, engine) for s in starts]
    pairs.sort()
    return pairs


def engine_name() -> str:
    return "hyperscan" if _hyperscan_db() else "python"
