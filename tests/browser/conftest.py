"""Browser fixtures: a headless Chromium page driven from the test through tests/browser/driver.py.

``page.goto(url)``, ``page.fill(selector, text)``, ``page.inner_text(selector)``, ``page.url`` … are
forwarded to Playwright's Page in the driver process (see driver.py for why it is a separate process).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import eventlet
import pytest
from eventlet.green import subprocess  # green pipes: the in-process gateway keeps serving while we wait

CHROMIUM = "/usr/bin/chromium"
DRIVER = Path(__file__).with_name("driver.py")
ANSWER_SECONDS = 30


class BrowserError(AssertionError):
    """The browser could not do what the test asked (Playwright's message says why)."""


class BrowserPage:
    """A proxy for Playwright's Page in the driver process; every call is one JSON round trip."""

    def __init__(self, base_url):
        self.base_url = base_url
        self._in_step = True  # every command has had its answer read (False after a cut-off wait)
        self.fresh = True  # nothing done in this browser context yet
        self._log = tempfile.TemporaryFile()
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-u", str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
        )
        self._receive()  # "ready": Chromium is up

    def _receive(self):
        self._in_step = False  # until the answer is read: a late one would answer the next command
        with eventlet.Timeout(
            ANSWER_SECONDS, BrowserError(f"no answer from the browser in {ANSWER_SECONDS} s")
        ):
            line = self._process.stdout.readline()
        self._in_step = True
        if not line:
            self._log.seek(0)
            raise BrowserError(
                "the browser driver stopped:\n" + self._log.read().decode(errors="replace")[-3000:]
            )
        message = json.loads(line)
        if "error" in message:
            raise BrowserError(message["error"])
        return message["ok"]

    def call(self, name, *args, **kwargs):
        self.fresh = False
        command = json.dumps({"call": name, "args": args, "kwargs": kwargs}) + "\n"
        self._process.stdin.write(command.encode())
        self._process.stdin.flush()
        return self._receive()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    @property
    def url(self):
        return self.call("url")

    @property
    def path(self):
        url = self.url
        return url[len(self.base_url) :] if url.startswith(self.base_url) else url

    def open(self, path):
        return self.call("goto", self.base_url + path)

    def text(self, selector="body"):
        return self.call("inner_text", selector)

    def count(self, selector):
        """How many elements match now (no waiting)."""
        return self.call("eval_on_selector_all", selector, "elements => elements.length")

    def nav(self, selector):
        """Follow a link of the header's menus (issue 13): open the menu holding it (its disclosure button,
        and at phone width the Menu button first), then click the link."""
        self.call(
            "eval_on_selector",
            selector,
            """link => {
                const toggle = document.getElementById("menu-toggle");
                if (toggle && getComputedStyle(toggle).display !== "none"
                    && toggle.getAttribute("aria-expanded") !== "true") toggle.click();
                const menu = link.closest("[data-menu]");
                const button = menu && menu.querySelector("button[aria-expanded]");
                if (button && button.getAttribute("aria-expanded") !== "true") button.click();
            }""",
        )
        self.click(selector)

    def screenshot(self, **kwargs):
        """Save a screenshot (Playwright's ``page.screenshot``), unless PIIRI_SCREENSHOTS is "off"."""
        if os.environ.get("PIIRI_SCREENSHOTS", "on") == "off":
            return None
        return self.call("screenshot", **kwargs)

    def cookies(self):
        return {cookie["name"]: cookie for cookie in self.call("context.cookies")}

    def alive(self):
        return self._in_step and self._process.poll() is None

    def reset(self):
        """A fresh browser context for the next test (False if this driver cannot give one)."""
        if not self.alive():
            return False
        try:
            self.fresh = self.call("reset") == "reset"
        except BrowserError:
            return False
        return self.fresh

    def close(self):
        try:
            self._process.stdin.write(b'{"call": "quit"}\n')
            self._process.stdin.flush()
            self._process.wait(timeout=10)
        except Exception:
            self._process.kill()
        finally:
            self._log.close()


@pytest.fixture(scope="session")
def _browser_driver():
    """One driver process (one Chromium) for the tests of a run, ``[BrowserPage or None]``: starting
    Chromium takes a second or two, a fresh context for each test (``browser``) a few milliseconds."""
    driver = [None]
    yield driver
    if driver[0] is not None:
        driver[0].close()


@pytest.fixture
def browser(request, _browser_driver):
    """A fresh headless Chromium page for the running ``system`` (skipped if Chromium is absent): a new
    browser context (no cookies, storage or viewport of an earlier test) in the run's Chromium, or a new
    Chromium when the last one stopped or was left waiting for an answer."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver, or make test)")
    system = request.getfixturevalue("system")
    page = _browser_driver[0]
    if page is None or not ((page.fresh and page.alive()) or page.reset()):
        if page is not None:
            page.close()
        page = _browser_driver[0] = BrowserPage(system.base_url)
    page.base_url = system.base_url
    yield page
    if not page.reset():  # now: no page of this test may go on refreshing into the next test's system
        page.close()
        _browser_driver[0] = None
