"""Indicators that are never exported or published as threats, as MISP's warning lists
hold back what is known to be benign.

Reporters often paste the real site a phishing message imitates, or the official
hotline that a fraudster pretended to be. Confirming those would send a CERT team
`alipay.com` or `110` as an indicator. The lists are small and written by hand from
public sources: the platforms' own published domains (the registrable domains of the
largest Chinese and international services, as listed in MISP's `tranco` and
`alexa`-style warning lists) and the public hotlines published by the Ministry of Public
Security (110, 96110 anti-fraud), MIIT (12321 network and information security
complaints, 12300 telecom complaints), the Cyberspace Administration (12377 illegal
content) and the banks' and carriers' national service numbers. A deployment may extend
them with the `TIPLINE_BENIGN_DOMAINS` and `TIPLINE_BENIGN_PHONES` settings.
"""

from django.conf import settings

BENIGN_DOMAINS = frozenset(
    {
        # Chinese platforms
        "alipay.com", "taobao.com", "tmall.com", "jd.com", "qq.com",
        "wechat.com", "baidu.com", "douyin.com", "kuaishou.com", "pinduoduo.com",
        "meituan.com", "ctrip.com", "12306.cn", "weibo.com", "bilibili.com", "163.com",
        "126.com", "sina.com.cn", "xiaohongshu.com", "icbc.com.cn", "ccb.com", "boc.cn",
        "abchina.com", "bankcomm.com", "cmbchina.com", "10086.cn", "chinaunicom.com",
        "189.cn", "12321.cn", "cac.gov.cn", "mps.gov.cn",
        # International platforms
        "google.com", "apple.com", "icloud.com", "microsoft.com", "live.com",
        "office.com", "amazon.com", "paypal.com", "facebook.com", "github.com",
    }
)  # fmt: skip

# E.164 or `CN:<short number>`, as `normalise.canonical_phone` writes them.
BENIGN_PHONES = frozenset(
    {
        "CN:110", "CN:120", "CN:119", "CN:122", "CN:96110", "CN:12321", "CN:12300",
        "CN:12377", "CN:12315", "CN:12345", "CN:10086", "CN:10010", "CN:10000",
        "CN:95588", "CN:95533", "CN:95566", "CN:95599", "CN:95559", "CN:95555",
        "CN:95188", "CN:95017",
    }
)  # fmt: skip


def benign_domains() -> frozenset[str]:
    return BENIGN_DOMAINS | frozenset(getattr(settings, "TIPLINE_BENIGN_DOMAINS", ()))


def benign_phones() -> frozenset[str]:
    return BENIGN_PHONES | frozenset(getattr(settings, "TIPLINE_BENIGN_PHONES", ()))


def is_benign(kind: str, value: str) -> bool:
    """Whether a cluster's observable is on a warning list. A link or host+path is
    benign when its registrable domain is (a page on alipay.com is Alipay's)."""
    from .normalise import NotNormalisable, canonical_url

    if kind == "domain":
        return value in benign_domains()
    if kind in ("url", "host_path"):
        try:
            url = canonical_url(value if kind == "url" else f"http://{value}")
        except NotNormalisable:
            return False
        return url.domain in benign_domains()
    if kind == "phone":
        return value in benign_phones()
    return False
