"""The public contract: type names, the Finding record, labels and risk explanations."""

from dataclasses import asdict, dataclass

# Order is the display order used by the API, the command and reports.
TYPES: tuple[str, ...] = (
    "CN_ID",
    "CN_MOBILE",
    "CN_LANDLINE",
    "INTL_PHONE",
    "BANK_CARD",
    "USCC",
    "CN_PASSPORT",
    "TRAVEL_PERMIT",
    "LICENSE_PLATE",
    "EMAIL",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "IMEI",
    "DATE_OF_BIRTH",
    "SECRET",
    "PERSON",
    "ADDRESS",
    "QQ",
    "WECHAT_ID",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal information: ``text == source[start:end]`` (end exclusive)."""

    type: str
    start: int
    end: int
    text: str
    confidence: float
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)

    def shifted(self, offset: int) -> "Finding":
        return make(
            self.type,
            self.start + offset,
            self.end + offset,
            self.text,
            self.confidence,
            self.reason,
        )


class _Unfrozen:
    """A Finding being built: the same slots without the frozen dataclass's __setattr__, so
    that __init__ stores the fields as fast as any attribute (the interpreter specialises the
    stores) instead of through object.__setattr__. Assigning __class__ then makes it a
    Finding, which CPython allows between classes with the same slots. Building a Finding
    this way takes three quarters of the time of setting its slots one by one through their
    descriptors, and a stream builds about 10,000 a MB."""

    __slots__ = Finding.__slots__

    def __init__(self, type, start, end, text, confidence, reason):
        self.type = type
        self.start = start
        self.end = end
        self.text = text
        self.confidence = confidence
        self.reason = reason


def make(type: str, start: int, end: int, text: str, confidence: float, reason: str) -> Finding:
    """Finding(...) without the frozen dataclass's __init__ (object.__setattr__ per field)."""
    f = _Unfrozen(type, start, end, text, confidence, reason)
    f.__class__ = Finding
    return f


# What the detectors produce: (start, end, type, text, confidence, reason), offsets into the
# piece of text being scanned. A tuple costs a third of a Finding to make, and only what
# survives overlap resolution and lies in the segment becomes a Finding, made once with its
# final offsets (not made, then moved for a stream).
RawFinding = tuple[int, int, str, str, float, str]


def findings(raw: list[RawFinding], base: int = 0) -> list[Finding]:
    """Findings of raw findings of a piece of text that starts at offset base."""
    unfrozen, cls = _Unfrozen, Finding
    out = []
    append = out.append
    # make() written out: the call would add a quarter to the cost of each finding.
    for start, end, type_, text, confidence, reason in raw:
        f = unfrozen(type_, start + base, end + base, text, confidence, reason)
        f.__class__ = cls
        append(f)
    return out


LABELS: dict[str, dict[str, str]] = {
    "CN_ID": {"zh-hans": "居民身份证号", "en": "Resident ID number"},
    "CN_MOBILE": {"zh-hans": "手机号码", "en": "Mobile number"},
    "CN_LANDLINE": {"zh-hans": "固定电话", "en": "Landline number"},
    "INTL_PHONE": {"zh-hans": "境外电话号码", "en": "International phone number"},
    "BANK_CARD": {"zh-hans": "银行卡号", "en": "Bank card number"},
    "USCC": {"zh-hans": "统一社会信用代码", "en": "Unified social credit code"},
    "CN_PASSPORT": {"zh-hans": "护照号码", "en": "Passport number"},
    "TRAVEL_PERMIT": {"zh-hans": "往来内地通行证号", "en": "Mainland travel permit number"},
    "LICENSE_PLATE": {"zh-hans": "车牌号", "en": "Vehicle licence plate"},
    "EMAIL": {"zh-hans": "电子邮箱", "en": "E-mail address"},
    "IP_ADDRESS": {"zh-hans": "IP 地址", "en": "IP address"},
    "MAC_ADDRESS": {"zh-hans": "MAC 地址", "en": "MAC address"},
    "IMEI": {"zh-hans": "手机串号（IMEI）", "en": "IMEI device number"},
    "DATE_OF_BIRTH": {"zh-hans": "出生日期", "en": "Date of birth"},
    "SECRET": {"zh-hans": "密码或密钥", "en": "Password or secret key"},
    "PERSON": {"zh-hans": "姓名", "en": "Person's name"},
    "ADDRESS": {"zh-hans": "住址", "en": "Postal address"},
    "QQ": {"zh-hans": "QQ 号", "en": "QQ number"},
    "WECHAT_ID": {"zh-hans": "微信号", "en": "WeChat ID"},
}

EXPLANATIONS: dict[str, dict[str, str]] = {
    "CN_ID": {
        "zh-hans": "身份证号包含出生日期和籍贯，泄露后可被用于冒名办卡、贷款和注册账号。",
        "en": "An ID number reveals birth date and birthplace and can be used to open "
        "accounts, take loans or register services in your name.",
    },
    "CN_MOBILE": {
        "zh-hans": "手机号是大多数账号的登录名和验证码接收渠道，泄露后易招致骚扰、诈骗和撞库。",
        "en": "A mobile number is the login and verification channel for most accounts; "
        "exposed, it invites spam, fraud calls and account takeover.",
    },
    "CN_LANDLINE": {
        "zh-hans": "固定电话可定位到家庭或单位，可能被用于骚扰或冒充熟人诈骗。",
        "en": "A landline points to a home or workplace and can be used for harassment or "
        "impersonation scams.",
    },
    "INTL_PHONE": {
        "zh-hans": "电话号码可直接联系到本人，泄露后易招致骚扰和诈骗。",
        "en": "A phone number reaches the person directly and invites spam and fraud.",
    },
    "BANK_CARD": {
        "zh-hans": "银行卡号配合姓名、手机号等信息可被用于盗刷和精准诈骗。",
        "en": "A card number combined with a name or phone number enables card fraud and "
        "targeted scams.",
    },
    "USCC": {
        "zh-hans": "统一社会信用代码标识一个单位或个体工商户，可关联到经营者本人。",
        "en": "A unified social credit code identifies an organisation or sole trader and "
        "can lead back to the owner.",
    },
    "CN_PASSPORT": {
        "zh-hans": "护照号是出入境和订票的身份凭证，泄露后可被用于冒用身份。",
        "en": "A passport number is an identity credential for travel and bookings and can "
        "be misused for identity theft.",
    },
    "TRAVEL_PERMIT": {
        "zh-hans": "通行证号是港澳台居民在内地的身份凭证，泄露风险与身份证号相当。",
        "en": "A travel permit number is the identity credential of Hong Kong, Macao and "
        "Taiwan residents on the mainland, as sensitive as an ID number.",
    },
    "LICENSE_PLATE": {
        "zh-hans": "车牌号可关联到车主和行车轨迹。",
        "en": "A licence plate links to the vehicle owner and their movements.",
    },
    "EMAIL": {
        "zh-hans": "邮箱常是账号登录名，泄露后易被钓鱼邮件和撞库攻击。",
        "en": "An e-mail address is often a login name and attracts phishing and "
        "credential-stuffing attacks.",
    },
    "IP_ADDRESS": {
        "zh-hans": "IP 地址可大致定位设备和网络，并关联上网行为。",
        "en": "An IP address roughly locates a device or network and links online activity.",
    },
    "MAC_ADDRESS": {
        "zh-hans": "MAC 地址是设备的硬件标识，可用于长期追踪设备。",
        "en": "A MAC address is a hardware identifier that allows a device to be tracked.",
    },
    "IMEI": {
        "zh-hans": "IMEI 是手机的唯一串号，可用于追踪设备或冒充设备。",
        "en": "An IMEI uniquely identifies a phone and can be used to track or clone it.",
    },
    "DATE_OF_BIRTH": {
        "zh-hans": "出生日期常用于身份核验和密码找回，和姓名结合后可识别个人。",
        "en": "A date of birth is used for identity checks and password recovery; with a "
        "name it identifies a person.",
    },
    "SECRET": {
        "zh-hans": "密码、私钥和访问令牌一旦泄露，他人可直接登录账号或调用服务，应立即更换。",
        "en": "A password, private key or access token lets others sign in or use a "
        "service as you; rotate it immediately.",
    },
    "PERSON": {
        "zh-hans": "姓名与其他信息结合即可识别到具体个人。",
        "en": "A name combined with other details identifies a specific person.",
    },
    "ADDRESS": {
        "zh-hans": "详细住址可定位到家庭，可能带来上门骚扰、诈骗甚至人身安全风险。",
        "en": "A detailed address locates a home and can lead to harassment, fraud or "
        "physical danger.",
    },
    "QQ": {
        "zh-hans": "QQ 号可直接联系到本人并关联其社交账号，常被诈骗分子用来冒充熟人或拉人入群。",
        "en": "A QQ number reaches the person directly and links their social accounts; "
        "fraudsters use it to pose as friends or pull people into scam groups.",
    },
    "WECHAT_ID": {
        "zh-hans": "微信号可直接添加本人为好友，泄露后易被冒充熟人、刷单返利等诈骗盯上。",
        "en": "A WeChat ID lets anyone add the person as a contact; exposed, it invites "
        "impersonation and task-scam fraud.",
    },
}
