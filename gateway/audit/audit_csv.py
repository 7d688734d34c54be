"""The audit log as CSV (G2): one row per event, every cell safe to open in a spreadsheet."""

import csv
import io
import json

from piiri.spreadsheet import safe_cell

COLUMNS = (
    "occurred_at",
    "chain_seq",
    "actor_id",
    "actor_username",
    "actor_kind",
    "action",
    "service",
    "subject_type",
    "subject_ids",
    "fields",
    "request_id",
    "event_id",
    "details",
)


def event_row(event):
    actor = event.get("actor") or {}
    return [
        event.get("occurred_at"),
        event.get("chain_seq"),
        actor.get("id"),
        actor.get("username"),
        actor.get("kind"),
        event.get("action"),
        event.get("service"),
        event.get("subject_type"),
        " ".join(event.get("subject_ids") or []),
        " ".join(event.get("fields") or []),
        event.get("request_id"),
        event.get("event_id"),
        json.dumps(event.get("details") or {}, ensure_ascii=False, sort_keys=True),
    ]


def events_csv(pages):
    """The CSV text (header first) of events given as an iterable of lists of events."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for events in pages:
        writer.writerows([safe_cell(value) for value in event_row(event)] for event in events)
    return out.getvalue()
