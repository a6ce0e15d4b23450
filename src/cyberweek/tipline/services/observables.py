"""The observables a report names, in canonical form: the exact link, its host and path,
its registrable domain; a phone number, a QQ number, a WeChat ID. A filed report joins
the cluster of each (`intake`)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cyberweek.core.errors import ValidationFailed

from ..models import Cluster, Report
from ..normalise import (
    NotNormalisable,
    canonical_phone,
    canonical_qq,
    canonical_url,
    canonical_wechat,
)


@dataclass(frozen=True)
class Observed:
    kind: str
    value: str
    display: str


@dataclass
class Observables:
    items: list[Observed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reporter is told about them


_REQUIRED = {
    Report.Kind.PHISHING: ("link",),
    Report.Kind.FRAUD_PHONE: ("phone", "qq", "wechat"),
}


def observables_of(*, kind: str, link="", phone="", qq="", wechat="") -> Observables:
    """The canonical observables a report names; raises `ValidationFailed` on the field
    that cannot be read, with the reason."""
    found = Observables()
    link, phone, qq, wechat = (v.strip() if v else "" for v in (link, phone, qq, wechat))
    required = _REQUIRED.get(kind, ())
    if required and not any(
        {"link": link, "phone": phone, "qq": qq, "wechat": wechat}[f] for f in required
    ):
        message = (
            _("Give the link you were sent.")
            if required == ("link",)
            else _("Give the phone number, QQ number or WeChat ID that contacted you.")
        )
        raise ValidationFailed(message, field=required[0])
    if link:
        try:
            url = canonical_url(link)
        except NotNormalisable as error:
            raise ValidationFailed(_url_refusal(error.code), field="link") from error
        display = url.url.replace(url.host, url.unicode_host, 1) if url.is_idn else url.url
        found.items += [
            Observed(Cluster.Kind.URL, url.url, display),
            Observed(Cluster.Kind.HOST_PATH, url.host_path, url.host_path),
            Observed(Cluster.Kind.DOMAIN, url.domain, url.domain),
        ]
        if url.had_credentials:
            found.notes.append(
                _("The link hid its real address after an “@”: it leads to %(host)s.")
                % {"host": url.unicode_host}
            )
        if url.is_idn:
            found.notes.append(
                _(
                    "The link's address uses non-Latin letters (%(unicode)s, really "
                    "%(ascii)s), a common disguise."
                )
                % {"unicode": url.unicode_host, "ascii": url.host}
            )
    for name, value, reader, cluster_kind in (
        ("phone", phone, canonical_phone, Cluster.Kind.PHONE),
        ("qq", qq, canonical_qq, Cluster.Kind.QQ),
        ("wechat", wechat, canonical_wechat, Cluster.Kind.WECHAT),
    ):
        if not value:
            continue
        try:
            canonical = reader(value)
        except NotNormalisable as error:
            raise ValidationFailed(str(_FIELD_REFUSALS[name]), field=name) from error
        found.items.append(Observed(cluster_kind, canonical, canonical))
    return found


_FIELD_REFUSALS = {
    "phone": gettext_lazy(
        "This is not a phone number we can read. Write it as you saw it, e.g. "
        "138 0013 8000 or +86 10 6552 9988."
    ),
    "qq": gettext_lazy("A QQ number is 5 to 11 digits and does not start with 0."),
    "wechat": gettext_lazy(
        "A WeChat ID is 6 to 20 letters, digits, _ or -, and starts with a letter."
    ),
}


def _url_refusal(code: str) -> str:
    return {
        "scheme": _(
            "Only web links (http:// or https://) can be reported; data: and javascript: "
            "links are refused and never opened."
        ),
        "too-long": _(
            "The link is longer than 2,048 characters; report the start of it in the description."
        ),
        "empty": _("Give the link you were sent."),
        "no-host": _("The link has no web address."),
        "bad-host": _("The link's address is not a valid domain name or IP address."),
        "bad-port": _("The link's port is not a number from 1 to 65535."),
    }.get(code, _("This link cannot be read."))
