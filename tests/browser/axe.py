"""axe-core in the browser tests (issue 13 item 10): inject it into the current page and list its serious and
critical findings against WCAG 2.0 and 2.1, levels A and AA, any finding of its page-structure rules
(headings in order, landmarks, headers of table columns) whatever its impact, and ids used twice.

axe-core comes from npm, pinned in scripts/setup.sh (``--browser``, which ``make test`` runs) and unpacked
to build/axe-core/axe.min.js. It is evaluated through the DevTools protocol, which the pages' Content
Security Policy (script-src 'self') does not stop.
"""

from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "build" / "axe-core" / "axe.min.js"
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")
# axe's best-practice rules of a page's structure: moderate or minor for axe, but a screen reader user
# finds the way by headings and landmarks.
STRUCTURE = (
    "heading-order", "empty-heading", "page-has-heading-one", "landmark-one-main", "landmark-unique",
    "landmark-no-duplicate-main", "landmark-no-duplicate-banner", "landmark-main-is-top-level",
    "landmark-banner-is-top-level", "region", "empty-table-header", "skip-link",
)  # fmt: skip

RUN = """async ([tags, blocking, structure]) => {
    const rules = Object.fromEntries(structure.map(rule => [rule, {enabled: true}]));
    const options = {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]};
    const results = await axe.run(document, options);
    return results.violations.filter(v => blocking.includes(v.impact) || structure.includes(v.id)).map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html.slice(0, 160),
                                  summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim()})),
    }));
}"""

# Ids used twice: axe-core no longer checks them (WCAG 2.2 retired 4.1.1), but a label's for= or an
# aria-controls then points at the wrong element. Reported as axe reports its findings.
DUPLICATE_IDS = """() => {
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, [...(seen.get(el.id) || []), el]);
    const twice = [...seen.values()].filter(elements => elements.length > 1);
    return twice.length ? [{id: "duplicate-id", impact: "serious", help: "ids must be unique",
        helpUrl: "https://html.spec.whatwg.org/multipage/dom.html#the-id-attribute",
        nodes: twice.flat().map(el => ({target: "#" + el.id, html: el.outerHTML.slice(0, 160), summary: ""})),
    }] : [];
}"""


def _source():
    if not AXE_SCRIPT.exists():
        pytest.skip(f"{AXE_SCRIPT} is missing: run scripts/setup.sh --browser (make test runs it)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def violations(browser):
    """The serious and critical WCAG 2.0/2.1 A and AA violations, those of the structure rules and ids
    used twice, on the page the browser shows now."""
    if not browser.evaluate("() => typeof window.axe === 'object'"):
        browser.evaluate(_source())
    return browser.evaluate(RUN, [list(WCAG_AA), list(BLOCKING), list(STRUCTURE)]) + browser.evaluate(
        DUPLICATE_IDS
    )


def report(found):
    """A readable account of ``violations()``: rule, impact, what to do and where, one element a line."""
    lines = []
    for violation in found:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}  {node['html']}")
            if node["summary"]:
                lines.append(f"        {node['summary'][:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(browser, where=""):
    """Fail with the report when axe finds a serious or critical violation on the current page."""
    found = violations(browser)
    assert not found, f"axe-core on {where or browser.path}:\n{report(found)}"
