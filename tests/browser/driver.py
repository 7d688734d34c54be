"""Headless Chromium under Playwright, in a plain process that obeys JSON commands on stdin.

The test process is eventlet-monkey-patched (nameko needs it) and Playwright's sync API hangs there,
so the browser lives here instead. Each stdin line is {"call": "goto", "args": [...], "kwargs": {...}};
``call`` names a method or property of the page, dotted for deeper ones ("context.cookies").
Each answer is one stdout line: {"ok": <JSON-able result or null>} or {"error": "..."}.
Run: python driver.py  (no arguments; /usr/bin/chromium, a fresh temporary profile).
"""

import json
import sys
import tempfile

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


def main():
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="piiri-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="fi-FI",  # a Finnish browser: pages follow Accept-Language when no language was chosen
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        print(json.dumps({"ok": "ready"}), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            command = json.loads(line)
            if command.get("call") == "quit":
                break
            print(json.dumps(answer(page, command)), flush=True)
        context.close()


if __name__ == "__main__":
    main()
