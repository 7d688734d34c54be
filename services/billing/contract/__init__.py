"""The billing service's published contract (version 1): what other code may import (issue 11).

Constants, the shapes of its RPC inputs and results, and its events (``billing.events``). No I/O.
Error codes are ``billing.<what>`` (the gateway translates them); the RPCs are listed in
services/billing/service.py.
"""

from marshmallow import Schema, fields, validate

SERVICE = "billing"
EXCHANGE = "billing.events"
PERMISSION = "invoices.manage"  # every billing RPC; invoices and payments hold personal data
# The durable queue of invoice runs the billing workers consume (the gateway's health counts consumers).
RUN_QUEUE_NAME = "piiri.billing.runs"
REMINDER_RUN_QUEUE_NAME = "piiri.billing.reminder_runs"  # B4 reminder runs, taken by the same workers
# B2: "make the pending PDFs of this invoice run": every billing worker takes these, so workers share a run.
PDF_QUEUE_NAME = "piiri.billing.run_pdfs"
LANGUAGES = ("fi", "sv", "en")
VAT_CLASSES = ("general", "reduced_food", "reduced_culture", "reduced_press", "none")
INVOICE_STATUSES = ("open", "partly_paid", "paid", "overpaid", "credited")
DELIVERIES = ("print", "email", "einvoice")
RUN_STATUSES = ("queued", "running", "done", "failed")
PAYMENT_STATUSES = ("matched", "unmatched")
# Why a preview leaves a contact out of a run.
EXCLUSION_REASONS = ("deceased", "erased", "no_address", "already_invoiced", "couple_partner")
# Why a reminder run leaves an overdue invoice out (B4).
REMINDER_EXCLUSION_REASONS = (
    "paid",
    "credited",
    "erased",
    "deceased",
    "on_hold",
    "not_yet_overdue",
    "interval_not_passed",
    "last_level_sent",
)
RECEIVABLES = ("consumer", "business")
REMINDER_DELIVERY_STATUSES = ("pending", "ready", "sent", "failed")
SELECTION_KINDS = ("group", "saved_search", "search", "ids")
# A membership period a fee type pays: a year ("2027") or a season ("2026-2027"), digits and dashes.
MEMBERSHIP_PERIOD = r"^[0-9]{4}(-[0-9]{2,4})?$"


class FeeTypeComponent(Schema):
    party_id = fields.UUID()
    party_name = fields.String()
    amount = fields.String()


class FeeTypeInput(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount = fields.String(required=True, metadata={"description": 'Euros with at most 2 decimals, "50.00".'})
    vat_class = fields.String(load_default="none", validate=validate.OneOf(VAT_CLASSES))
    account = fields.String(
        load_default="", validate=validate.Length(max=20), metadata={"description": "Bookkeeping account."}
    )
    membership_period = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(MEMBERSHIP_PERIOD, error="billing.membership_period_invalid"),
        metadata={"description": 'The membership period a paid invoice of this fee pays ("2027"), or null.'},
    )
    components = fields.List(
        fields.Raw(),
        load_default=list,
        metadata={
            "description": 'The federation split: [{"party_id", "amount"}], each an active settlement '
            "party once; the amounts sum exactly to the fee's amount. Empty: no split."
        },
    )


class FeeTypeComponentsInput(Schema):
    """A fee type's federation split replaced (B1): who each part belongs to and how much."""

    components = fields.List(
        fields.Raw(),
        required=True,
        metadata={
            "description": 'The federation split: [{"party_id", "amount"}], each an active settlement '
            "party once; the amounts sum exactly to the fee's amount. Empty: no split. Invoices issued "
            "before keep the split they were issued with."
        },
    )


class FeeType(Schema):
    id = fields.UUID(required=True)
    name = fields.String()
    amount = fields.String(metadata={"description": 'Net amount, "50.00".'})
    vat_class = fields.String()
    account = fields.String()
    membership_period = fields.String(allow_none=True)
    components = fields.List(fields.Nested(FeeTypeComponent))
    active = fields.Boolean()
    created_at = fields.DateTime()


class PartyInput(Schema):
    """A settlement party (B1 federation split): an organisation a fee is shared with."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    business_id = fields.String(
        required=True, metadata={"description": 'The Finnish business id (Y-tunnus), "0201256-6".'}
    )
    iban = fields.String(
        load_default=None, allow_none=True, metadata={"description": "Where its share is paid."}
    )


class Party(Schema):
    id = fields.UUID()
    name = fields.String()
    business_id = fields.String()
    iban = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()


class InvoiceLineInput(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = fields.String(load_default="1")
    unit_price = fields.String(required=True, metadata={"description": "Net unit price, at most 2 decimals."})
    vat_class = fields.String(load_default="none", validate=validate.OneOf(VAT_CLASSES))
    account = fields.String(load_default="", validate=validate.Length(max=20))


class SingleInvoiceInput(Schema):
    contact_id = fields.UUID(required=True)
    fee_type_id = fields.UUID(load_default=None, allow_none=True)
    lines = fields.List(fields.Nested(InvoiceLineInput), load_default=list)
    invoice_date = fields.Date(load_default=None, allow_none=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    delivery = fields.String(load_default="print", validate=validate.OneOf(DELIVERIES))


class RunInput(Schema):
    fee_type_id = fields.UUID(required=True)
    selection = fields.Dict(
        required=True,
        metadata={
            "description": '{"kind": "group", "id", "include_subgroups"} | {"kind": "saved_search", "id"} '
            '| {"kind": "search", "query"} | {"kind": "ids", "ids": [...]}'
        },
    )
    per_couple = fields.Boolean(load_default=False, metadata={"description": "One invoice per couple."})
    invoice_date = fields.Date(load_default=None, allow_none=True)
    due_date = fields.Date(load_default=None, allow_none=True)
    delivery = fields.String(load_default="print", validate=validate.OneOf(DELIVERIES))


class ReminderRunInput(Schema):
    """A reminder run (B4): on which day (default today; never in the future)."""

    reminder_date = fields.Date(load_default=None, allow_none=True)


class ReferenceRateInput(Schema):
    """A half-year's reference rate (Korkolaki 12 §) as Suomen Pankki announced it."""

    valid_from = fields.Date(required=True, metadata={"description": "1 January or 1 July."})
    rate = fields.String(required=True, metadata={"description": 'Percent a year, "2.50".'})


class EInvoiceTransmission(Schema):
    """Where an e-invoice goes (B3): the receiver's e-invoice address and operator."""

    to_identifier = fields.String(
        required=True,
        metadata={
            "description": "The receiver's e-invoice address: an OVT code (0037 + business id) or IBAN."
        },
    )
    to_intermediator = fields.String(
        required=True, metadata={"description": "The receiver's operator: its BIC or OVT code."}
    )


class EInvoiceSending(Schema):
    """One sending of an invoice as a Finvoice e-invoice, and what the operator did with it."""

    id = fields.UUID()
    invoice_id = fields.UUID()
    message_id = fields.String(allow_none=True, metadata={"description": "The operator's id of the message."})
    status = fields.String(
        metadata={"description": "accepted (taken by the operator), delivered, or rejected (see reason)."}
    )
    reason = fields.String(
        allow_none=True, metadata={"description": "The operator's reason for a rejection."}
    )
    to_identifier = fields.String(
        allow_none=True, metadata={"description": "Null once the payer was erased."}
    )
    to_intermediator = fields.String()
    actor_username = fields.String()
    sent_at = fields.DateTime()
    updated_at = fields.DateTime()


class EInvoiceSendingList(Schema):
    items = fields.List(fields.Nested(EInvoiceSending))


class InvoicePaidEvent(Schema):
    """invoice_paid: payments on an invoice reached its total (it is paid, or overpaid)."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    invoice_id = fields.UUID(required=True)
    invoice_number = fields.Integer(required=True)
    contact_id = fields.UUID(allow_none=True, metadata={"description": "The payer (null once erased)."})
    fee_type_id = fields.UUID(allow_none=True)
    total = fields.String(required=True)
    paid_amount = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "paid or overpaid"})
    paid_on = fields.Date(allow_none=True)
    membership_period = fields.String(
        allow_none=True,
        metadata={"description": "The membership period the invoice's fee type pays (null: none)."},
    )
    member_ids = fields.List(
        fields.UUID(),
        metadata={
            "description": "Whose membership the invoice pays: the payer and, on a couple's invoice, "
            "the partner (empty once erased)."
        },
    )


class InvoiceCreditedEvent(Schema):
    """invoice_credited: an invoice was cancelled by a credit note; what it paid is withdrawn."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    invoice_id = fields.UUID(required=True)
    invoice_number = fields.Integer(required=True)
    credit_note_number = fields.Integer(required=True)
    contact_id = fields.UUID(allow_none=True, metadata={"description": "The payer (null once erased)."})
    fee_type_id = fields.UUID(allow_none=True)
    was_paid = fields.Boolean(
        required=True, metadata={"description": "The invoice had been paid (invoice_paid was sent)."}
    )
    membership_period = fields.String(allow_none=True)
    member_ids = fields.List(fields.UUID())


class PaymentUnmatchedEvent(Schema):
    """payment_unmatched: a payment from a bank file matched no invoice (it waits for manual matching)."""

    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    payment_id = fields.UUID(required=True)
    amount = fields.String(required=True)
    booked_on = fields.Date(required=True)
    reason = fields.String(
        required=True, metadata={"description": "no_reference, unknown_reference, credited"}
    )


# B3: invoices (and other documents) sent by e-mail through the mailing service's SMTP path.
EMAIL_STATUSES = ("queued", "sent", "bounced", "failed")
# Why "send by e-mail" of a run leaves an invoice out.
EMAIL_EXCLUSION_REASONS = (
    "credited",
    "erased",
    "einvoice",
    "paper",
    "no_email",
    "invalid_email",
    "bounced",
    "already_sent",
)
EMAIL_DOCUMENTS = ("invoice", "reminder")  # what mail_document renders (B3 invoices, B4 reminders)


class EmailDelivery(Schema):
    """One e-mailing of an invoice or of one of its reminders (document_kind): queued (waiting for the
    mailing service or its SMTP server), sent, bounced (refused at once or by a later notice) or failed
    (given up), with the time of each."""

    id = fields.UUID(required=True)
    document_kind = fields.String(metadata={"enum": list(EMAIL_DOCUMENTS)})
    invoice_id = fields.UUID(allow_none=True)
    mail_id = fields.UUID(allow_none=True, metadata={"description": "The mailing service's mail."})
    status = fields.String(metadata={"enum": list(EMAIL_STATUSES)})
    code = fields.String(allow_none=True, metadata={"description": "Why it bounced or failed (a code)."})
    actor_username = fields.String()
    queued_at = fields.DateTime()
    updated_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    bounced_at = fields.DateTime(allow_none=True)
    failed_at = fields.DateTime(allow_none=True)


class EmailPreviewInvoice(Schema):
    id = fields.UUID(required=True)
    number = fields.Integer()
    payer_name = fields.String()


class EmailPreview(Schema):
    """Who a run's "send by e-mail" mails and who it leaves out, per reason (at most 200 listed each)."""

    run_id = fields.UUID(required=True)
    to_send = fields.Integer(required=True)
    invoices = fields.List(fields.Nested(EmailPreviewInvoice))
    excluded = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "reason -> count"}
    )
    excluded_invoices = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(EmailPreviewInvoice))
    )
