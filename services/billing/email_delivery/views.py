"""An e-mail delivery as the contract (EmailDelivery) shows it."""

FIELDS = ("id", "document_kind", "invoice_id", "mail_id", "status", "code", "actor_username", "queued_at",
          "updated_at", "sent_at", "bounced_at", "failed_at")  # fmt: skip


def delivery_view(row):
    view = {}
    for name in FIELDS:
        value = row.get(name)
        view[name] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else value)
    return view


def latest_status(rows):
    """The latest delivery of an invoice as a short view ({status, at, code}), or None."""
    if not rows:
        return None
    row = rows[-1]
    at = row.get(f"{row['status']}_at") if row["status"] != "queued" else row["queued_at"]
    return {"status": row["status"], "at": at.isoformat() if at else None, "code": row["code"]}
