"""A transactional mail as the contract (contract.Mail) shows it, and its status event's payload."""


def _iso(value):
    return value.isoformat() if value is not None else None


def mail_view(row):
    return {
        "id": str(row["id"]),
        "key": row["key"],
        "to": row["recipient"],
        "contact_id": str(row["contact_id"]) if row["contact_id"] else None,
        "subject": row["subject"],
        "status": row["status"],
        "attempts": row["attempts"],
        "code": row["code"],
        "detail": row["detail"],
        "reference": (
            {"kind": row["reference_kind"], "id": row["reference_id"]} if row["reference_kind"] else None
        ),
        "message_id": row["message_id"],
        "queued_at": _iso(row["queued_at"]),
        "next_attempt_at": _iso(row["next_attempt_at"]) if row["status"] == "queued" else None,
        "sent_at": _iso(row["sent_at"]),
        "bounced_at": _iso(row["bounced_at"]),
        "failed_at": _iso(row["failed_at"]),
    }


def event_payload(row):
    at = {"sent": row["sent_at"], "bounced": row["bounced_at"], "failed": row["failed_at"]}[row["status"]]
    return {
        "mail_id": str(row["id"]),
        "key": row["key"],
        "status": row["status"],
        "reference": (
            {"kind": row["reference_kind"], "id": row["reference_id"]} if row["reference_kind"] else None
        ),
        "contact_id": str(row["contact_id"]) if row["contact_id"] else None,
        "code": row["code"],
        "at": _iso(at),
    }
