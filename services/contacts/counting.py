"""Counts of contacts are audited reads (G2; issue 12 item 4): a count is derived from personal data, and
a series of counts with narrowing filters (a name, then birth-date ranges) recovers a person's details.
Every count answered publishes one ``contact.counted`` record (fail-closed, like every read) naming the
query or filters and the number; it names no contact, so its subject ids are empty."""

COUNTED = "contact.counted"


def audit_count(audit, actor, count, details):
    """Publish the record of one answered count (``count``: {"count": n, "exact": bool, ...})."""
    audit.read(
        actor,
        COUNTED,
        "contact",
        [],
        details={**details, "count": count["count"], "exact": count.get("exact", True)},
    )
    return count
