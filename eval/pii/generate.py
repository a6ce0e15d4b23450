"""Generate the labelled evaluation set (eval/pii/eval_set.jsonl), deterministically.

Synthetic documents of several kinds (forms, chats, complaint letters, CSV rows, server
logs, English e-mails, pasted configs) made with Faker's zh_CN and en_US locales and our
own generators with valid check digits. Each document records its personal information
spans (type, start, end) and its hard negatives (kind, start, end): values that only look
like personal information and must not be flagged.

    python eval/pii/generate.py            # rewrites eval/pii/eval_set.jsonl
    python eval/pii/generate.py --docs 50000 --out /tmp/big.jsonl   # benchmark corpus
"""

import argparse
import base64
import json
import random
import re
import string
import sys
import uuid
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from cyberweek.pii.checksums import (  # noqa: E402
    id_check_char,
    luhn_check_digit,
    org_code_check_char,
    uscc_check_char,
)

COUNTIES = json.loads((HERE / "data" / "divisions_eval.json").read_text("utf-8"))["counties"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "170",
    "173",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
AREA_CODES = [
    "010",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "027",
    "028",
    "029",
    "0755",
    "0571",
    "0512",
    "0531",
    "0371",
    "0731",
    "0591",
    "0871",
    "0851",
    "0991",
    "0311",
]
CARD_BINS = [
    ("622202", 19),
    ("621700", 19),
    ("622848", 19),
    ("625965", 16),
    ("620522", 19),
    ("436742", 16),
    ("518710", 16),
    ("622588", 16),
    ("356833", 16),
    ("622609", 18),
    ("403361", 16),
    ("521899", 16),
    ("623052", 19),
    ("601382", 17),
    ("628288", 16),
]
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
ROAD_WORDS = [
    "建国",
    "人民",
    "解放",
    "中山",
    "科技园",
    "文三",
    "长江",
    "黄河",
    "幸福",
    "和平",
    "朝阳",
    "东风",
    "胜利",
    "光明",
    "新华",
    "学府",
    "滨江",
    "迎宾",
    "青年",
    "五一",
]
ROAD_SUFFIX = ["路", "街", "大道", "东路", "西路", "南路", "北路", "中路", "大街"]
COMMUNITY = ["阳光花园", "碧桂园", "万科城", "幸福里小区", "翠苑", "金色家园", "东方明珠花园"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
HONORIFICS = ["先生", "女士", "经理", "老师", "师傅", "医生"]


class Doc:
    def __init__(self, kind: str):
        self.kind = kind
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[list] = []
        self.negatives: list[list] = []

    def add(self, text: str) -> "Doc":
        self.parts.append(text)
        self.length += len(text)
        return self

    def pii(self, type_: str, value: str) -> "Doc":
        self.spans.append([type_, self.length, self.length + len(value)])
        return self.add(value)

    def neg(self, kind: str, value: str) -> "Doc":
        self.negatives.append([kind, self.length, self.length + len(value)])
        return self.add(value)

    def record(self, n: int) -> dict:
        return {
            "id": f"{self.kind}-{n}",
            "kind": self.kind,
            "text": "".join(self.parts),
            "spans": self.spans,
            "negatives": self.negatives,
        }


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.zh = Faker("zh_CN")
        self.en = Faker("en_US")
        self.zh.seed_instance(seed)
        self.en.seed_instance(seed + 1)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    # --- personal information, with valid check digits -------------------------------------
    def cn_id(self) -> str:
        code = self.r.choice(COUNTIES)[3]
        y, m, d = self.r.randint(1950, 2010), self.r.randint(1, 12), self.r.randint(1, 28)
        body = f"{code}{y:04d}{m:02d}{d:02d}{self.digits(3)}"
        value = body + id_check_char(body)
        form = self.r.random()
        if form < 0.15:
            return f"{value[:6]} {value[6:14]} {value[14:]}"
        if form < 0.2 and value.endswith("X"):
            return value[:-1] + "x"
        return value

    def cn_id_x(self) -> str:
        while True:
            v = self.cn_id().replace(" ", "")
            if v.upper().endswith("X"):
                return v

    def cn_id15(self) -> str:
        code = self.r.choice(COUNTIES)[3]
        y, m, d = self.r.randint(40, 99), self.r.randint(1, 12), self.r.randint(1, 28)
        return f"{code}{y:02d}{m:02d}{d:02d}{self.digits(3)}"

    def mobile(self) -> str:
        n = self.r.choice(MOBILE_PREFIXES) + self.digits(8)
        form = self.r.choice(["plain"] * 5 + ["space", "dash", "+86", "+86s", "0086", "(+86)"])
        return {
            "plain": n,
            "space": f"{n[:3]} {n[3:7]} {n[7:]}",
            "dash": f"{n[:3]}-{n[3:7]}-{n[7:]}",
            "+86": "+86" + n,
            "+86s": f"+86 {n[:3]} {n[3:7]} {n[7:]}",
            "0086": "0086 " + n,
            "(+86)": "(+86)" + n,
        }[form]

    def landline(self) -> str:
        area = self.r.choice(AREA_CODES)
        local = self.r.choice("2345678") + self.digits(
            7 if len(area) == 3 else self.r.choice([6, 7])
        )
        form = self.r.choice(["dash", "dash", "paren", "space", "+86"])
        return {
            "dash": f"{area}-{local}",
            "paren": f"({area}){local}",
            "space": f"{area} {local}",
            "+86": f"+86 {area[1:]} {local}",
        }[form]

    def intl_phone(self) -> str:
        import phonenumbers

        while True:
            cc, body = self.r.choice(
                [
                    (
                        "1",
                        lambda: (
                            self.r.choice(["212", "415", "646", "312"])
                            + self.r.choice("23456789")
                            + self.digits(6)
                        ),
                    ),
                    ("44", lambda: "20" + self.r.choice("378") + self.digits(7)),
                    ("852", lambda: self.r.choice("569") + self.digits(7)),
                    ("65", lambda: self.r.choice("89") + self.digits(7)),
                    ("81", lambda: "3" + self.digits(8)),
                ]
            )
            b = body()
            num = phonenumbers.parse(f"+{cc}{b}")
            if phonenumbers.is_valid_number(num):
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def bank_card(self) -> str:
        bin_, length = self.r.choice(CARD_BINS)
        body = bin_ + self.digits(length - len(bin_) - 1)
        n = body + luhn_check_digit(body)
        if self.r.random() < 0.3:
            return " ".join(n[i : i + 4] for i in range(0, len(n), 4))
        return n

    def uscc(self) -> str:
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        org_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        org8 = "".join(self.r.choice(org_chars) for _ in range(8))
        org = org8 + org_code_check_char(org8)
        if org[-1] not in chars:
            org = org8 + "0"
        body = self.r.choice("9159Y") + self.r.choice("123") + self.r.choice(COUNTIES)[3] + org
        check = uscc_check_char(body)
        return body + check

    def imei(self) -> str:
        body = self.r.choice(["35", "86"]) + self.digits(12)
        return body + luhn_check_digit(body)

    def passport(self) -> str:
        form = self.r.random()
        if form < 0.6:
            return "E" + self.digits(8)
        if form < 0.85:
            return (
                "E"
                + self.r.choice(PLATE_LETTERS.replace("I", "").replace("O", ""))
                + self.digits(7)
            )
        return "G" + self.digits(8)

    def permit(self) -> tuple[str, str]:
        if self.r.random() < 0.7:
            return "港澳居民来往内地通行证：", self.r.choice("HM") + self.digits(8)
        return "台胞证号码：", self.digits(8)

    def plate(self) -> str:
        p, letter = self.r.choice(PLATE_PROVINCES), self.r.choice(PLATE_LETTERS)
        if self.r.random() < 0.25:
            tail = (
                self.r.choice("DF") + self.r.choice(PLATE_LETTERS + string.digits) + self.digits(4)
            )
        else:
            t = list(self.digits(5))
            if self.r.random() < 0.5:
                t[self.r.randrange(5)] = self.r.choice(PLATE_LETTERS)
            tail = "".join(t)
        sep = "·" if self.r.random() < 0.2 else ""
        return f"{p}{letter}{sep}{tail}"

    def email(self) -> str:
        f = self.r.random()
        if f < 0.2:
            return self.digits(self.r.randint(6, 10)).lstrip("0") + "@qq.com"
        return (self.en if f < 0.6 else self.zh).email()

    def ip(self) -> str:
        f = self.r.random()
        if f < 0.45:
            return self.en.ipv4_private()
        if f < 0.8:
            return self.en.ipv4_public()
        return self.en.ipv6()

    def mac(self) -> str:
        m = self.en.mac_address()
        f = self.r.random()
        if f < 0.3:
            return m.upper().replace(":", "-")
        return m.upper() if f < 0.6 else m

    def dob(self) -> tuple[str, str, str]:
        y, m, d = self.r.randint(1950, 2012), self.r.randint(1, 12), self.r.randint(1, 28)
        months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        return self.r.choice(
            [
                ("出生日期：", f"{y}-{m:02d}-{d:02d}", ""),
                ("生日：", f"{y}年{m}月{d}日", ""),
                ("出生年月日：", f"{y}/{m:02d}/{d:02d}", ""),
                ("", f"{y}年{m}月{d}日", "出生"),
                ("DOB: ", f"{m:02d}/{d:02d}/{y}", ""),
                ("born on ", f"{months[m - 1]} {d}, {y}", ""),
                ("Date of birth: ", f"{d} {months[m - 1]} {y}", ""),
            ]
        )

    def secret(self) -> tuple[str, str, str]:
        """(text before, secret value, text after)."""
        a = string.ascii_letters + string.digits
        rnd = lambda n: "".join(self.r.choice(a) for _ in range(n))  # noqa: E731
        f = self.r.randrange(10)
        if f == 0:
            body = base64.b64encode(self.r.randbytes(self.r.choice([600, 900, 1200]))).decode()
            lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
            kind = self.r.choice(["RSA ", "EC ", "OPENSSH ", ""])
            return (
                "",
                f"-----BEGIN {kind}PRIVATE KEY-----\n{lines}\n-----END {kind}PRIVATE KEY-----",
                "\n",
            )
        if f == 1:
            return (
                "aws_access_key_id = ",
                "AKIA"
                + "".join(self.r.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
                "\n",
            )
        if f == 2:
            return "GITHUB_TOKEN=", "ghp_" + rnd(36), "\n"
        if f == 3:
            return "slack: ", "xoxb-" + self.digits(12) + "-" + rnd(24), "\n"
        if f == 4:
            return "GOOGLE_KEY: ", "AIza" + rnd(35), "\n"
        if f == 5:
            return "OPENAI_API_KEY=", "sk-proj-" + rnd(40), "\n"
        if f == 6:
            before = self.r.choice(["password=", "DB_PASSWORD=", "passwd: ", '"password": "'])
            value = rnd(self.r.randint(8, 16)) + self.r.choice(["!", "@", "#", ""])
            return before, value, '",\n' if before.endswith('"') else "\n"
        if f == 7:
            return (
                self.r.choice(["登录密码：", "密码是", "初始密码为"]),
                rnd(self.r.randint(6, 12)),
                "，请妥善保管。",
            )
        if f == 8:
            return "DATABASE_URL=postgres://admin:", rnd(14), "@db.internal:5432/app\n"
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
        payload = (
            base64.urlsafe_b64encode(json.dumps({"sub": self.digits(6)}).encode())
            .decode()
            .rstrip("=")
        )
        return "Authorization: Bearer ", f"{header}.{payload}.{rnd(43)}", "\n"

    def person(self) -> str:
        return self.zh.name()

    def address(self) -> str:
        prov, city, county, _code, streets = self.r.choice(COUNTIES)
        parts = []
        f = self.r.random()
        if f < 0.7:
            parts.append(prov)
        if city not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") and (
            f < 0.9 or not parts
        ):
            parts.append(city)
        parts.append(county)
        if streets and self.r.random() < 0.4:
            parts.append(self.r.choice(streets))
        if self.r.random() < 0.15:
            parts.append(self.r.choice(ROAD_WORDS) + "村" + f"{self.r.randint(1, 12)}组")
            return "".join(parts)
        parts.append(
            self.r.choice(ROAD_WORDS) + self.r.choice(ROAD_SUFFIX) + f"{self.r.randint(1, 999)}号"
        )
        g = self.r.random()
        if g < 0.3:
            parts.append(
                self.r.choice(COMMUNITY)
                + f"{self.r.randint(1, 30)}栋{self.r.randint(1, 6)}单元"
                + f"{self.r.randint(1, 30)}0{self.r.randint(1, 4)}室"
            )
        elif g < 0.6:
            parts.append(
                f"{self.r.randint(1, 20)}号楼{self.r.randint(1, 30)}0{self.r.randint(1, 4)}室"
            )
        return "".join(parts)

    # --- hard negatives -----------------------------------------------------------------
    def negative(self) -> tuple[str, str, str]:
        """(label, value, kind)."""
        r = self.r
        kind = r.choice(
            [
                "order",
                "waybill",
                "transaction",
                "timestamp",
                "amount",
                "version",
                "hotline",
                "postcode",
                "isbn",
                "uuid",
            ]
        )
        if kind == "order":
            return (
                r.choice(["订单号：", "订单编号：", "Order No. ", "订单号 "]),
                r.choice(
                    [
                        "2023" + self.digits(r.randint(12, 16)),
                        self.digits(r.randint(15, 19)),
                        "1" + r.choice("3578") + self.digits(9),
                    ]
                ),
                kind,
            )
        if kind == "waybill":
            return (
                r.choice(["快递单号：", "运单号 ", "Tracking: "]),
                r.choice(
                    [
                        "SF" + self.digits(13),
                        "YT" + self.digits(13),
                        "JD" + self.digits(15),
                        "7730" + self.digits(11),
                        self.digits(12),
                    ]
                ),
                kind,
            )
        if kind == "transaction":
            return (
                r.choice(["交易流水号：", "交易单号 ", "Transaction ID: "]),
                r.choice(["4200" + self.digits(24), "2023" + self.digits(r.randint(14, 24))]),
                kind,
            )
        if kind == "timestamp":
            return (
                r.choice(["时间：", "ts=", "时间戳 ", "at "]),
                r.choice(
                    [
                        "17" + self.digits(8),
                        "17" + self.digits(11),
                        f"2023-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} "
                        f"{r.randint(0, 23):02d}:"
                        f"{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
                        "2023" + self.digits(10),
                    ]
                ),
                kind,
            )
        if kind == "amount":
            v = r.randint(1, 10 ** r.randint(3, 9))
            return (
                r.choice(["金额：", "共计 ", "Total: ¥", "合计￥"]),
                r.choice([f"{v:,}.{self.digits(2)}", f"{v}.{self.digits(2)}元", f"{v}元"]),
                kind,
            )
        if kind == "version":
            return (
                r.choice(["版本 ", "version ", "v", "Chrome/", "固件版本："]),
                ".".join(str(r.randint(0, 200)) for _ in range(4)),
                kind,
            )
        if kind == "hotline":
            return (
                r.choice(["客服热线 ", "请拨打 ", "服务电话："]),
                r.choice(
                    [
                        "95588",
                        "95533",
                        "12315",
                        "10086",
                        "400-820-8820",
                        "400-" + self.digits(3) + "-" + self.digits(4),
                        "800-810-8888",
                        "4008208820",
                    ]
                ),
                kind,
            )
        if kind == "postcode":
            return r.choice(["邮编：", "邮政编码 ", "Postcode: "]), self.digits(6), kind
        if kind == "isbn":
            body = "978" + self.digits(9)
            check = str(
                (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(body)) % 10) % 10
            )
            v = body + check
            return "ISBN ", r.choice([v, f"{v[:3]}-{v[3]}-{v[4:7]}-{v[7:12]}-{v[12]}"]), kind
        return (
            r.choice(["request_id=", "UUID: ", "编号 "]),
            str(uuid.UUID(int=r.getrandbits(128), version=4)),
            kind,
        )


# --- documents -----------------------------------------------------------------------------
def _field(g: Gen, d: Doc, label: str, type_: str, value: str, end: str) -> None:
    d.add(label).pii(type_, value).add(end)


def _negs(g: Gen, d: Doc, n: int, sep: str) -> None:
    for _ in range(n):
        label, value, kind = g.negative()
        d.add(label).neg(kind, value).add(sep)


def form(g: Gen) -> Doc:
    d = Doc("form")
    r = g.r
    sep = r.choice(["\n", "\n", "，", "；"])
    d.add(r.choice(["【个人信息登记表】", "会员注册信息", "报名表", "客户资料"]) + "\n")
    fields = [
        lambda: _field(
            g, d, r.choice(["姓名：", "姓名: ", "联系人：", "申请人："]), "PERSON", g.person(), sep
        ),
        lambda: _field(
            g,
            d,
            r.choice(["身份证号：", "身份证号码：", "证件号码："]),
            "CN_ID",
            g.cn_id15() if r.random() < 0.1 else (g.cn_id_x() if r.random() < 0.2 else g.cn_id()),
            sep,
        ),
        lambda: _field(
            g,
            d,
            r.choice(["手机：", "手机号码：", "联系电话：", "Tel: "]),
            "CN_MOBILE",
            g.mobile(),
            sep,
        ),
        lambda: _field(
            g, d, r.choice(["固定电话：", "办公电话：", "座机："]), "CN_LANDLINE", g.landline(), sep
        ),
        lambda: _field(
            g, d, r.choice(["电子邮箱：", "邮箱：", "E-mail: "]), "EMAIL", g.email(), sep
        ),
        lambda: _dob(g, d, sep),
        lambda: _field(
            g, d, r.choice(["家庭住址：", "住址：", "通讯地址："]), "ADDRESS", g.address(), sep
        ),
        lambda: _field(
            g,
            d,
            r.choice(["银行卡号：", "开户账号：", "工资卡："]),
            "BANK_CARD",
            g.bank_card(),
            sep,
        ),
        lambda: _field(g, d, r.choice(["车牌号：", "车牌："]), "LICENSE_PLATE", g.plate(), sep),
        lambda: _field(g, d, r.choice(["护照号码：", "护照："]), "CN_PASSPORT", g.passport(), sep),
        lambda: _permit(g, d, sep),
        lambda: _field(g, d, "统一社会信用代码：", "USCC", g.uscc(), sep),
        lambda: _field(
            g, d, r.choice(["手机IMEI：", "IMEI: ", "设备串号："]), "IMEI", g.imei(), sep
        ),
        lambda: _negs(g, d, r.randint(1, 3), sep),
    ]
    r.shuffle(fields)
    for f in fields[: r.randint(6, len(fields))]:
        f()
    return d


def _dob(g: Gen, d: Doc, end: str) -> None:
    before, value, after = g.dob()
    d.add(before).pii("DATE_OF_BIRTH", value).add(after + end)


def _permit(g: Gen, d: Doc, end: str) -> None:
    label, value = g.permit()
    d.add(label).pii("TRAVEL_PERMIT", value).add(end)


def chat(g: Gen) -> Doc:
    d = Doc("chat")
    r = g.r
    me, agent = g.person(), "客服"
    h, m = r.randint(8, 22), r.randint(0, 50)

    def line(speaker: str, is_person: bool) -> None:
        nonlocal m
        m += 1
        d.add(f"[{h:02d}:{m:02d}] ")
        if is_person:
            d.pii("PERSON", speaker)
        else:
            d.add(speaker)
        d.add("：")

    line(me, True)
    d.add(
        r.choice(["你好，我的快递一直没到。", "在吗？我想改一下收货信息。", "我要投诉，扣款不对。"])
        + "\n"
    )
    line(agent, False)
    d.add("您好，请提供订单号和手机号。\n")
    line(me, True)
    label, value, kind = g.negative()
    d.add(label).neg(kind, value).add("，手机").pii("CN_MOBILE", g.mobile()).add("\n")
    line(agent, False)
    d.add("好的，请问收货地址是？\n")
    line(me, True)
    d.add(r.choice(["寄到", "地址是", "送到"])).pii("ADDRESS", g.address()).add("，")
    d.add(r.choice(["找", "给", "联系"])).pii("PERSON", g.person()).add(
        r.choice(HONORIFICS) + "。\n"
    )
    if r.random() < 0.5:
        line(me, True)
        d.add("我的邮箱是").pii("EMAIL", g.email()).add("，车牌").pii(
            "LICENSE_PLATE", g.plate()
        ).add("。\n")
    line(agent, False)
    d.add(r.choice(["已为您登记，", "收到，"]))
    _negs(g, d, 1, "。\n")
    return d


def letter(g: Gen) -> Doc:
    d = Doc("letter")
    r = g.r
    name = g.person()
    d.add("尊敬的领导：\n    我叫").pii("PERSON", name).add("，身份证号码")
    d.pii("CN_ID", g.cn_id()).add("，现住").pii("ADDRESS", g.address()).add("。")
    d.add(
        f"{r.randint(2020, 2024)}年{r.randint(1, 12)}月{r.randint(1, 28)}日，"
        "我在贵行网点办理业务时，工作人员"
    )
    d.pii("PERSON", g.person()).add(r.choice(HONORIFICS)).add("未经同意从我的银行卡")
    d.pii("BANK_CARD", g.bank_card()).add("扣款")
    label, value, kind = g.negative()
    d.add("（" + label).neg(kind, value).add("）。")
    d.add("请尽快处理，联系电话").pii("CN_MOBILE", g.mobile()).add("，邮箱").pii("EMAIL", g.email())
    d.add("。\n此致\n敬礼\n投诉人：").pii("PERSON", name).add("\n")
    _negs(g, d, r.randint(1, 2), "\n")
    if r.random() < 0.3:
        d.add("我于").pii(
            "DATE_OF_BIRTH", f"{r.randint(1950, 2000)}年{r.randint(1, 12)}月{r.randint(1, 28)}日"
        ).add("出生，")
        d.add("家里座机").pii("CN_LANDLINE", g.landline()).add("。\n")
    return d


def csv_rows(g: Gen) -> Doc:
    d = Doc("csv")
    r = g.r
    d.add("序号,手机,身份证号,邮箱,订单号,金额,下单时间,收货地址\n")
    for i in range(r.randint(3, 8)):
        d.add(f"{i + 1},").pii("CN_MOBILE", g.mobile().replace(" ", "")).add(",")
        d.pii("CN_ID", g.cn_id().replace(" ", "")).add(",").pii("EMAIL", g.email()).add(",")
        d.neg("order", "2023" + g.digits(r.randint(12, 16))).add(",")
        d.neg("amount", f"{r.randint(1, 99999)}.{g.digits(2)}").add(",")
        d.neg(
            "timestamp",
            f"2023-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} "
            f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
        ).add(",")
        d.pii("ADDRESS", g.address()).add("\n")
    return d


def server_log(g: Gen) -> Doc:
    d = Doc("log")
    r = g.r
    for _ in range(r.randint(3, 7)):
        d.neg(
            "timestamp",
            f"2023-11-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
            f"{r.randint(0, 59):02d}",
        ).add(r.choice([" INFO", " WARN", " ERROR"]))
        f = r.randrange(4)
        if f == 0:
            d.add(" [auth] login ok user=").pii("EMAIL", g.email()).add(" ip=").pii(
                "IP_ADDRESS", g.ip()
            )
            d.add(" request_id=").neg("uuid", str(uuid.UUID(int=r.getrandbits(128), version=4)))
        elif f == 1:
            d.add(" [device] mac=").pii("MAC_ADDRESS", g.mac()).add(" imei=").pii("IMEI", g.imei())
            d.add(" fw=").neg("version", ".".join(str(r.randint(0, 99)) for _ in range(4)))
        elif f == 2:
            d.add(" [http] ").pii("IP_ADDRESS", g.en.ipv4_public()).add(
                f':{r.randint(1024, 65535)} "GET /api/v1/orders HTTP/1.1" 200 '
            )
            d.neg("timestamp", "17" + g.digits(11))
        else:
            d.add(" [pay] txn=").neg("transaction", "4200" + g.digits(24)).add(" phone=").pii(
                "CN_MOBILE", g.mobile().replace(" ", "")
            )
            d.add(" amount=").neg("amount", f"{r.randint(1, 99999)}.{g.digits(2)}")
        d.add("\n")
    return d


def english_email(g: Gen) -> Doc:
    d = Doc("email")
    r = g.r
    e = g.en
    d.add("From: ").pii("PERSON", f"{e.first_name()} {e.last_name()}").add(" <")
    d.pii("EMAIL", e.email()).add(">\nTo: ").pii("EMAIL", e.company_email())
    d.add("\nSubject: " + e.sentence(nb_words=5) + "\n\nHi,\n")
    d.add(e.paragraph(nb_sentences=2) + " You can reach me at ").pii("INTL_PHONE", g.intl_phone())
    d.add(r.choice([" or on my Chinese mobile ", " / cell "])).pii("CN_MOBILE", g.mobile()).add(
        ".\n"
    )
    if r.random() < 0.5:
        before, after = r.choice([("I was born on ", "."), ("DOB: ", ".")])
        y, m, dd = r.randint(1950, 2005), r.randint(1, 12), r.randint(1, 28)
        val = f"{MONTHS[m - 1]} {dd}, {y}" if before.startswith("I") else f"{m:02d}/{dd:02d}/{y}"
        d.add(before).pii("DATE_OF_BIRTH", val).add(after + " ")
    if r.random() < 0.5:
        d.add("Please charge card ").pii("BANK_CARD", g.bank_card()).add(" and send the receipt. ")
    if r.random() < 0.4:
        d.add("My passport number is ").pii("CN_PASSPORT", g.passport()).add(". ")
    d.add("The VPN gateway is ").pii("IP_ADDRESS", g.ip()).add(", running ")
    d.neg(
        "version",
        "v" + ".".join(str(r.randint(0, 30)) for _ in range(3)) + "." + str(r.randint(0, 9)),
    )
    d.add(".\n")
    _negs(g, d, r.randint(1, 2), "\n")
    d.add("Best regards,\n").pii("PERSON", f"{e.first_name()} {e.last_name()}").add("\n")
    return d


def config(g: Gen) -> Doc:
    d = Doc("config")
    r = g.r
    d.add(r.choice(["# production settings\n", "[app]\n", "# .env pasted by ops\n"]))
    d.add("DB_HOST=").pii("IP_ADDRESS", g.en.ipv4_private()).add("\n")
    for _ in range(r.randint(1, 3)):
        before, value, after = g.secret()
        d.add(before).pii("SECRET", value).add(after)
    d.add("APP_VERSION=").neg("version", ".".join(str(r.randint(0, 50)) for _ in range(4))).add(
        "\n"
    )
    d.add("ADMIN_EMAIL=").pii("EMAIL", g.email()).add("\n")
    d.add("SESSION_ID=").neg("uuid", str(uuid.UUID(int=r.getrandbits(128), version=4))).add("\n")
    if r.random() < 0.5:
        d.add("password=********\n")  # a masked value is not a finding
    return d


TEMPLATES = [form, form, chat, letter, csv_rows, server_log, english_email, config]
ENGLISH = {"email", "log", "config"}


def with_prose(g: Gen, doc: Doc) -> Doc:
    """Surround a document with ordinary sentences, as real messages and files have: they
    carry no personal information and test that ordinary words are not flagged."""
    if doc.kind in ENGLISH:
        before, after = g.en.paragraph(nb_sentences=3), g.en.paragraph(nb_sentences=2)
    elif doc.kind == "csv":
        return doc
    else:
        before, after = g.zh.text(max_nb_chars=160), g.zh.text(max_nb_chars=120)
    before += "\n"
    out = Doc(doc.kind)
    out.add(before).add("".join(doc.parts)).add("\n" + after + "\n")
    shift = len(before)
    out.spans = [[t, s + shift, e + shift] for t, s, e in doc.spans]
    out.negatives = [[k, s + shift, e + shift] for k, s, e in doc.negatives]
    return out


def generate(n_docs: int, seed: int = 2019):
    g = Gen(seed)
    for i in range(n_docs):
        template = TEMPLATES[i % len(TEMPLATES)]
        yield with_prose(g, template(g)).record(i)


_MARK = re.compile(r"⟦([A-Z_]+)\|(.*?)⟧|⟪([a-z]+)\|(.*?)⟫", re.S)


def adversarial(path: Path = HERE / "adversarial.txt"):
    """The hand-written cases, with their markers turned into spans."""
    lines = [ln for ln in path.read_text("utf-8").splitlines() if not ln.startswith("#")]
    for n, block in enumerate("\n".join(lines).split("\n---\n")):
        d = Doc(path.stem)
        pos = 0
        for m in _MARK.finditer(block):
            d.add(block[pos : m.start()])
            if m.group(1):
                d.pii(m.group(1), m.group(2))
            else:
                d.neg(m.group(3), m.group(4))
            pos = m.end()
        d.add(block[pos:])
        yield d.record(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--out", default=str(HERE / "eval_set.jsonl"))
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="build heldout*.jsonl from heldout*.txt instead",
    )
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="build adversarial.jsonl from adversarial.txt instead",
    )
    args = parser.parse_args()
    if args.heldout:
        for name in ("heldout", "heldout2", "heldout3", "heldout4", "heldout5"):
            with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for rec in adversarial(HERE / f"{name}.txt"):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
    if args.adversarial:
        with open(HERE / "adversarial.jsonl", "w", encoding="utf-8") as fh:
            for rec in adversarial():
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
    with open(args.out, "w", encoding="utf-8") as fh:
        for rec in generate(args.docs, args.seed):
            assert all(rec["text"][s:e] for _, s, e in rec["spans"]), rec["id"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
