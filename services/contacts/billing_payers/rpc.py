"""payer_page (B1), a contacts feature (ContactsCore): one keyset page of the invoice fields of a selection's
contacts, for the billing service (services/billing/contract: PAYER_FIELDS).

Needs invoices.manage. The selection is the export selection (export_rows/selection.py) through the actor's
data scope (C6); each page is one audited read, ``contact.read_for_billing``, naming every contact on it
and the fields read. Ids asked for that are no longer there (erased or deleted) come back in ``missing``.
"""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts.core import ContactsCore
from services.contacts.export_rows import selection as selections
from services.contacts.export_rows import storage
from services.contacts.search import decode_cursor, encode_cursor

INVOICES = "invoices.manage"
MAX_PAGE = 1000
PAYER_FIELDS = (
    "first_name",
    "last_name",
    "organisation_name",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "language",
    "deceased_on",
    "einvoice_address",
    "einvoice_operator",
    "couple",
)


class BillingPayersRpc(ContactsCore):
    """contacts.payer_page: the payers of an invoice run or a single invoice."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def payer_page(self, selection, cursor=None, limit=None):
        """{"items": rows (export row shape, PAYER_FIELDS only, with partner_id), "next_cursor",
        "total" (first page), "missing": ids of an ids selection that are not (or no longer) contacts}."""
        actor = self.context.require(INVOICES)
        chosen = selections.check(selection)
        if limit is None:
            limit = MAX_PAGE
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise ValidationFailed("billing.page_limit_invalid", {"limit": ["billing.page_limit_invalid"]})
        position = decode_cursor(cursor)
        if position is not None and position.get("m") != "k":
            raise ValidationFailed("billing.cursor_invalid", {"cursor": ["billing.cursor_invalid"]})
        session = self.db.session
        condition = selections.scoped_condition(chosen, session, actor)
        total = storage.count(session, condition) if position is None else None
        fields = [name for name in PAYER_FIELDS if name != "couple"]
        items, next_position = storage.page(session, condition, limit, position, fields)
        rows = storage.export_rows(session, actor, items, [], {"couple"})
        partners = _partners(storage.couples_of(session, [item["id"] for item in items]))
        for row in rows:  # the other person of a couple shown (None when the couple is not shown: C6, C14)
            row["partner_id"] = partners.get(row["id"]) if row.get("couple") else None
        session.rollback()
        if rows:
            self.audit.read(
                actor,
                "contact.read_for_billing",
                "contact",
                [row["id"] for row in rows],
                fields=PAYER_FIELDS,
                details={"selection": chosen["kind"]},
            )
        missing = []
        if chosen["kind"] == "ids" and position is None and next_position is None:
            found = {row["id"] for row in rows}
            missing = [str(key) for key in chosen["ids"] if str(key) not in found]
        return {
            "items": rows,
            "total": total,
            "next_cursor": encode_cursor({"m": "k", **next_position}) if next_position else None,
            "missing": missing,
        }


def _partners(couples):
    """{contact id (text): the other member's id (text)} of two-person couples."""
    found = {}
    for owner, (_, members) in couples.items():
        others = [str(member["id"]) for member in members if member["id"] != owner]
        if len(members) == 2 and len(others) == 1:
            found[str(owner)] = others[0]
    return found
