"""An e-invoice sending as the contract (EInvoiceSending) and the access report show it."""

VIEW_FIELDS = ("id", "invoice_id", "message_id", "status", "reason", "to_identifier", "to_intermediator",
               "actor_username", "sent_at", "updated_at")  # fmt: skip


def sending_view(row):
    view = {name: row.get(name) for name in VIEW_FIELDS}
    for name in ("id", "invoice_id"):
        view[name] = str(view[name])
    for name in ("sent_at", "updated_at"):
        view[name] = view[name].isoformat() if view[name] else None
    return view
