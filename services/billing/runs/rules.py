"""Who an invoice run invoices and who it leaves out, and why (B1): pure, for one page of contacts.

A contact is left out when deceased, without the address the delivery needs (a postal address, an
e-mail for e-mail delivery; e-invoice delivery goes by e-invoice to those with an e-invoice address and
operator, and by post to the others), already invoiced for this fee (by an earlier run or a single
invoice), or, invoicing per couple, when their partner's invoice is the couple's. Ids asked for that
are no longer contacts are "erased". The run and its preview use the same function, so the preview is
what the run does.
"""

from dataclasses import dataclass, field

PREVIEW_LIST_LIMIT = 200  # contacts listed per group in a preview (the counts are always whole)


@dataclass
class Decision:
    payers: list[dict] = field(default_factory=list)
    excluded: list[tuple[dict, str]] = field(default_factory=list)  # (row, reason)


def has_einvoice_address(row):
    """Whether the contact has an e-invoice address and operator (their contact fields, B3)."""
    return bool(row.get("einvoice_address") and row.get("einvoice_operator"))


def delivery_of(row, delivery):
    """How the payer's invoice is delivered: e-invoice delivery goes by e-invoice to a payer who has an
    e-invoice address and operator, and on paper (print) to the others."""
    if delivery == "einvoice" and not has_einvoice_address(row):
        return "print"
    return delivery


def has_address(row, delivery):
    if delivery == "email":
        return bool(row.get("email"))
    if delivery_of(row, delivery) == "einvoice":
        return True
    return bool(row.get("street") and row.get("postal_code") and row.get("city"))


def decide(rows, delivery, per_couple, invoiced, couples_taken):
    """Split a page of payer rows. ``invoiced`` is {contact id: "payer" | "partner"} already invoiced for
    the fee; ``couples_taken`` the couple ids already invoiced in this run or preview (updated here)."""
    decision = Decision()
    for row in rows:
        reason = None
        couple = row.get("couple") if per_couple else None
        if row.get("deceased_on"):
            reason = "deceased"
        elif invoiced.get(row["id"]) == "partner" or (couple and couple["id"] in couples_taken):
            reason = "couple_partner"
        elif row["id"] in invoiced:
            reason = "already_invoiced"
        elif not has_address(row, delivery):
            reason = "no_address"
        if reason:
            decision.excluded.append((row, reason))
            continue
        if couple:
            couples_taken.add(couple["id"])
        decision.payers.append(row)
    return decision


def missing_rows(ids):
    """Rows standing for asked-for ids that are no longer contacts (excluded as erased)."""
    return [{"id": key, "display_name": None} for key in ids]
