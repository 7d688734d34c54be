"""Bank files and payments (B4), a billing feature (BillingCore): upload a camt.054/053 or KTL file
(each payment recorded once, matched by reference), the payments and the unmatched queue with
suggestions (audited: payers' names), and matching a payment by hand."""

import base64
import binascii

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.billing.bank_files import importing, matching, storage
from services.billing.bank_files.errors import BankFileError
from services.billing.contract import PAYMENT_STATUSES, PERMISSION
from services.billing.core import BillingCore
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import invoice_view, payment_view, subjects


class BankFilesRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def import_bank_file(self, file_name, data):
        """Take a bank file (``data`` base64): {"file_id", "format", "new", "duplicate", "matched",
        "unmatched"}. A bad file is refused whole: ValidationFailed with {"code", "params": {file, line
        or element}}."""
        actor = self.context.require(PERMISSION)
        if not isinstance(file_name, str) or not file_name.strip() or not isinstance(data, str):
            raise ValidationFailed("billing.bank_file_invalid", {"file": ["billing.bank_file_missing"]})
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                "billing.bank_file_invalid", {"file": ["billing.bank_file_not_base64"]}
            ) from None
        try:
            with self.db.transaction() as session:
                result = importing.import_file(
                    session, self.outbox, self.settings, file_name, content, actor.username
                )
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "bank_file.imported",
                    "bank_file",
                    [result["file"]["id"]],
                    (),
                    {key: result[key] for key in ("new", "duplicate", "matched", "unmatched")}
                    | {"file_name": file_name},
                )
        except BankFileError as exc:
            raise ValidationFailed(exc.code, {"file": [{"code": exc.code, "params": exc.params}]}) from None
        self.outbox.flush()
        return {
            "file_id": str(result["file"]["id"]),
            "format": result["file"]["format"],
            **{key: result[key] for key in ("new", "duplicate", "matched", "unmatched")},
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_payments(self, status=None, invoice_id=None, limit=100):
        """Payments newest first; ``status`` unmatched is the manual queue, each with its suggestions."""
        actor = self.context.require(PERMISSION)
        if status is not None and status not in PAYMENT_STATUSES:
            raise ValidationFailed("billing.list_invalid", {"status": ["billing.status_unknown"]})
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
            raise ValidationFailed("billing.list_invalid", {"limit": ["billing.limit_invalid"]})
        invoice_key = invoice_storage.parse_id(invoice_id) if invoice_id else None
        session = self.db.session
        rows = storage.list_payments(session, status, invoice_key, limit)
        items, shown = [], []
        for row in rows:
            view = payment_view(row)
            if row["status"] == "unmatched":
                found = storage.suggestions(session, row)
                view["suggestions"] = [
                    {
                        "invoice_id": str(entry["id"]),
                        "number": entry["number"],
                        "payer_name": entry["payer_name"],
                        "open_amount": str(
                            entry["total"]
                            + entry["reminder_fees"]
                            + entry["reminder_interest"]
                            - entry["paid_amount"]
                        ),
                        "reasons": entry["reasons"],
                    }
                    for entry in found
                ]
                shown.extend(found)
            items.append(view)
        session.rollback()
        if rows:
            self.audit.read(
                actor,
                "payment.listed",
                "contact",
                subjects(shown),
                ("payer_name", "payer_iban"),
                {"payments": len(rows)},
            )
        return {"items": items}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def match_payment(self, payment_id, invoice_id=None, invoice_number=None):
        """Match an unmatched payment to an invoice by hand (partly, fully or over-paying it): the invoice
        by its id (a suggestion) or by the number a person reads on it (no suggestion fitted)."""
        actor = self.context.require(PERMISSION)
        payment_key, invoice_key = invoice_storage.parse_id(payment_id), invoice_storage.parse_id(invoice_id)
        number = str(invoice_number or "").strip()
        if invoice_key is None and number and not (number.isdigit() and len(number) <= 18):
            raise ValidationFailed("billing.invoice_number_invalid", {"invoice_number": [number[:40]]})
        with self.db.transaction() as session:
            payment = storage.get(session, payment_key, lock=True) if payment_key else None
            if payment is None:
                raise NotFound("billing.payment_not_found", {"id": str(payment_id)})
            if payment["status"] != "unmatched":
                raise Conflict("billing.payment_already_matched", {"id": str(payment_id)})
            if invoice_key:
                invoice = invoice_storage.get(session, invoice_key, lock=True)
            else:
                invoice = invoice_storage.by_number(session, int(number), lock=True) if number else None
            if invoice is None:
                raise NotFound("billing.invoice_not_found", {"id": str(invoice_id or number)})
            if invoice["kind"] != "invoice" or invoice["status"] == "credited":
                raise Conflict(
                    "billing.invoice_not_payable", {"id": str(invoice_id), "status": invoice["status"]}
                )
            updated = matching.apply(session, self.outbox, payment, invoice, actor.username)
            self.audit.write(
                self.outbox,
                session,
                actor,
                "payment.matched",
                "contact",
                subjects([invoice]),
                (),
                {"payment_id": str(payment["id"]), "number": invoice["number"]},
            )
        self.outbox.flush()
        return invoice_view(updated)
