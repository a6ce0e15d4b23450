"""The people's side of the check, through nginx over TLS: a visitor signs up with the
code mailed to them, registers for an event and gets its mail, takes the contest; an
organiser signs in with the second factor, checks the visitor in and reads a dashboard.
Every request is counted; a failed one (a 5xx, a refused or cut connection) is counted
as failed and never hidden."""

import email
import mailbox
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3
from django_otp.oath import totp

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Tally:
    """Requests made and failed, from any thread."""

    requests: int = 0
    failed: int = 0
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what: str, status: int | None) -> None:
        with self.lock:
            self.requests += 1
            if status is None or status >= 500:
                self.failed += 1
                self.failures.append(f"{what} -> {status or 'no answer'}")


class Browser:
    """One person's session through nginx, like a browser: cookies, CSRF token, Referer."""

    def __init__(self, base: str, certificate: Path, tally: Tally):
        self.base, self.tally = base, tally
        self.certificate = str(certificate)
        self.session = requests.Session()

    def request(self, method: str, path: str, *, expect: tuple = (200,), **kwargs):
        headers = kwargs.pop("headers", {})
        headers.setdefault("Referer", self.base + path)
        if method not in ("GET", "HEAD") and "csrftoken" in self.session.cookies:
            headers.setdefault("X-CSRFToken", self.session.cookies["csrftoken"])
        try:
            # `verify` on each request: a REQUESTS_CA_BUNDLE in the environment would
            # override the session's.
            response = self.session.request(
                method, self.base + path, headers=headers, timeout=30, allow_redirects=False,
                verify=self.certificate, **kwargs,
            )  # fmt: skip
        except requests.RequestException:
            self.tally.count(f"{method} {path}", None)
            raise
        self.tally.count(f"{method} {path}", response.status_code)
        if response.status_code not in expect:
            raise AssertionError(
                f"{method} {path} answered {response.status_code}, expected {expect}: "
                f"{response.text[:300]}"
            )
        return response

    def form(self, path: str, data: dict, *, expect: tuple = (302,)):
        page = self.request("GET", path)
        token = CSRF_FIELD.search(page.text)
        assert token, f"no CSRF token on {path}"
        return self.request(
            "POST", path, data={"csrfmiddlewaretoken": token.group(1), **data}, expect=expect
        )


class Mailbox:
    """The SMTP sink's Maildir."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[email.message.Message]:
        if not (self.folder / "new").exists():
            return []
        return list(mailbox.Maildir(self.folder, factory=None, create=False))

    def count(self) -> int:
        return len(self.messages())

    def wait_for(self, recipient: str, *, containing: str = "", timeout: float = 150) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages():
                if recipient in message.get("To", ""):
                    body = _text(message)
                    if containing in body:
                        return body
            time.sleep(0.5)
        raise AssertionError(f"no mail to {recipient} containing {containing!r} in {timeout} s")


def _text(message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def sign_up(browser: Browser, mail: Mailbox, address: str, password: str) -> None:
    browser.form("/accounts/signup/", {"identifier": address, "password": password})
    code = CODE.search(mail.wait_for(address, containing="")).group(1)
    browser.form("/accounts/signup/confirm/", {"code": code})


def register(browser: Browser, offering: int) -> dict:
    browser.request("GET", "/")  # the CSRF cookie, as a page visit would set it
    return browser.request(
        "POST", f"/api/tickets/offerings/{offering}/registrations",
        json={"seats": 1}, expect=(201,),
    ).json()  # fmt: skip


def take_contest(browser: Browser, slug: str) -> dict:
    entry = {"display_name": "测试者", "show_name": False}
    browser.request("PUT", f"/api/quiz/contests/{slug}/entry", json=entry)
    attempt = browser.request("POST", f"/api/quiz/contests/{slug}/attempts", expect=(201,)).json()
    bearer = {"Authorization": f"Bearer {attempt['answer_token']}"}
    for question in attempt["questions"]:
        browser.request(
            "PUT", f"/api/quiz/attempts/{attempt['id']}/answers/{question['position']}",
            json={"chosen": [question["options"][0]["key"]]}, headers=dict(bearer),
        )  # fmt: skip
    return browser.request("POST", f"/api/quiz/attempts/{attempt['id']}/submit").json()


def organiser_sign_in(browser: Browser, seed: dict) -> None:
    answer = browser.form(
        "/accounts/login/", {"identifier": seed["organiser"], "password": seed["password"]}
    )
    second_factor = answer.headers["Location"]
    token = totp(bytes.fromhex(seed["totp_key"]))
    browser.form(second_factor.removeprefix(browser.base), {"token": f"{token:06d}"})


def check_in(browser: Browser, offering: int, ticket: str) -> str:
    answer = browser.request(
        "POST", f"/api/tickets/offerings/{offering}/check-ins", json={"items": [{"ticket": ticket}]}
    ).json()
    return answer["results"][0]["outcome"]
