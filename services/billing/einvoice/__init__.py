"""Sending invoices as Finvoice e-invoices through an e-invoice operator (B3): the operator's HTTP client,
the record of each sending, and the RPCs (rpc.py)."""
