"""Generate the "real documents" evaluation sets: the miss classes of issue 21.

Every class the issue lists, in the shapes real uploads and reports have: tables (CSV, TSV,
and the tab-separated text that `extract.py` gives for .xlsx sheets and .docx tables) under
headers such as 姓名/联系人/Name, CV lines (张三丰，男，汉族), role words without a colon
(审核人诸葛亮), names in running prose, English First Last names in English text; phones in
full-width digits, with dots and in North American notations; credit codes of every
registration authority, passports and permits of every series; IDs and dates of birth
followed by 出生于/生; plates with a hyphen; internationalised e-mail addresses; address
boundaries in tables and prose, English street and military addresses; QQ numbers and
WeChat IDs; and the false-positive traps (公司 where a name could stand, order numbers that
pass the ID checksum after 订单号).

Two sets from two seeds: the tuning set (seed 2101, looked at while fixing the engine) and
the held-out set (seed 7919, scored once at the end, never read while tuning):

    python eval/pii/generate_real.py                 # writes real_tune.jsonl and real_heldout.jsonl
    python eval/pii/score.py --overlap eval/pii/real_tune.jsonl
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import COUNTIES, PLATE_LETTERS, PLATE_PROVINCES, Doc, Gen, adversarial  # noqa: E402

from cyberweek.pii.checksums import id_check_char, org_code_check_char, uscc_check_char  # noqa: E402

TUNE_SEED = 2101
HELDOUT_SEED = 7919

COMPOUND = ["诸葛", "欧阳", "司马", "上官", "东方", "慕容", "皇甫", "令狐", "夏侯", "公孙"]
GIVEN = "亮娜明伟芳强静磊洋勇艳杰娟涛军秀英华平刚桂兰玉梅建国志红文斌浩然子轩雨欣思远"
ETHNIC = ["汉族", "回族", "满族", "壮族", "苗族", "土家族", "蒙古族"]
PARTY = ["中共党员", "群众", "共青团员", "民盟盟员"]
EDU = ["本科", "硕士研究生", "大专", "博士研究生"]
ROLES = [
    "审核人",
    "经办人",
    "负责人",
    "联系人",
    "申请人",
    "记录人",
    "报案人",
    "填表人",
    "批准人",
    "签收人",
    "举报人",
    "受理人",
]
HEADER_NAME = ["姓名", "联系人", "Name", "负责人", "学生姓名", "员工姓名", "name"]
COMPANY_WORDS = ["科技", "网络", "信息", "贸易", "建设", "文化传媒", "电子商务"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
NA_AREAS = ["212", "415", "646", "312", "617", "202", "213", "305", "206", "718"]


class RealGen(Gen):
    def person(self) -> str:
        if self.r.random() < 0.08:
            return self.r.choice(COMPOUND) + "".join(
                self.r.choice(GIVEN) for _ in range(self.r.choice([1, 1, 2]))
            )
        return self.zh.name()

    def en_person(self) -> str:
        return f"{self.en.first_name()} {self.en.last_name()}"

    def company(self) -> str:
        return self.zh.city_name() + self.r.choice(COMPANY_WORDS) + "有限公司"

    def date_cn(self) -> tuple[int, int, int, str]:
        y, m, d = self.r.randint(1950, 2008), self.r.randint(1, 12), self.r.randint(1, 28)
        return y, m, d, f"{y}年{m}月{d}日"

    def id_for(self, y: int, m: int, d: int) -> str:
        body = f"{self.r.choice(COUNTIES)[3]}{y:04d}{m:02d}{d:02d}{self.digits(3)}"
        return body + id_check_char(body)

    def order_id_like(self) -> str:
        """An 18-digit order number that happens to pass the ID checksum."""
        return self.id_for(self.r.randint(1950, 2010), self.r.randint(1, 12), self.r.randint(1, 28))

    def mobile_real(self) -> tuple[str, str]:
        """(type, value) of the notations the issue found missed."""
        n = self.r.choice(["139", "138", "186", "135", "177", "158"]) + self.digits(8)
        f = self.r.randrange(4)
        if f == 0:
            return "CN_MOBILE", n.translate(FULLWIDTH)
        if f == 1:
            return "CN_MOBILE", f"{n[:3]}.{n[3:7]}.{n[7:]}"
        if f == 2:
            return "CN_MOBILE", f"{n[:3]} {n[3:7]} {n[7:]}".translate(FULLWIDTH)
        return "CN_MOBILE", f"+86 {n[:3]}.{n[3:7]}.{n[7:]}"

    def na_phone(self) -> str:
        a, x, y = (
            self.r.choice(NA_AREAS),
            self.r.choice("23456789") + self.digits(2),
            self.digits(4),
        )
        return self.r.choice(
            [f"({a}) {x}-{y}", f"{a}-{x}-{y}", f"{a}.{x}.{y}", f"+1 {a} {x} {y}", f"+1-{a}-{x}-{y}"]
        )

    def uscc_any(self) -> str:
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        authority = self.r.choice(
            [
                "11",
                "12",
                "13",
                "19",
                "21",
                "29",
                "31",
                "32",
                "33",
                "34",
                "35",
                "39",
                "41",
                "49",
                "51",
                "52",
                "53",
                "59",
                "61",
                "62",
                "69",
                "71",
                "72",
                "79",
                "81",
                "89",
                "91",
                "92",
                "93",
                "A1",
                "A9",
                "N1",
                "N2",
                "N3",
                "N9",
                "Y1",
            ]
        )
        while True:
            org8 = "".join(self.r.choice(chars) for _ in range(8))
            check = org_code_check_char(org8)
            if check in chars:
                break
        body = authority + self.r.choice(COUNTIES)[3] + org8 + check
        return body + uscc_check_char(body)

    def passport_any(self) -> tuple[str, str, str]:
        """(label, type, value)."""
        r = self.r
        f = r.randrange(7)
        if f == 0:
            return (
                "护照号码：",
                "CN_PASSPORT",
                "E" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7),
            )
        if f == 1:
            return "护照号：", "CN_PASSPORT", "G" + self.digits(8)
        if f == 2:
            return "公务护照 ", "CN_PASSPORT", r.choice("PSD") + self.digits(7)
        if f == 3:
            return "往来港澳通行证：", "TRAVEL_PERMIT", "C" + self.digits(8)
        if f == 4:
            return (
                "往来港澳通行证号码 ",
                "TRAVEL_PERMIT",
                "C" + r.choice("ABCDEFGH") + self.digits(7),
            )
        if f == 5:
            return "大陆居民往来台湾通行证：", "TRAVEL_PERMIT", "L" + self.digits(8)
        return "passport no. ", "CN_PASSPORT", "E" + self.digits(8)

    def plate_hyphen(self) -> str:
        p, letter = self.r.choice(PLATE_PROVINCES), self.r.choice(PLATE_LETTERS)
        t = list(self.digits(5))
        t[self.r.randrange(5)] = self.r.choice(PLATE_LETTERS)
        return f"{p}{letter}-{''.join(t)}"

    def idn_email(self) -> str:
        local = self.r.choice([self.zh.name(), self.zh.name(), self.en.user_name()])
        domain = self.r.choice(["公司.中国", "例子.公司", "测试.网络", "邮件.中国", "网站.cn"])
        return f"{local}@{domain}"

    def en_address(self) -> str:
        f = self.r.random()
        if f < 0.6:
            return (
                f"{self.en.building_number()} {self.en.street_name()}, "
                f"{self.en.city()}, {self.en.state_abbr()} {self.en.zipcode()}"
            )
        if f < 0.75:
            return f"{self.en.military_apo()}, APO {self.en.military_state()} {self.en.postcode()}"
        if f < 0.9:
            return f"{self.en.military_dpo()}, DPO {self.en.military_state()} {self.en.postcode()}"
        return f"{self.en.building_number()} {self.en.street_name()}"

    def qq(self) -> str:
        return self.r.choice("123456789") + self.digits(self.r.randint(5, 9))

    def wechat(self) -> str:
        f = self.r.random()
        if f < 0.3:
            return "wxid_" + "".join(
                self.r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(14)
            )
        name = self.en.user_name().replace(".", "_")
        name = (
            (name[0] if name[0].isalpha() else "w") + name[1:] + self.digits(self.r.randint(0, 4))
        )
        # WeChat's rule: 6 to 20 characters.
        return (name + self.digits(6))[: max(6, min(len(name), 20))]


# --- documents ----------------------------------------------------------------------------
def table(g: RealGen) -> Doc:
    """A CSV, TSV, .xlsx sheet or .docx table as text, with a name column."""
    r = g.r
    fmt = r.choice(["csv", "tsv", "xlsx", "docx"])
    sep = "," if fmt == "csv" else "\t"
    d = Doc(f"table-{fmt}")
    if fmt == "docx":
        d.add(r.choice(["网络安全宣传周志愿者名单", "参会人员登记表", "附件：联系人信息"]) + "\n")
    english = r.random() < 0.15
    name_header = "Name" if english else r.choice(HEADER_NAME)
    cols = [
        "name",
        *r.sample(["sex", "age", "phone", "unit", "id", "address", "dept"], r.randint(2, 5)),
    ]
    headers = {
        "name": name_header,
        "sex": "Sex" if english else "性别",
        "age": "Age" if english else "年龄",
        "phone": "Phone" if english else r.choice(["电话", "手机", "联系方式"]),
        "unit": "Company" if english else r.choice(["单位", "工作单位"]),
        "id": "ID" if english else "身份证号",
        "address": "Address" if english else r.choice(["地址", "住址", "家庭住址"]),
        "dept": "Dept" if english else "部门",
    }
    r.shuffle(cols)
    if r.random() < 0.4:
        cols.insert(0, "no")
        headers["no"] = "No." if english else "序号"
    d.add(sep.join(headers[c] for c in cols) + "\n")
    for i in range(r.randint(2, 6)):
        for j, c in enumerate(cols):
            if j:
                d.add(sep)
            if c == "no":
                d.add(str(i + 1))
            elif c == "name":
                d.pii("PERSON", g.en_person() if english else g.person())
            elif c == "sex":
                d.add(r.choice(["男", "女"] if not english else ["M", "F"]))
            elif c == "age":
                d.add(str(r.randint(18, 70)))
            elif c == "phone":
                d.pii("CN_MOBILE", g.mobile().replace(",", ""))
            elif c == "unit":
                d.neg("company", g.company())
            elif c == "id":
                d.pii("CN_ID", g.cn_id().replace(" ", ""))
            elif c == "address":
                d.pii("ADDRESS", g.address())
            else:
                d.add(r.choice(["宣传部", "技术部", "办公室", "网信办", "财务科"]))
        d.add("\n")
    return d


def cv(g: RealGen) -> Doc:
    r = g.r
    d = Doc("cv")
    for _ in range(r.randint(1, 3)):
        y, m, _dd, date = g.date_cn()
        d.pii("PERSON", g.person()).add("，" + r.choice(["男", "女"]) + "，")
        d.add(r.choice(ETHNIC) + "，")
        if r.random() < 0.5:
            d.pii("DATE_OF_BIRTH", date).add(r.choice(["生", "出生"]) + "，")
        else:
            d.pii("DATE_OF_BIRTH", f"{y}年{m}月").add("出生，")
        d.add(r.choice(PARTY) + "，" + r.choice(EDU) + "学历。\n")
    return d


def roles(g: RealGen) -> Doc:
    r = g.r
    d = Doc("roles")
    d.add(r.choice(["审批单", "受理记录", "案件登记", "报销单"]) + "\n")
    for role in r.sample(ROLES, r.randint(2, 4)):
        d.add(role).pii("PERSON", g.person()).add(r.choice(["\n", "  ", "，", " "]))
    d.add(f"日期 2024年{r.randint(1, 12)}月{r.randint(1, 28)}日\n")
    return d


PROSE_BEFORE = ["据", "记者从", "昨天", "当天，", "随后", "今年", "会上，"]
PROSE_VERBS = ["表示", "介绍说", "告诉记者", "指出", "认为", "说", "称", "回忆道", "提醒市民"]


def prose(g: RealGen) -> Doc:
    r = g.r
    d = Doc("prose")
    d.add(g.zh.sentence())
    for _ in range(r.randint(1, 3)):
        f = r.randrange(5)
        if f == 0:
            d.add(r.choice(PROSE_BEFORE)).pii("PERSON", g.person()).add(r.choice(PROSE_VERBS))
            d.add("，" + g.zh.sentence())
        elif f == 1:
            d.add("市民").pii("PERSON", g.person()).add("接到一个自称客服的电话，")
            d.add(g.zh.sentence())
        elif f == 2:
            d.add("受害人").pii("PERSON", g.person()).add("在" + g.zh.city_name() + "被骗，")
            d.add("骗子自称是警察。")
        elif f == 3:
            d.add("网警提醒，").pii("PERSON", g.person()).add("等人已被依法处理。")
        else:
            d.add("这位名叫").pii("PERSON", g.person()).add("的大学生" + g.zh.sentence())
        if r.random() < 0.5:
            d.add("他住在").pii("ADDRESS", g.address()).add("，")
            d.add("平时" + g.zh.sentence())
        if r.random() < 0.3:
            d.add("该事项由").neg("company", "公司").add("负责，请和").neg("company", "公司")
            d.add("联系。")
    d.add("\n")
    return d


def english(g: RealGen) -> Doc:
    r = g.r
    d = Doc("english")
    d.add(r.choice(["Dear ", "Hi ", "Hello "])).pii("PERSON", g.en_person()).add(",\n")
    d.add(g.en.sentence() + " ")
    f = r.randrange(4)
    if f == 0:
        d.add("Please contact ").pii("PERSON", g.en_person()).add(" at ")
        d.pii("INTL_PHONE", g.na_phone()).add(" for details. ")
    elif f == 1:
        d.add("Our colleague ").pii("PERSON", g.en_person()).add(" will call you from ")
        d.pii("INTL_PHONE", g.na_phone()).add(". ")
    elif f == 2:
        d.pii("PERSON", g.en_person()).add(" said the report was filed yesterday. ")
    else:
        d.add("I spoke with ").pii("PERSON", g.en_person()).add(" and ")
        d.pii("PERSON", g.en_person()).add(" this morning. ")
    if r.random() < 0.6:
        d.add("Mail it to ").pii("ADDRESS", g.en_address()).add(". ")
    if r.random() < 0.5:
        d.add("You can also reach me on ").pii("INTL_PHONE", g.na_phone()).add(".")
    d.add("\n" + g.en.sentence() + "\nBest regards,\n").pii("PERSON", g.en_person()).add("\n")
    return d


def numbers(g: RealGen) -> Doc:
    r = g.r
    d = Doc("numbers")
    items = [
        lambda: d.add(r.choice(["手机：", "电话", "联系电话 ", "请打"])).pii(*g.mobile_real()),
        lambda: d.add(r.choice(["统一社会信用代码：", "信用代码 ", "社会信用代码"])).pii(
            "USCC", g.uscc_any()
        ),
        lambda: (lambda lab, t, v: d.add(lab).pii(t, v))(*g.passport_any()),
        lambda: d.add(r.choice(["车牌号", "车牌：", "肇事车辆"])).pii(
            "LICENSE_PLATE", g.plate_hyphen()
        ),
        lambda: d.add(r.choice(["邮箱：", "发邮件到", "Email: "])).pii("EMAIL", g.idn_email()),
        lambda: d.add(r.choice(["QQ：", "QQ号", "qq ", "扣扣："])).pii("QQ", g.qq()),
        lambda: d.add(r.choice(["加我QQ", "QQ号码是"])).pii("QQ", g.qq()),
        lambda: d.add(r.choice(["微信：", "微信号", "VX：", "加微信 ", "wechat: "])).pii(
            "WECHAT_ID", g.wechat()
        ),
        lambda: d.add(r.choice(["订单号：", "订单号", "订单编号 "])).neg(
            "order", g.order_id_like()
        ),
        lambda: id_born(g, d),
    ]
    r.shuffle(items)
    for item in items[: r.randint(4, 7)]:
        item()
        d.add(r.choice(["\n", "，", "；", "。"]))
    return d


def id_born(g: RealGen, d: Doc) -> None:
    y, m, dd, date = g.date_cn()
    d.add("身份证号").pii("CN_ID", g.id_for(y, m, dd))
    if g.r.random() < 0.5:
        d.add("，").pii("DATE_OF_BIRTH", date).add(
            g.r.choice(["出生于", "生于"]) + g.zh.city_name()
        )
    else:
        d.add(g.r.choice(["出生于", "生"]) + g.zh.city_name())


TEMPLATES = [table, table, cv, roles, prose, prose, english, numbers, numbers]


def generate(n_docs: int, seed: int):
    g = RealGen(seed)
    for i in range(n_docs):
        doc = TEMPLATES[i % len(TEMPLATES)](g)
        rec = doc.record(i)
        assert all(rec["text"][s:e] for _, s, e in rec["spans"]), rec["id"]
        yield rec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=900)
    args = parser.parse_args()
    for name, seed in (("real_tune", TUNE_SEED), ("real_heldout", HELDOUT_SEED)):
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for rec in generate(args.docs, seed):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(HERE / "real_traps.jsonl", "w", encoding="utf-8") as fh:
        for rec in adversarial(HERE / "real_traps.txt"):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
