"""/api/v1/billing (B1-B4): fee types and the VAT table, invoices (single, credit notes, PDF, Finvoice,
e-invoices, e-mail),
invoice runs (preview, start, follow), bank files and payments (upload, the unmatched queue, manual
matching), the federation split's settlement parties and settlement report. Everything needs
invoices.manage; the billing service checks it and audits every read of personal data."""

import base64

from werkzeug.wrappers import Response

from gateway.base import int_arg, json_body
from gateway.billing import schemas
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
from gateway.roles import MANAGE_INVOICES
from piiri.errors import ValidationFailed

MAX_BANK_FILE = 50 * 1024 * 1024
# A bank file is taken in one transaction: 100,000 payments against 1,000,000 invoices take seconds
# (bench/bank_file_bench.py), more than the usual RPC deadline allows on a busy machine.
BANK_FILE_SECONDS = 300.0


def file_answer(made, disposition="attachment"):
    headers = {
        "Content-Disposition": f'{disposition}; filename="{made["file_name"]}"',
        "Cache-Control": "no-store",
    }
    return Response(base64.b64decode(made["data"]), content_type=made["content_type"], headers=headers)


def bank_file_body(request):
    """(filename, bytes) of a multipart ``file`` field, or of a raw body named by ``?filename=``."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_BANK_FILE + 1)
        name = upload.filename
    else:
        name = request.args.get("filename", "").strip()
        data = request.get_data(cache=False)[: MAX_BANK_FILE + 1]
    if not name:
        raise ValidationFailed("billing.bank_file_invalid", {"file": ["billing.bank_file_missing"]})
    if len(data) > MAX_BANK_FILE:
        raise ValidationFailed("billing.bank_file_invalid", {"file": ["billing.bank_file_too_large"]})
    return name, data


class BillingApiRoutes(GatewayCore):
    @api_operation(
        "B1: the fee types (active ones; include_inactive=true: all)",
        permission=MANAGE_INVOICES,
        responses={200: schemas.FeeTypeList},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/fee-types")
    def api_billing_fee_types(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        everyone = request.args.get("include_inactive") in ("1", "true")
        return json_response(self.call("billing", "list_fee_types", everyone))

    @api_operation(
        "B1: define a fee type: name, amount (net, 2 decimals at most), VAT class, bookkeeping account",
        permission=MANAGE_INVOICES,
        body=schemas.FeeTypeInput,
        responses={201: (schemas.FeeType, "Created")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/billing/fee-types")
    def api_billing_fee_type_create(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "create_fee_type", json_body(request)), status=201)

    @api_operation(
        "B1 federation split: replace a fee type's components (the settlement party of each part and its "
        "amount; the amounts sum exactly to the fee's amount, [] for no split). Invoices issued from now on "
        "are split so, and the settlement report follows them; issued invoices keep their split",
        permission=MANAGE_INVOICES,
        body=schemas.FeeTypeComponentsInput,
        responses={200: schemas.FeeType},
        errors=(403, 404, 422),
    )
    @http("PUT", "/api/v1/billing/fee-types/<fee_type_id>/components")
    def api_billing_fee_type_components(self, request, fee_type_id):
        self.api_principal(request, MANAGE_INVOICES)
        body = json_body(request)
        if not isinstance(body, dict):
            raise ValidationFailed("billing.fee_type_invalid", {"_schema": ["billing.not_an_object"]})
        if "components" not in body:
            raise ValidationFailed("billing.fee_type_invalid", {"components": ["billing.components_invalid"]})
        return json_response(self.call("billing", "set_fee_type_components", fee_type_id, body["components"]))

    @api_operation(
        "B1 federation split: the settlement parties (national federation, local association, ...)",
        permission=MANAGE_INVOICES,
        responses={200: schemas.PartyList},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/parties")
    def api_billing_parties(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "list_parties"))

    @api_operation(
        "B1 federation split: add a settlement party: name, business id (Y-tunnus, checked), IBAN",
        permission=MANAGE_INVOICES,
        body=schemas.PartyInput,
        responses={201: (schemas.Party, "Created")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/billing/parties")
    def api_billing_party_create(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "create_party", json_body(request)), status=201)

    @api_operation(
        (
            "B1 federation split: the settlement report of a period (period=2027, 2027-Q1 or 2027-03): per "
            "party what was invoiced, credited and paid (payments by payment date, shared in proportion to "
            "the invoice's frozen split) and what is owed to it. Sums only, no personal data"
        ),
        permission=MANAGE_INVOICES,
        query=schemas.SettlementQuery,
        responses={200: schemas.SettlementReport},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/settlement")
    def api_billing_settlement(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "settlement_report", request.args.get("period", "")))

    @api_operation(
        "B1 federation split: the settlement report as an Excel workbook (format=xlsx) or CSV (format=csv)",
        permission=MANAGE_INVOICES,
        query=schemas.SettlementFileQuery,
        responses={
            200: file_response(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"
            )
        },
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/settlement/file")
    def api_billing_settlement_file(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        args = request.args
        language = args.get("language") or "fi"
        made = self.call(
            "billing", "settlement_file", args.get("period", ""), args.get("format", "xlsx"), language
        )
        return file_answer(made)

    @api_operation(
        "B1: the dated VAT table (an invoice uses the rate of its date)",
        permission=MANAGE_INVOICES,
        responses={200: schemas.VatRateList},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/vat-rates")
    def api_billing_vat_rates(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "list_vat_rates"))

    @api_operation(
        "B4: what the retention rule lets go today (kirjanpitolaki 2:10 §: six years from the end of the "
        "financial period's year); a daily timer deletes it. Counts only",
        permission=MANAGE_INVOICES,
        responses={200: schemas.RetentionStatus},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/retention")
    def api_billing_retention(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "retention_status"))

    @api_operation(
        (
            "B1: one invoice to a contact: a fee type's line and/or free lines; the next number, a Finnish "
            "reference and its RF form; 409 if the contact already has a live invoice of the fee"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.SingleInvoiceInput,
        responses={201: (schemas.Invoice, "Created")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/billing/invoices")
    def api_billing_invoice_create(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        invoice = self.call("billing", "create_invoice", json_body(request))
        return json_response(
            invoice, status=201, headers={"Location": f"/api/v1/billing/invoices/{invoice['id']}"}
        )

    @api_operation(
        "B1: invoices newest first (an audited read of their payers)",
        permission=MANAGE_INVOICES,
        query=schemas.InvoicesQuery,
        responses={200: schemas.InvoiceList},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/invoices")
    def api_billing_invoices(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        args = request.args
        return json_response(
            self.call(
                "billing",
                "list_invoices",
                status=args.get("status") or None,
                contact_id=args.get("contact_id") or None,
                run_id=args.get("run_id") or None,
                limit=int_arg(args, "limit", 50),
                offset=int_arg(args, "offset", 0),
            )
        )

    @api_operation(
        "B1: one invoice with its lines (an audited read)",
        permission=MANAGE_INVOICES,
        responses={200: schemas.Invoice},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>")
    def api_billing_invoice(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "get_invoice", invoice_id))

    @api_operation(
        (
            "B1-B4: everything the invoice page shows in one audited read: the invoice with its lines, "
            "payments, e-invoice sendings, reminders, e-mailings, credit notes, whether it may be sent and "
            "where its e-invoice would go"
        ),
        permission=MANAGE_INVOICES,
        responses={200: schemas.InvoicePage},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/page")
    def api_billing_invoice_page(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "invoice_page", invoice_id))

    @api_operation(
        "B2: the invoice PDF in the payer's language, with the virtual barcode, bank barcode and EPC QR code",
        permission=MANAGE_INVOICES,
        responses={200: file_response("application/pdf")},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/pdf")
    def api_billing_invoice_pdf(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return file_answer(self.call("billing", "invoice_pdf", invoice_id))

    @api_operation(
        "B3: the invoice as Finvoice 3.0 XML, validated against the schema",
        permission=MANAGE_INVOICES,
        responses={200: file_response("application/xml")},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/finvoice")
    def api_billing_invoice_finvoice(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        transmission = {
            key: request.args[key] for key in ("to_identifier", "to_intermediator") if request.args.get(key)
        }
        return file_answer(self.call("billing", "invoice_finvoice", invoice_id, transmission))

    @api_operation(
        (
            "B3: send the invoice as a Finvoice e-invoice through the configured operator; the sending with "
            "the operator's first answer (accepted, or rejected with its reason). 409 if it was already "
            "sent (and not rejected), credited or a credit note, or no operator is configured, 503 if the "
            "operator does not answer"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.EInvoiceTransmission,
        responses={201: (schemas.EInvoiceSending, "Sent")},
        errors=(403, 404, 409, 422, 503),
    )
    @http("POST", "/api/v1/billing/invoices/<invoice_id>/einvoice")
    def api_billing_invoice_einvoice(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        sending = self.call("billing", "send_einvoice", invoice_id, json_body(request))
        return json_response(sending, status=201)

    @api_operation(
        (
            "B3: e-mail the invoice with its PDF to the payer's address, in the payer's language, through "
            "the mailing service's SMTP path: the delivery, queued (then sent, bounced or failed). 409 "
            "billing.email_<reason> when it cannot go: credited, erased, no_email, invalid_email, bounced "
            "(the address bounced before) or already_sent (a mail of it is on its way)"
        ),
        permission=MANAGE_INVOICES,
        responses={202: (schemas.EmailDelivery, "Queued")},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/billing/invoices/<invoice_id>/email")
    def api_billing_invoice_email(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "send_invoice_by_email", invoice_id), status=202)

    @api_operation(
        "B3: the invoice's e-mailings, newest first: queued, sent, bounced or failed, with the time of each",
        permission=MANAGE_INVOICES,
        responses={200: schemas.EmailDeliveryList},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/emails")
    def api_billing_invoice_emails(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "email_deliveries", invoice_id))

    @api_operation(
        (
            'B3: who "send by e-mail" of the run mails and who it leaves out, per reason (credited, erased, '
            "einvoice, paper, no_email, invalid_email, bounced, already_sent; at most 200 listed each)"
        ),
        permission=MANAGE_INVOICES,
        responses={200: schemas.EmailPreview},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/runs/<run_id>/email-preview")
    def api_billing_run_email_preview(self, request, run_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "email_preview", run_id))

    @api_operation(
        (
            "B3: e-mail every invoice of the run that the preview mails; the mails go in the background "
            "(follow them with GET .../emails). Again: none twice"
        ),
        permission=MANAGE_INVOICES,
        responses={202: (schemas.EmailRunResult, "Queued")},
        errors=(403, 404),
    )
    @http("POST", "/api/v1/billing/runs/<run_id>/email")
    def api_billing_run_email(self, request, run_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "send_run_by_email", run_id), status=202)

    @api_operation(
        "B3: each invoice of the run with its latest e-mailing (status and time), and the counts per status",
        permission=MANAGE_INVOICES,
        responses={200: schemas.RunEmailStatuses},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/runs/<run_id>/emails")
    def api_billing_run_emails(self, request, run_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "run_email_statuses", run_id))

    @api_operation(
        "B3: the invoice's e-invoice sendings, newest first, each brought up to date with the operator",
        permission=MANAGE_INVOICES,
        responses={200: schemas.EInvoiceSendingList},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/einvoices")
    def api_billing_invoice_einvoices(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "einvoice_sendings", invoice_id))

    @api_operation(
        "B1: cancel an invoice with a credit note (the invoice stays, credited); 409 if it cannot be",
        permission=MANAGE_INVOICES,
        responses={201: (schemas.Invoice, "The credit note")},
        errors=(403, 404, 409),
    )
    @http("POST", "/api/v1/billing/invoices/<invoice_id>/credit")
    def api_billing_invoice_credit(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "credit_invoice", invoice_id), status=201)

    @api_operation(
        (
            "B1: what an invoice run would do now: how many, the total, who and who is left out and why "
            "(deceased, erased, no_address, already_invoiced, couple_partner); nothing is written"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.RunInput,
        responses={200: schemas.RunPreview},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/billing/runs:preview")
    def api_billing_run_preview(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "preview_run", json_body(request)))

    @api_operation(
        "B1: start an invoice run; a billing worker makes the invoices (idempotent, resumed after a crash)",
        permission=MANAGE_INVOICES,
        body=schemas.RunInput,
        responses={202: (schemas.Run, "Queued")},
        errors=(403, 404, 422),
    )
    @http("POST", "/api/v1/billing/runs")
    def api_billing_run_start(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        run = self.call("billing", "start_run", json_body(request))
        return json_response(run, status=202, headers={"Location": f"/api/v1/billing/runs/{run['id']}"})

    @api_operation(
        "B1: invoice runs, newest first",
        permission=MANAGE_INVOICES,
        responses={200: schemas.RunList},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/runs")
    def api_billing_runs(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "list_runs"))

    @api_operation(
        "B1: one invoice run: status, pages done, invoices made, total, exclusions by reason",
        permission=MANAGE_INVOICES,
        responses={200: schemas.Run},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/runs/<run_id>")
    def api_billing_run(self, request, run_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "get_run", run_id))

    @api_operation(
        (
            "B4: upload a bank file (camt.054, camt.053 or the KTL reference-payment file; multipart "
            "'file' or the body with ?filename=): each payment recorded once by archive id and matched by "
            "reference. A bad file is refused whole (422 naming the file and line or element)"
        ),
        permission=MANAGE_INVOICES,
        query=schemas.BankFileQuery,
        body=file_response("application/octet-stream"),
        responses={201: (schemas.BankFileResult, "Taken")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/billing/bank-files")
    def api_billing_bank_file(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        name, data = bank_file_body(request)
        result = self.call(
            "billing",
            "import_bank_file",
            name,
            base64.b64encode(data).decode("ascii"),
            timeout=BANK_FILE_SECONDS,
        )
        return json_response(result, status=201)

    @api_operation(
        "B4: payments newest first; status=unmatched is the manual queue, with suggestions (an audited read)",
        permission=MANAGE_INVOICES,
        query=schemas.PaymentsQuery,
        responses={200: schemas.PaymentList},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/payments")
    def api_billing_payments(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        args = request.args
        return json_response(
            self.call("billing", "list_payments", args.get("status") or None, args.get("invoice_id") or None)
        )

    @api_operation(
        "B4: match an unmatched payment to an invoice by hand",
        permission=MANAGE_INVOICES,
        body=schemas.MatchInput,
        responses={200: (schemas.Invoice, "The invoice with the payment")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/billing/payments/<payment_id>/match")
    def api_billing_payment_match(self, request, payment_id):
        self.api_principal(request, MANAGE_INVOICES)
        body = json_body(request)
        return json_response(
            self.call(
                "billing", "match_payment", payment_id, body.get("invoice_id"), body.get("invoice_number")
            )
        )
