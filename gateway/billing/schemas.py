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
from services.billing.contract import FeeTypeComponentsInput as FeeTypeComponentsInput
from services.billing.contract import FeeTypeInput as FeeTypeInput
from services.billing.contract import Party as Party
from services.billing.contract import PartyInput as PartyInput
from services.billing.contract import ReferenceRateInput as ReferenceRateInput
from services.billing.contract import ReminderRunInput as ReminderRunInput
from services.billing.contract import RunInput as RunInput
from services.billing.contract import SingleInvoiceInput as SingleInvoiceInput
from services.contacts.paid_membership.contract import MembershipFlag as MembershipFlag
from services.contacts.paid_membership.contract import MembershipFlagInput as MembershipFlagInput


class MembershipFlagCleared(Schema):
    cleared = fields.String(metadata={"description": "The kind of the flag removed (free or honorary)."})


class PartyList(Schema):
    items = fields.List(fields.Nested(Party))


class SettlementQuery(Schema):
    period = fields.String(
        required=True, metadata={"description": 'A year "2027", a quarter "2027-Q1" or a month "2027-03".'}
    )


class SettlementFileQuery(SettlementQuery):
    format = fields.String(load_default="xlsx", metadata={"enum": ["xlsx", "csv"]})
    language = fields.String(load_default="fi", metadata={"enum": ["fi", "sv", "en"]})


class SettlementRow(Schema):
    party_id = fields.String(allow_none=True, metadata={"description": "Null on the payee's own row."})
    name = fields.String(allow_none=True)
    business_id = fields.String(allow_none=True)
    iban = fields.String(allow_none=True)
    active = fields.Boolean()
    invoiced = fields.String(metadata={"description": "Its part of the invoices dated in the period."})
    credited = fields.String(metadata={"description": "Its part of the credit notes dated in the period."})
    paid = fields.String(
        metadata={"description": "Its part of the payments dated in the period (docs/billing.md)."}
    )
    owed = fields.String(metadata={"description": "What the payee owes it for the period (its paid part)."})


class SettlementReport(Schema):
    period = fields.String()
    kind = fields.String(metadata={"enum": ["year", "quarter", "month"]})
    start = fields.Date()
    end = fields.Date(metadata={"description": "The first day after the period."})
    parties = fields.List(fields.Nested(SettlementRow))
    own = fields.Nested(SettlementRow, metadata={"description": "The payee's own part (unsplit lines)."})
    totals = fields.Dict(keys=fields.String(), values=fields.String())
    overpaid = fields.String(metadata={"description": "Payments over invoices' totals: the payers' credit."})


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
    einvoice_address = fields.String(
        allow_none=True, metadata={"description": "An e-invoice's address (the payer's at issue; B3)."}
    )
    einvoice_operator = fields.String(allow_none=True)
    invoice_date = fields.Date()
    due_date = fields.Date()
    reference = fields.String(allow_none=True, metadata={"description": "Finnish reference (7-3-1)."})
    rf_reference = fields.String(allow_none=True, metadata={"description": "The same as RF (ISO 11649)."})
    net_total = fields.String()
    vat_total = fields.String()
    total = fields.String()
    paid_amount = fields.String()
    open_amount = fields.String(
        metadata={
            "description": "total + reminder_fees + reminder_interest - paid_amount "
            "(negative: the payer's credit)."
        }
    )
    paid_on = fields.Date(allow_none=True)
    erased_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    payer_kind = fields.String(
        metadata={"enum": ["person", "organisation"], "description": "B4: consumer or business receivable."}
    )
    reminder_fees = fields.String(metadata={"description": "B4: the fees its reminders charged."})
    reminder_interest = fields.String(metadata={"description": "B4: the late-payment interest charged."})
    on_hold = fields.Boolean(metadata={"description": "B4: held out of reminders and collection."})
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
    payers = fields.List(
        fields.Dict(), metadata={"description": "Up to 200: id, name, partner_id, delivery (how it goes)."}
    )
    deliveries = fields.Dict(
        metadata={
            "description": "delivery -> count: an e-invoice run sends e-invoices to the payers with an "
            "e-invoice address and operator (einvoice) and paper invoices to the others (print)"
        }
    )
    excluded = fields.Dict(
        metadata={
            "description": "reason -> count: deceased, erased, no_address, already_invoiced, couple_partner"
        }
    )
    excluded_contacts = fields.List(fields.Dict(), metadata={"description": "Up to 200: id, name, reason."})


class RunPdfs(Schema):
    """B2: the run's stored PDFs (made by the billing workers in batches after each page of invoices)."""

    total = fields.Integer(metadata={"description": "PDFs the run queued (one per invoice)."})
    done = fields.Integer(metadata={"description": "Stored so far."})
    failed = fields.Integer(metadata={"description": "Could not be made: the PDF is made on demand."})


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
    pdfs = fields.Nested(RunPdfs, allow_none=True, metadata={"description": "Only on one run (GET)."})


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


class ReminderLevels(Schema):
    levels = fields.List(
        fields.Integer(),
        metadata={"description": "Days after the due date (1st), then after the previous reminder (next)."},
    )
    fee_consumer = fields.String(
        metadata={"description": "Fee per reminder of a person's invoice (<= 5.00)."}
    )
    fee_business = fields.String(metadata={"description": "Fee per reminder of an organisation's invoice."})
    business_compensation = fields.Boolean(
        metadata={
            "description": "40 € compensation on a business receivable's first reminder instead of fees."
        }
    )
    business_commercial = fields.Boolean(
        metadata={
            "description": "Organisations' invoices are commercial payments (30/2013): interest + 8 points."
        }
    )
    interest = fields.Boolean(metadata={"description": "Late-payment interest is charged."})
    payment_days = fields.Integer(
        metadata={"description": "Days a reminder gives to pay (its new due date)."}
    )
    collection_days = fields.Integer(
        metadata={
            "description": "Days after the last reminder's due date before the invoice is for collection."
        }
    )


class ReferenceRate(Schema):
    valid_from = fields.Date(metadata={"description": "1 January or 1 July: the half-year's first day."})
    rate = fields.String(metadata={"description": 'The reference rate, percent a year, "2.50".'})
    builtin = fields.Boolean()


class ReminderSettings(ReminderLevels):
    rates = fields.List(fields.Nested(ReferenceRate))


class PlannedReminder(Schema):
    invoice_id = fields.UUID()
    number = fields.Integer()
    contact_id = fields.UUID(allow_none=True)
    payer_name = fields.String()
    receivable = fields.String(metadata={"enum": ["consumer", "business"]})
    due_date = fields.Date()
    days_overdue = fields.Integer()
    level = fields.Integer()
    principal_open = fields.String()
    fee = fields.String()
    interest = fields.String()
    interest_rate = fields.String(allow_none=True, metadata={"description": 'Percent a year: "9.50".'})
    total = fields.String(metadata={"description": "Open principal + unpaid fees and interest."})
    new_due_date = fields.Date()


class ExcludedInvoice(Schema):
    invoice_id = fields.UUID()
    number = fields.Integer()
    contact_id = fields.UUID(allow_none=True)
    payer_name = fields.String()
    due_date = fields.Date()
    reason = fields.String(
        metadata={
            "enum": [
                "paid",
                "credited",
                "erased",
                "deceased",
                "on_hold",
                "not_yet_overdue",
                "interval_not_passed",
                "last_level_sent",
            ]
        }
    )


class ReminderPreview(Schema):
    reminder_date = fields.Date()
    count = fields.Integer()
    fees = fields.String()
    interest = fields.String()
    total = fields.String()
    items = fields.List(fields.Nested(PlannedReminder), metadata={"description": "At most 200."})
    excluded = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "reason: count"}
    )
    excluded_invoices = fields.List(fields.Nested(ExcludedInvoice), metadata={"description": "At most 200."})
    levels = fields.Nested(ReminderLevels)


class ReminderRun(Schema):
    id = fields.UUID()
    reminder_date = fields.Date()
    actor_username = fields.String()
    status = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    reminders_created = fields.Integer()
    total = fields.String()
    excluded = fields.Dict(keys=fields.String(), values=fields.Integer())
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ReminderRunEinvoices(Schema):
    sent = fields.Integer(metadata={"description": "Taken by the e-invoice operator."})
    waiting = fields.Integer(metadata={"description": "Not offered to the operator yet."})
    retrying = fields.Integer(metadata={"description": "The operator was away: tried again later."})
    failed = fields.Integer(
        metadata={"description": "Refused by the operator, or given up after the last try."}
    )
    next_attempt_at = fields.DateTime(
        allow_none=True, metadata={"description": "The earliest next try of the retrying ones."}
    )


class ReminderRunDetail(ReminderRun):
    einvoices = fields.Nested(
        ReminderRunEinvoices,
        allow_none=True,
        metadata={"description": "B4: where the run's reminder e-invoices stand; null: it made none."},
    )


class ReminderRunList(Schema):
    items = fields.List(fields.Nested(ReminderRun))


class ReminderEmailStatus(Schema):
    status = fields.String(metadata={"enum": ["queued", "sent", "bounced", "failed"]})
    at = fields.DateTime(
        allow_none=True, metadata={"description": "When it was queued, sent, bounced or failed."}
    )
    code = fields.String(allow_none=True, metadata={"description": "Why it bounced or failed (a code)."})


class Reminder(Schema):
    id = fields.UUID()
    invoice_id = fields.UUID()
    invoice_number = fields.Integer()
    payer_name = fields.String()
    contact_id = fields.UUID(allow_none=True)
    run_id = fields.UUID(allow_none=True)
    level = fields.Integer()
    reminder_date = fields.Date()
    due_date = fields.Date(metadata={"description": "The new due date the reminder gives."})
    days_overdue = fields.Integer()
    receivable = fields.String(metadata={"enum": ["consumer", "business"]})
    principal_open = fields.String()
    fee = fields.String()
    interest = fields.String()
    interest_from = fields.Date(allow_none=True)
    interest_to = fields.Date(allow_none=True)
    interest_rate = fields.String(allow_none=True)
    total = fields.String()
    delivery = fields.String(metadata={"enum": ["print", "email", "einvoice"]})
    delivery_status = fields.String(metadata={"enum": ["pending", "ready", "sent", "failed"]})
    delivery_detail = fields.String(
        allow_none=True,
        metadata={
            "description": "The operator's message id (einvoice), the e-mail delivery's id (email), or why"
            " e-mail fell back to print (billing.email_no_email, _invalid_email, _bounced, _erased)."
        },
    )
    delivered_at = fields.DateTime(allow_none=True)
    delivery_attempts = fields.Integer(
        metadata={"description": "B4: how many times its e-invoice was offered to the operator in vain."}
    )
    next_attempt_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "B4: when its failed e-invoice is tried again (the operator was away); null: "
            "no retry (delivered, refused by the operator, or given up after the last try)."
        },
    )
    created_at = fields.DateTime()
    email = fields.Nested(
        ReminderEmailStatus, allow_none=True, metadata={"description": "B4: the reminder mail's status."}
    )


class ReminderList(Schema):
    items = fields.List(fields.Nested(Reminder))
    on_hold = fields.Boolean()


class HoldInput(Schema):
    on_hold = fields.Boolean(required=True)


class Hold(Schema):
    invoice_id = fields.UUID()
    on_hold = fields.Boolean()


class CollectionItem(Schema):
    invoice_id = fields.UUID()
    contact_id = fields.UUID(allow_none=True)
    invoice_number = fields.Integer()
    payer_name = fields.String()
    payer_kind = fields.String()
    street = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    invoice_date = fields.Date()
    due_date = fields.Date()
    reference = fields.String()
    total = fields.String()
    paid_amount = fields.String()
    principal_open = fields.String()
    fees_open = fields.String()
    interest_open = fields.String()
    amount_owed = fields.String()
    last_level = fields.Integer()
    last_reminder_date = fields.Date()
    last_reminder_due_date = fields.Date()


class CollectionList(Schema):
    items = fields.List(fields.Nested(CollectionItem))
    total = fields.Integer()


class CollectionQuery(Schema):
    limit = fields.Integer(load_default=100)
    offset = fields.Integer(load_default=0)


class CollectionExportQuery(Schema):
    format = fields.String(load_default="csv", metadata={"enum": ["csv", "xlsx"]})


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


class RetentionStatus(Schema):
    years = fields.Integer(metadata={"description": "Years kept after the end of the period's year (>= 6)."})
    financial_year_end = fields.String(metadata={"description": 'The financial year\'s last day, "12-31".'})
    cutoff = fields.Date(metadata={"description": "Records dated on or before this day may be deleted."})
    invoices = fields.Integer(metadata={"description": "Invoices and credit notes past retention."})
    unmatched_payments = fields.Integer(metadata={"description": "Unmatched payments past retention."})


class CreditNoteRef(Schema):
    id = fields.UUID()
    number = fields.Integer()
    invoice_date = fields.Date()


class EInvoiceDefaults(Schema):
    to_identifier = fields.String()
    to_intermediator = fields.String()
    source = fields.String(allow_none=True, metadata={"enum": ["invoice", "contact", None]})


class InvoicePage(Schema):
    """Everything the invoice page shows, in one audited read (B1-B4)."""

    invoice = fields.Nested(Invoice)
    payments = fields.List(fields.Nested(Payment))
    sendings = fields.List(fields.Nested(EInvoiceSending))
    reminders = fields.List(fields.Nested(Reminder))
    on_hold = fields.Boolean()
    emails = fields.List(fields.Nested(EmailDelivery))
    credit_notes = fields.List(fields.Nested(CreditNoteRef), metadata={"description": "What cancels it."})
    sending_refused = fields.String(
        allow_none=True,
        metadata={
            "description": "Why it is sent neither by e-mail nor as an e-invoice (billing.einvoice_credited, "
            "billing.einvoice_credit_note), or null."
        },
    )
    einvoice_defaults = fields.Nested(
        EInvoiceDefaults,
        allow_none=True,
        metadata={"description": "Where its e-invoice would go, when it may be e-invoiced and is not yet."},
    )
