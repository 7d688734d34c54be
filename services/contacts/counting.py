"""Counts of contacts are audited reads (G2; issue 12 item 4): a count is derived from personal data, and
a series of counts with narrowing filters (a name, then birth-date ranges) recovers a person's details.
Every count answered publishes one ``contact.counted`` record (fail-closed, like every read) naming the
query or filters and the number; it names no contact, so its subject ids are empty. Numbers derived from
contacts other than a query's count (a group's member counts, the number of values a custom field has)
leave the same record, naming what was counted (``counted``) and the numbers."""

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


def audit_derived(audit, actor, counted, details):
    """Publish the record of numbers derived from contacts that are not a query's count (``counted``:
    "group_members", "custom_field_values"; ``details``: which groups or fields and the numbers)."""
    audit.read(actor, COUNTED, "contact", [], details={"counted": counted, **details})
