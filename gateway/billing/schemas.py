"""The OpenAPI schemas of the billing API routes (B1-B4): the shapes their @api_operation declarations
name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject
from services.billing.contract import EInvoiceSending as EInvoiceSending
from services.billing.contract import EInvoiceSendingList as EInvoiceSendingList
from services.billing.contract import EInvoiceTransmission as EInvoiceTransmission
from services.billing.contract import EmailDelivery as EmailDelivery
from services.billing.contract import EmailPreview as EmailPreview
from services.billing.contract import FeeType as FeeType
from services.billing.contract import FeeTypeInput as FeeTypeInput
from services.billing.contract import RunInput as RunInput
from services.billing.contract import SingleInvoiceInput as SingleInvoiceInput
from services.contacts.paid_membership.contract import MembershipFlag as MembershipFlag
from services.contacts.paid_membership.contract import MembershipFlagInput as MembershipFlagInput


class MembershipFlagCleared(Schema):
    cleared = fields.String(metadata={"description": "The kind of the flag removed (free or honorary)."})


class FeeTypeList(Schema):
    items = fields.List(fields.Nested(FeeType))


class VatRate(Schema):
    vat_class = fields.String()
    rate = fields.String(metadata={"description": 'Percent, "25.50".'})
    valid_from = fields.Date()


class VatRateList(Schema):
    items = fields.List(fields.Nested(VatRate))


class InvoiceLine(Schema):
    position = fields.Integer()
    description = fields.String()
    quantity = fields.String()
    unit_price = fields.String()
    vat_class = fields.String()
    vat_rate = fields.String(metadata={"description": "The rate of the invoice's date."})
    account = fields.String()
    net = fields.String()
    vat = fields.String()
    gross = fields.String()


class Invoice(Schema):
    id = fields.UUID()
    number = fields.Integer(metadata={"description": "Sequential without gaps (invoices and credit notes)."})
    kind = fields.String(metadata={"enum": ["invoice", "credit_note"]})
    credited_invoice_id = fields.UUID(allow_none=True)
    status = fields.String(metadata={"enum": ["open", "partly_paid", "paid", "overpaid", "credited"]})
    contact_id = fields.UUID(allow_none=True, metadata={"description": "The payer (null once erased)."})
    partner_id = fields.UUID(
        allow_none=True, metadata={"description": "The other person of a couple's invoice."}
    )
    fee_type_id = fields.UUID(allow_none=True)
    run_id = fields.UUID(allow_none=True)
    payer_name = fields.String()
    street = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    language = fields.String()
    delivery = fields.String()
    invoice_date = fields.Date()
    due_date = fields.Date()
    reference = fields.String(allow_none=True, metadata={"description": "Finnish reference (7-3-1)."})
    rf_reference = fields.String(allow_none=True, metadata={"description": "The same as RF (ISO 11649)."})
    net_total = fields.String()
    vat_total = fields.String()
    total = fields.String()
    paid_amount = fields.String()
    open_amount = fields.String(
        metadata={"description": "total - paid_amount (negative: the payer's credit)."}
    )
    paid_on = fields.Date(allow_none=True)
    erased_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    lines = fields.List(fields.Nested(InvoiceLine))


class InvoiceList(Schema):
    items = fields.List(fields.Nested(Invoice))
    total = fields.Integer()


class InvoicesQuery(Schema):
    status = fields.String(metadata={"enum": ["open", "partly_paid", "paid", "overpaid", "credited"]})
    contact_id = fields.UUID()
    run_id = fields.UUID()
    limit = fields.Integer()
    offset = fields.Integer()


class RunPreview(Schema):
    count = fields.Integer(metadata={"description": "Invoices the run would make."})
    amount_each = fields.String()
    total = fields.String()
    payers = fields.List(fields.Dict(), metadata={"description": "Up to 200: id, name, partner_id."})
    excluded = fields.Dict(
        metadata={
            "description": "reason -> count: deceased, erased, no_address, already_invoiced, couple_partner"
        }
    )
    excluded_contacts = fields.List(fields.Dict(), metadata={"description": "Up to 200: id, name, reason."})


class Run(Schema):
    id = fields.UUID()
    fee_type_id = fields.UUID()
    selection = fields.Dict()
    per_couple = fields.Boolean()
    invoice_date = fields.Date()
    due_date = fields.Date()
    delivery = fields.String()
    actor_username = fields.String()
    status = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    pages_done = fields.Integer()
    invoices_created = fields.Integer()
    total = fields.String()
    excluded = fields.Dict()
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class RunList(Schema):
    items = fields.List(fields.Nested(Run))


class BankFileQuery(Schema):
    filename = fields.String(required=True, metadata={"description": "The file's name (errors name it)."})


class BankFileResult(Schema):
    file_id = fields.UUID()
    format = fields.String(metadata={"enum": ["camt", "ktl"]})
    new = fields.Integer(metadata={"description": "Payments recorded now."})
    duplicate = fields.Integer(metadata={"description": "Payments already recorded (by archive id)."})
    matched = fields.Integer()
    unmatched = fields.Integer()


class Payment(Schema):
    id = fields.UUID()
    archive_id = fields.String()
    booked_on = fields.Date()
    amount = fields.String()
    reference = fields.String(allow_none=True)
    reference_source = fields.String()
    payer_name = fields.String(allow_none=True)
    payer_iban = fields.String(allow_none=True)
    location = fields.String(metadata={"description": "Where in the bank file: line or entry."})
    status = fields.String(metadata={"enum": ["matched", "unmatched"]})
    unmatched_reason = fields.String(allow_none=True)
    invoice_id = fields.UUID(allow_none=True)
    suggestions = fields.List(
        fields.Dict(), metadata={"description": "Unmatched only: invoices it may pay, each with its reasons."}
    )


class PaymentList(Schema):
    items = fields.List(fields.Nested(Payment))


class PaymentsQuery(Schema):
    status = fields.String(metadata={"enum": ["matched", "unmatched"]})
    invoice_id = fields.UUID()


class MatchInput(Schema):
    invoice_id = fields.UUID(metadata={"description": "The invoice (a suggestion's invoice_id), or"})
    invoice_number = fields.String(metadata={"description": "the number printed on the invoice"})


class EmailDeliveryList(Schema):
    items = fields.List(fields.Nested(EmailDelivery), required=True)


class EmailRunResult(Schema):
    queued = fields.Integer(required=True, metadata={"description": "Invoices queued for e-mail now."})
    excluded = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "reason -> count"}
    )


class RunEmailStatus(Schema):
    status = fields.String(metadata={"enum": ["queued", "sent", "bounced", "failed"]})
    at = fields.DateTime(allow_none=True)
    code = fields.String(allow_none=True)


class RunEmailItem(Schema):
    invoice_id = fields.UUID(required=True)
    number = fields.Integer()
    email = fields.Nested(RunEmailStatus, allow_none=True, metadata={"description": "The latest e-mailing."})


class RunEmailStatuses(Schema):
    items = fields.List(fields.Nested(RunEmailItem), required=True)
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "status -> n"}
    )
