"""Playwright driving Debian's Chromium against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The first request that scans text compiles the pii engine's patterns, and CI machines
# are shared: give assertions the same patience as page actions.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests
# make for setup are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` (see .ci/run)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Runs in every document before its own scripts (Playwright injects it, outside the page's
# policy): a violation the browser reports becomes a console error the test collects.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
    ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


class Violations(list):
    """Content-Security-Policy violations seen in every browser context of one test."""

    def watch(self, context):
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self.console)
        return context

    def console(self, message):
        text = message.text
        if message.type == "error" and (
            text.startswith("CSP violation") or "Content Security Policy" in text
        ):
            self.append(f"{message.location.get('url', '?')}: {text}")


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    """Every context a browser test opens (the `page` fixture's, or another device's) reports
    CSP violations; any violation fails the test at teardown."""
    violations = Violations()
    new_context = browser.new_context
    monkeypatch.setattr(
        browser,
        "new_context",
        lambda *args, **kwargs: violations.watch(new_context(*args, **kwargs)),
    )
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(browser, live_server, csp_violations):
    # A desktop wide enough for the whole navigation bar (it collapses below 1400 px); the
    # layout tests set their own widths.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# axe-core from npm (package.json, vendored by scripts/vendor_assets.py), never a CDN.
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA; GB/T 37668 (China's standard for web content) follows WCAG.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => {
    const first = v.nodes[0];
    const why = (first.failureSummary || "").split("\\n").slice(1).join(" ").trim();
    const more = v.nodes.length > 1 ? ` (and ${v.nodes.length - 1} more)` : "";
    return `${v.id}: ${v.help} at ${first.target.join(" ")}${more}: ${why}`;
  });
}
"""


def enable_axe(context):
    """Load axe-core into every document the context opens. The strict CSP refuses an
    injected <script> (`page.add_script_tag`); init scripts, which Playwright hands to the
    browser outside the page, run before the page's own and are not subject to it."""
    context.add_init_script(path=AXE)


def accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (after `enable_axe`)."""
    return page.evaluate(RUN_AXE, AXE_TAGS)
