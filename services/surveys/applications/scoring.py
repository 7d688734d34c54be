"""A reviewer's scores (Q3), with no I/O: checking them against the round's rubric, and what a reviewer may
see of an application (only the fields the round releases; the applicant's name only when not blind)."""

import math

from piiri.errors import coded

MAX_COMMENT = 5000


def score_errors(criteria, scores, complete):
    """{"scores.<n>": [codes]} of ``scores`` ({criterion id: {"score", "comment"}}) against ``criteria``;
    ``complete``: every criterion must have a score (a submission; a draft may leave some out)."""
    errors = {}
    known = {str(item["id"]): item for item in criteria}
    for key in sorted(set(scores) - set(known)):
        errors[f"scores.{key}"] = ["applications.criterion_unknown"]
    for number, item in enumerate(criteria, start=1):
        given = scores.get(str(item["id"]))
        if given is None or given.get("score") in (None, ""):
            if complete:
                errors[f"scores.{number}"] = ["applications.score_missing"]
            continue
        value = given.get("score")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            errors[f"scores.{number}"] = ["applications.value_not_number"]
        elif not 0 <= value <= item["max_score"]:
            errors[f"scores.{number}"] = [coded("applications.score_out_of_range", max=item["max_score"])]
        elif len(str(given.get("comment") or "")) > MAX_COMMENT:
            errors[f"scores.{number}"] = [coded("applications.comment_too_long", max=MAX_COMMENT)]
    return errors


def released_view(round_, application, files):
    """What a reviewer sees of an application: its id, the released texts (and title, attachments'
    names if released), the language; never the applicant, the source or who entered it."""
    released = set(round_["released_fields"])
    return {
        "id": str(application["id"]),
        "round_id": str(round_["id"]),
        "round_name": round_["name"],
        "title": application["title"] if "title" in released else None,
        "texts": {key: text for key, text in (application["texts"] or {}).items() if key in released},
        "labels": {item["key"]: item["label"] for item in round_["form_fields"] if item["key"] in released},
        "attachments": [
            {"id": str(item["id"]), "filename": item["filename"], "content_type": item["content_type"],
             "size": item["size"]}
            for item in files
        ] if "attachments" in released else [],
        "language": application["language"],
        # Only when the round is not blind: who applied (their name as entered, nothing else of them).
        "applicant_name": None if round_.get("blind", True) else application.get("applicant_name"),
    }  # fmt: skip


def released_fields_read(round_, application):
    """The field names a reviewer's read of ``application`` shows (for its audit record)."""
    released = set(round_["released_fields"])
    shown = [key for key in (application["texts"] or {}) if key in released]
    return sorted([*shown, *(name for name in ("title", "attachments") if name in released)])
