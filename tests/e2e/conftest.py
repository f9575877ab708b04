"""Browser tests: Playwright driving Debian's Chromium against the app served on loopback.

The browser is found at WENZHENG_CHROMIUM or the Debian paths. Without one the tests are
skipped on a laptop, and fail where WENZHENG_REQUIRE_BROWSER=1 (CI installs it).
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import search
from portal.extensions import db
from tests.conftest import _empty_tables

CANDIDATES = ("/usr/bin/chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium")
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def chromium_path() -> str | None:
    found = os.environ.get("WENZHENG_CHROMIUM") or next((p for p in CANDIDATES if shutil.which(p)), None)
    if found is None and os.environ.get("WENZHENG_REQUIRE_BROWSER") == "1":
        pytest.fail("no Chromium found: install chromium-headless-shell (apt) or set WENZHENG_CHROMIUM")
    return found


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium-headless-shell fonts-wqy-zenhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--lang=zh-CN"])
        yield browser
        browser.close()


@pytest.fixture
def live(apps):
    """The longnan app served on a free loopback port, with CSRF on as in production."""
    app = apps["longnan"]
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield app, f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        app.config["WTF_CSRF_ENABLED"] = False
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        search.rebuild([])


@pytest.fixture
def page(browser, request):
    width = getattr(request, "param", 1280)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = []  # what the Content-Security-Policy blocked: htmx or a page's script would stop working
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.confirmations = []  # irreversible moves ask first (hx-confirm): the tests say yes and keep the question
    page.on("dialog", lambda dialog: (page.confirmations.append(dialog.message), dialog.accept()))
    yield page
    context.close()
    assert refused == [], "the CSP blocked part of a page"


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    page.evaluate(AXE.read_text())  # evaluated by the browser's debugger, so the page's CSP does not apply
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length}))""")
    return [f"{v['id']} ({v['impact']}, {v['nodes']}×): {v['help']}" for v in violations
            if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    """Kept for the README when WENZHENG_SCREENSHOTS=1."""
    if os.environ.get("WENZHENG_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def action_form(page, action: str):
    """The form of ``action`` on a message page, unfolded as a user would (only the main step is open)."""
    details = page.locator(f"details.action:has(#act-{action})")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return page.locator(f"#act-{action}")


def submit_action(form, button: str | None = None) -> None:
    """Press the form's button and wait until htmx has swapped the page's main part in place."""
    before = form.element_handle()
    (form.get_by_role("button", name=button) if button else form.locator("button[type=submit]")).click()
    before.wait_for_element_state("hidden")
