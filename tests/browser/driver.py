"""Headless Chromium under Playwright, in a plain process that obeys JSON commands on stdin.

The test process is eventlet-monkey-patched (nameko needs it) and Playwright's sync API hangs there,
so the browser lives here instead. Each stdin line is {"call": "goto", "args": [...], "kwargs": {...}};
``call`` names a method or property of the page, dotted for deeper ones ("context.cookies").
Each answer is one stdout line: {"ok": <JSON-able result or null>} or {"error": "..."}.
``{"call": "reset"}`` closes the page's browser context and opens a fresh one (what a new Chromium
would give, without its start-up of a second or two). Run: python driver.py  (no arguments;
/usr/bin/chromium).
"""

import json
import sys

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 8000


def jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None
    return value


def resolve(page, dotted):
    target = page
    for part in dotted.split("."):
        if part.startswith("_"):
            raise AttributeError(f"private attribute {part}")
        target = getattr(target, part)
    return target


def answer(page, command):
    try:
        target = resolve(page, command["call"])
        result = target(*command.get("args", ()), **command.get("kwargs", {})) if callable(target) else target
        return {"ok": jsonable(result)}
    except Exception as exc:  # reported to the test, which fails with the message
        return {"error": f"{type(exc).__name__}: {exc}"}


def open_page(browser):
    """A page in a fresh context: no cookies, storage or viewport left by an earlier test."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="fi-FI",  # a Finnish browser: pages follow Accept-Language when no language was chosen
    )
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return page


def main():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = open_page(browser)
        print(json.dumps({"ok": "ready"}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            command = json.loads(line)
            if command.get("call") == "quit":
                break
            if command.get("call") == "reset":  # the next test's page: Chromium itself keeps running
                page.context.close()
                page = open_page(browser)
                print(json.dumps({"ok": "reset"}), flush=True)
                continue
            print(json.dumps(answer(page, command)), flush=True)
        browser.close()


if __name__ == "__main__":
    main()
