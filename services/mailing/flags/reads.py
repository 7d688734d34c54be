"""The audited read of contacts' bounce and unsubscribe flags (M5), as the mailing service's RPCs answer it:
``flags_of`` (flags/rpc.py) and the contact page's ``contact_mailing`` (campaigns/rpc.py)."""

from services.mailing.flags import storage


def read_flags(session, audit, actor, keys):
    """flags_of's answer for the contacts ``keys`` (parsed ids); the read is audited when any has flags
    (flags_of, and the contact page's one call: campaigns/rpc.py contact_mailing)."""
    found = storage.flags_of(session, keys)
    session.rollback()
    if found:
        audit.read(actor, "mailing.flags_read", "contact", list(found), fields=["mailing_flags"])
    return {
        str(key): [
            {"kind": flag["kind"], "since": flag["occurred_at"].isoformat(), "list_id": str(flag["list_id"])}
            for flag in flags
        ]
        for key, flags in found.items()
    }
