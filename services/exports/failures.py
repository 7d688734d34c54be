"""Why an export job failed, as stored in its ``error`` column and shown by the contract: a code with its
params (piiri.errors), never a sentence, so the gateway words it in the user's language.

The column is text: a coded failure is kept as the JSON ``{"code": ..., "params": {...}}`` of the most
specific finding (a field's first finding, e.g. ``value.no_custom_field`` with the field's key, rather than
the call's ``contact.invalid``). An older job's error, stored as a sentence, is shown as it is.
"""

import json

from piiri.errors import is_code

UNEXPECTED = "exp.err.unexpected"


def _first_finding(details):
    for findings in (details or {}).values():
        for finding in findings if isinstance(findings, list) else [findings]:
            if isinstance(finding, dict) and is_code(finding.get("code")):
                return finding["code"], dict(finding.get("params") or {})
            if isinstance(finding, str) and is_code(finding):
                return finding, {}
    return None


def failure_text(exc):
    """The ``error`` column's text for a job that failed with this PiiriError."""
    finding = _first_finding(exc.details)
    if finding is None and not is_code(exc.message):
        return exc.message  # a sentence of a service not yet speaking codes: kept as it is
    code, params = finding or (exc.message, dict(exc.params))
    return json.dumps({"code": code, "params": params}, ensure_ascii=False, default=str)


def unexpected_text():
    """The ``error`` column's text for a failure that is a bug (the worker logs it)."""
    return json.dumps({"code": UNEXPECTED, "params": {}})


def failure_view(text):
    """(code or sentence, params) of a stored ``error`` (None, {} when there is none)."""
    if not text:
        return None, {}
    if text.startswith("{"):
        try:
            stored = json.loads(text)
        except ValueError:
            return text, {}
        if isinstance(stored, dict) and isinstance(stored.get("code"), str):
            return stored["code"], dict(stored.get("params") or {})
    return text, {}
