"""Billing payers (B1): contacts.payer_page, the invoicing service's audited read of who a selection
(group with or without subgroups, saved search, search, ids) would invoice, with the address fields an
invoice needs and the couple a person belongs to."""
