"""Invoices (B1, B2, B3), a billing feature (BillingCore): a single invoice with free lines (or a fee type's
line), reading invoices (audited: they hold the payer's name and address), the PDF and the Finvoice
XML (audited), and credit notes that cancel an invoice without deleting it."""

import base64

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.billing import input_codes
from services.billing.contract import INVOICE_STATUSES, PERMISSION, SingleInvoiceInput
from services.billing.core import BillingCore
from services.billing.einvoice import message
from services.billing.fee_types import storage as fee_storage
from services.billing.invoice_pdfs import making
from services.billing.invoices import issuing, membership, rules, storage
from services.billing.invoices.views import PERSONAL_FIELDS, invoice_view, subjects
from services.billing.runs.rules import has_address
from services.billing.settlement.rules import with_fee_split


def load_single(data):
    if not isinstance(data, dict):
        raise ValidationFailed("billing.invoice_invalid", {"_schema": ["billing.not_an_object"]})
    try:
        return SingleInvoiceInput().load(data)
    except ValidationError as exc:
        raise ValidationFailed("billing.invoice_invalid", input_codes.coded(exc, data)) from None


class InvoicesRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_invoice(self, data):
        """One invoice to a person or organisation: ``lines`` (free lines) and/or a fee type's line."""
        actor = self.context.require(PERMISSION)
        values = load_single(data)
        invoice_date = values["invoice_date"] or clock.today()
        session = self.db.session
        fee_type = (
            fee_storage.active_fee_type(session, values["fee_type_id"]) if values["fee_type_id"] else None
        )
        given = list(values["lines"])
        if fee_type:
            given.insert(
                0,
                {
                    "description": fee_type["name"],
                    "quantity": "1",
                    "unit_price": str(fee_type["amount"]),
                    "vat_class": fee_type["vat_class"],
                    "account": fee_type["account"],
                },
            )
        try:
            lines = with_fee_split(rules.priced_lines(given, storage.rates(session), invoice_date), fee_type)
        except rules.BadInvoice as exc:
            session.rollback()
            raise ValidationFailed("billing.invoice_invalid", {exc.field: [exc.code]}) from None
        session.rollback()
        page = self._payer_page({"kind": "ids", "ids": [str(values["contact_id"])]})
        if not page["items"]:
            raise NotFound("billing.contact_not_found", {"contact_id": str(values["contact_id"])})
        row = page["items"][0]
        if row.get("deceased_on"):
            raise Conflict("billing.payer_deceased", {"contact_id": row["id"]})
        if not has_address(row, values["delivery"]):
            raise ValidationFailed("billing.invoice_invalid", {"contact_id": ["billing.payer_no_address"]})
        with self.db.transaction() as session:
            if fee_type and storage.invoiced_for_fee(session, fee_type["id"], [row["id"]]):
                raise Conflict(
                    "billing.already_invoiced", {"contact_id": row["id"], "fee_type_id": str(fee_type["id"])}
                )
            invoice = issuing.issue(
                session,
                self.settings,
                row,
                lines,
                fee_type_id=fee_type["id"] if fee_type else None,
                invoice_date=invoice_date,
                due_date=values["due_date"],
                delivery=values["delivery"],
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "invoice.created",
                "contact",
                subjects([invoice]),
                PERSONAL_FIELDS,
                {"number": invoice["number"]},
            )
        self.outbox.flush()
        return invoice_view(invoice, lines)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_invoice(self, invoice_id):
        actor = self.context.require(PERMISSION)
        invoice, lines = self._invoice_with_lines(invoice_id)
        self.audit.read(
            actor,
            "invoice.viewed",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"]},
        )
        return invoice_view(invoice, lines)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_invoices(self, status=None, contact_id=None, run_id=None, limit=50, offset=0):
        """Invoices newest first, optionally of one status, contact (as payer or partner) or run."""
        actor = self.context.require(PERMISSION)
        if status is not None and status not in INVOICE_STATUSES:
            raise ValidationFailed("billing.list_invalid", {"status": ["billing.status_unknown"]})
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
            raise ValidationFailed("billing.list_invalid", {"limit": ["billing.limit_invalid"]})
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValidationFailed("billing.list_invalid", {"offset": ["billing.offset_invalid"]})
        contact_key = storage.parse_id(contact_id) if contact_id else None
        run_key = storage.parse_id(run_id) if run_id else None
        if (contact_id and not contact_key) or (run_id and not run_key):
            raise ValidationFailed(
                "billing.list_invalid",
                {"contact_id" if contact_id and not contact_key else "run_id": ["billing.id_invalid"]},
            )
        rows, total = storage.list_invoices(self.db.session, status, contact_key, run_key, limit, offset)
        self.db.session.rollback()
        if rows:
            self.audit.read(
                actor, "invoice.listed", "contact", subjects(rows), PERSONAL_FIELDS, {"invoices": len(rows)}
            )
        return {"items": [invoice_view(row) for row in rows], "total": total}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def invoice_pdf(self, invoice_id):
        """{"file_name", "content_type", "data" (base64)}: the invoice PDF in the payer's language: the one
        its run stored (B2, invoice_pdfs/), else made now."""
        actor = self.context.require(PERMISSION)
        key = storage.parse_id(invoice_id)
        invoice = storage.get(self.db.session, key) if key else None
        if invoice is None:
            self.db.session.rollback()
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        self.audit.read(
            actor,
            "invoice.pdf_read",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"]},
        )
        data = making.pdf_of(self.db.session, self.settings, invoice)
        self.db.session.rollback()
        return {
            "file_name": f"invoice-{invoice['number']}.pdf",
            "content_type": "application/pdf",
            "data": base64.b64encode(data).decode("ascii"),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def invoice_finvoice(self, invoice_id, transmission=None):
        """The invoice as Finvoice 3.0 XML, validated against the schema: {"file_name", "content_type",
        "data"}. ``transmission``: the buyer's e-invoice address and operator ({"to_identifier",
        "to_intermediator"})."""
        actor = self.context.require(PERMISSION)
        invoice, lines = self._invoice_with_lines(invoice_id)
        document = self._finvoice(invoice, lines, transmission)
        self.audit.read(
            actor,
            "invoice.finvoice_read",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"]},
        )
        return {
            "file_name": f"finvoice-{invoice['number']}.xml",
            "content_type": "application/xml",
            "data": base64.b64encode(document).decode("ascii"),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def credit_invoice(self, invoice_id):
        """Cancel an invoice with a credit note (its own number, the lines negated); the invoice stays,
        marked credited. A credited invoice or a credit note cannot be credited."""
        actor = self.context.require(PERMISSION)
        key = storage.parse_id(invoice_id)
        with self.db.transaction() as session:
            original = storage.get(session, key, lock=True) if key else None
            if original is None:
                raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
            if original["kind"] != "invoice" or original["status"] == "credited":
                raise Conflict(
                    "billing.invoice_not_creditable", {"id": str(invoice_id), "status": original["status"]}
                )
            lines = storage.lines_of(session, original["id"])
            note = issuing.credit(session, self.settings, original, lines, clock.today())
            self.outbox.event(
                session, "invoice_credited", membership.credited_event(session, original, note["number"])
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "invoice.credited",
                "contact",
                subjects([original]),
                (),
                {"number": original["number"], "credit_note": note["number"]},
            )
        self.outbox.flush()
        return invoice_view(note, rules.credit_lines(lines))

    def _invoice_with_lines(self, invoice_id):
        key = storage.parse_id(invoice_id)
        session = self.db.session
        invoice = storage.get(session, key) if key else None
        if invoice is None:
            session.rollback()
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        lines = storage.lines_of(session, invoice["id"])
        session.rollback()
        return invoice, lines

    def _finvoice(self, invoice, lines, transmission):
        transmission = message.checked_transmission(transmission, required=False)
        return message.build(invoice, lines, self.settings, self.config, transmission)
