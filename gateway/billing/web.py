"""Invoicing in the web UI (B1-B4): fee types (/billing) with their federation split, the settlement parties
(/billing/parties) and the settlement report (/billing/settlement, with its download), a fee type's split
changed (/billing/fee-types/<id>), invoices and one invoice with its PDF, credit note, e-invoice and
e-mail (B3), an invoice run for a group or saved search (form, preview, run page following the worker), a
run's invoices sent by e-mail after a preview of who is left out and why (each mail followed to sent,
bounced or failed), and bank files with the unmatched payments' queue and manual matching. Everything
needs invoices.manage; error codes of the billing service are shown in the user's language
(gateway/billing/locale)."""

import base64
import re

from werkzeug.wrappers import Response

from gateway.billing.api import BANK_FILE_SECONDS, bank_file_body, file_answer
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_INVOICES
from gateway.web_helpers import FieldMessage, format_money, language_of, require_csrf, see_other, web_page
from piiri import clock
from piiri.errors import Conflict, NotFound, PiiriError, ServiceUnavailable, ValidationFailed
from services.billing.contract import DELIVERIES, VAT_CLASSES

REFRESH_SECONDS = 2
MONEY_PARAMS = ("sum", "amount")  # amounts in a service's error params, shown as the reader writes them
COMPONENT_ROWS = 3  # the fee type form's component rows (the federation split, B1)
MAX_COMPONENTS = 10  # the most components a fee has (the service refuses more: billing.components_invalid)
LINE = re.compile(r"line (\d+)")  # a bank file service's location of a line


def where_text(params, t):
    """Where in a bank file a problem is, in words: 'tiedosto x.xml, tili FI.., rivi 2' (a location the
    service wrote as 'line 2' becomes the word for a line; other parameters are not shown)."""
    parts = []
    for key in ("file", "account", "line", "element"):
        value = params.get(key)
        if value in (None, ""):
            continue
        line = LINE.fullmatch(str(value))
        if key == "element" and line:
            key, value = "line", line.group(1)
        text = t(f"bil.where_{key}", value=value)
        if text not in parts:
            parts.append(text)
    return ", ".join(parts)


def problems(exc, t):
    """A service error as messages in the user's language: its code, then each detail's code (a detail
    repeating the error's own code adds only where it happened); no parameter is shown by its name."""
    found = [FieldMessage(t.service_message(exc.message, exc.params))]
    for name, messages in (exc.details or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            code = str(message.get("code") if isinstance(message, dict) else message)
            params = (message.get("params") if isinstance(message, dict) else None) or {}
            params = {
                key: format_money(value, t.language) if key in MONEY_PARAMS else value
                for key, value in params.items()
            }
            text = t.service_message(code, params)
            where = where_text(params, t)
            if code == exc.message and len(found) == 1:
                found[0] = FieldMessage(f"{text} ({where})" if where else text, name)
                continue
            text = FieldMessage(f"{text} ({where})" if where else text, name)
            if text not in found:
                found.append(text)
    return found


def fee_type_request(form, rows=COMPONENT_ROWS):
    """The fee type form -> create_fee_type's input: the fields, and the filled component rows."""
    data = {
        name: form.get(name, "") for name in ("name", "amount", "vat_class", "account", "membership_period")
    }
    data["components"] = [
        {
            "party_id": form.get(f"component_party_{row}", ""),
            "amount": form.get(f"component_amount_{row}", ""),
        }
        for row in range(rows)
        if form.get(f"component_party_{row}") or form.get(f"component_amount_{row}", "").strip()
    ]
    return data


def components_request(form):
    """The fee type form's filled component rows -> set_fee_type_components' components."""
    return fee_type_request(form, MAX_COMPONENTS)["components"]


def components_form(fee):
    """A fee type's components as the form's rows (to edit its split)."""
    form = {}
    for row, component in enumerate(fee.get("components") or ()):
        form[f"component_party_{row}"] = component["party_id"]
        form[f"component_amount_{row}"] = component["amount"]
    return form


def current_period(today, kind):
    """This month ("2026-12"), quarter ("2026-Q4") or year ("2026")."""
    if kind == "year":
        return str(today.year)
    if kind == "quarter":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return f"{today.year}-{today.month:02d}"


def run_request(form):
    """The run form -> preview_run/start_run's input."""
    kind = form.get("kind", "group")
    selection = {"kind": kind, "id": form.get("selection_id", "")}
    if kind == "group":
        selection["include_subgroups"] = form.get("include_subgroups") == "1"
    data = {
        "fee_type_id": form.get("fee_type_id", ""),
        "selection": selection,
        "per_couple": form.get("per_couple") == "1",
        "delivery": form.get("delivery", "print"),
    }
    for name in ("invoice_date", "due_date"):
        if form.get(name):
            data[name] = form[name]
    return data


class BillingWebRoutes(GatewayCore):
    def _billing_page(self, request, principal, template, status=200, **context):
        return self.web_render(
            request,
            principal,
            template,
            status=status,
            vat_classes=VAT_CLASSES,
            deliveries=DELIVERIES,
            **context,
        )

    def _billing_overview(self, request, principal, errors=(), form=None, status=200):
        return self._billing_page(
            request,
            principal,
            "billing/overview.html",
            status=status,
            fee_types=self.call("billing", "list_fee_types", True)["items"],
            parties=[party for party in self.call("billing", "list_parties")["items"] if party["active"]],
            component_rows=range(COMPONENT_ROWS),
            runs=self.call("billing", "list_runs")["items"][:20],
            errors=list(errors),
            form=form or {},
        )

    @http("GET", "/billing")
    @web_page
    def web_billing(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._billing_overview(request, principal)

    @http("POST", "/billing/fee-types")
    @web_page
    def web_billing_fee_type_create(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        data = fee_type_request(request.form)
        try:
            self.call("billing", "create_fee_type", data)
        except ValidationFailed as exc:
            t = Translator(language_of(request))
            return self._billing_overview(
                request, principal, problems(exc, t), request.form.to_dict(), status=422
            )
        return see_other("/billing")

    def _fee_split_page(self, request, principal, fee_type_id, form=None, errors=(), status=200):
        fees = self.call("billing", "list_fee_types", True)["items"]
        fee = next((item for item in fees if item["id"] == fee_type_id), None)
        if fee is None:
            raise NotFound("billing.fee_type_not_found", {"id": fee_type_id})
        parties = [party for party in self.call("billing", "list_parties")["items"] if party["active"]]
        rows = min(MAX_COMPONENTS, max(COMPONENT_ROWS, len(fee["components"]) + 1))
        return self._billing_page(
            request,
            principal,
            "billing/fee_split.html",
            status=status,
            fee=fee,
            parties=parties,
            component_rows=range(rows),
            form=components_form(fee) if form is None else form,
            errors=list(errors),
        )

    @http("GET", "/billing/fee-types/<fee_type_id>")
    @web_page
    def web_billing_fee_type(self, request, fee_type_id):
        """B1 federation split: change which settlement party gets which part of the fee."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._fee_split_page(request, principal, fee_type_id)

    @http("POST", "/billing/fee-types/<fee_type_id>/components")
    @web_page
    def web_billing_fee_type_components(self, request, fee_type_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        try:
            self.call("billing", "set_fee_type_components", fee_type_id, components_request(request.form))
        except ValidationFailed as exc:
            t = Translator(language_of(request))
            form = request.form.to_dict()
            return self._fee_split_page(request, principal, fee_type_id, form, problems(exc, t), status=422)
        return see_other("/billing")

    def _parties_page(self, request, principal, errors=(), form=None, status=200):
        return self._billing_page(
            request,
            principal,
            "billing/parties.html",
            status=status,
            parties=self.call("billing", "list_parties")["items"],
            errors=list(errors),
            form=form or {},
        )

    @http("GET", "/billing/parties")
    @web_page
    def web_billing_parties(self, request):
        """B1 federation split: the settlement parties a fee can be shared with."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._parties_page(request, principal)

    @http("POST", "/billing/parties")
    @web_page
    def web_billing_party_create(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        data = {name: request.form.get(name, "") for name in ("name", "business_id", "iban")}
        try:
            self.call("billing", "create_party", data)
        except ValidationFailed as exc:
            t = Translator(language_of(request))
            return self._parties_page(request, principal, problems(exc, t), data, status=422)
        return see_other("/billing/parties")

    @http("GET", "/billing/settlement")
    @web_page
    def web_billing_settlement(self, request):
        """B1 federation split: the settlement report of a month, quarter or year (?period=)."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        today = clock.today()
        shortcuts = {kind: current_period(today, kind) for kind in ("month", "quarter", "year")}
        period = request.args.get("period", "").strip() or shortcuts["month"]
        errors, report, status = [], None, 200
        try:
            report = self.call("billing", "settlement_report", period)
        except ValidationFailed as exc:
            errors, status = problems(exc, Translator(language_of(request))), 422
        return self._billing_page(
            request,
            principal,
            "billing/settlement.html",
            status=status,
            period=period,
            shortcuts=shortcuts,
            report=report,
            errors=errors,
        )

    @http("GET", "/billing/settlement/download")
    @web_page
    def web_billing_settlement_download(self, request):
        """The settlement report as an Excel workbook or CSV (?period=&format=xlsx|csv)."""
        self.web_principal(request, MANAGE_INVOICES)
        made = self.call(
            "billing",
            "settlement_file",
            request.args.get("period", ""),
            request.args.get("format", "xlsx"),
            language_of(request),
        )
        return file_answer(made)

    @http("GET", "/billing/invoices")
    @web_page
    def web_billing_invoices(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        status = request.args.get("status") or None
        run_id = request.args.get("run_id") or None
        found = self.call("billing", "list_invoices", status=status, run_id=run_id, limit=200)
        return self._billing_page(
            request,
            principal,
            "billing/invoices.html",
            invoices=found["items"],
            total=found["total"],
            status_filter=status,
            run_filter=run_id,
        )

    @http("GET", "/billing/invoices/<invoice_id>")
    @web_page
    def web_billing_invoice(self, request, invoice_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._invoice_page(request, principal, invoice_id)

    def _invoice_page(
        self, request, principal, invoice_id, einvoice_form=None, errors=(), status=200, email_errors=()
    ):
        # one RPC, one audited read (it was up to six: the invoice, payments, sendings, reminders, the
        # e-invoice defaults and the e-mailings)
        page = self.call("billing", "invoice_page", invoice_id, einvoice_form is None)
        invoice, payments, sendings = page["invoice"], page["payments"], page["sendings"]
        reminders, emails, prefilled = page["reminders"], page["emails"], None
        if einvoice_form is None and page["einvoice_defaults"] is not None:
            # B3: the address and operator the invoice was issued with, else the payer's contact fields
            defaults = page["einvoice_defaults"]
            einvoice_form, prefilled = defaults, defaults.get("source")
        waiting = any(item["status"] == "queued" for item in emails) or any(
            (reminder.get("email") or {}).get("status") == "queued" for reminder in reminders
        )
        return self._billing_page(
            request,
            principal,
            "billing/invoice.html",
            status=status,
            invoice=invoice,
            payments=payments,
            sendings=sendings,
            reminders=reminders,
            emails=emails,
            credit_notes=page["credit_notes"],
            sending_refused=page["sending_refused"],
            refresh=REFRESH_SECONDS if waiting and status == 200 else None,
            einvoice_form=einvoice_form or {},
            einvoice_prefilled=prefilled,
            einvoice_errors=list(errors),
            email_errors=list(email_errors),
        )

    @http("GET", "/billing/email-deliveries/<delivery_id>")
    @web_page
    def web_billing_email_delivery(self, request, delivery_id):
        """B3: the invoice an e-mail delivery mailed (the mail log's link, /mailing/mails)."""
        self.web_principal(request, MANAGE_INVOICES)
        found = self.call("billing", "email_delivery_invoice", delivery_id)
        return see_other(f"/billing/invoices/{found['invoice_id']}#email")

    @http("POST", "/billing/invoices/<invoice_id>/email")
    @web_page
    def web_billing_invoice_email(self, request, invoice_id):
        """B3: e-mail the invoice with its PDF to the payer (the page follows the mail to sent)."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        try:
            self.call("billing", "send_invoice_by_email", invoice_id)
        except Conflict as exc:
            t = Translator(language_of(request))
            errors = problems(exc, t)
            return self._invoice_page(request, principal, invoice_id, status=409, email_errors=errors)
        return see_other(f"/billing/invoices/{invoice_id}#email")

    @http("POST", "/billing/invoices/<invoice_id>/einvoice")
    @web_page
    def web_billing_invoice_einvoice(self, request, invoice_id):
        """B3: send the invoice as a Finvoice e-invoice to the address and operator of the form."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        form = {name: request.form.get(name, "") for name in ("to_identifier", "to_intermediator")}
        try:
            self.call("billing", "send_einvoice", invoice_id, form)
        except (ValidationFailed, Conflict, ServiceUnavailable) as exc:
            t = Translator(language_of(request))
            return self._invoice_page(request, principal, invoice_id, form, problems(exc, t), status=422)
        return see_other(f"/billing/invoices/{invoice_id}#einvoice")

    @http("GET", "/billing/invoices/<invoice_id>/finvoice")
    @web_page
    def web_billing_invoice_finvoice(self, request, invoice_id):
        """B3: the invoice as Finvoice 3.0 XML to hand to an e-invoice operator (a download)."""
        self.web_principal(request, MANAGE_INVOICES)
        return file_answer(self.call("billing", "invoice_finvoice", invoice_id, {}))

    @http("GET", "/billing/invoices/<invoice_id>/pdf")
    @web_page
    def web_billing_invoice_pdf(self, request, invoice_id):
        self.web_principal(request, MANAGE_INVOICES)
        made = self.call("billing", "invoice_pdf", invoice_id)
        headers = {
            "Content-Disposition": f'inline; filename="{made["file_name"]}"',
            "Cache-Control": "no-store",
        }
        return Response(base64.b64decode(made["data"]), content_type=made["content_type"], headers=headers)

    @http("POST", "/billing/invoices/<invoice_id>/credit")
    @web_page
    def web_billing_invoice_credit(self, request, invoice_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        note = self.call("billing", "credit_invoice", invoice_id)
        return see_other(f"/billing/invoices/{note['id']}")

    def _run_form(self, request, principal, form, errors=(), preview=None, status=200):
        return self._billing_page(
            request,
            principal,
            "billing/run_new.html",
            status=status,
            fee_types=self.call("billing", "list_fee_types")["items"],
            groups=self.call("contacts", "list_groups", compact=True, counts=False)["items"],
            saved_searches=self.call("contacts", "list_saved_searches")["items"],
            form=form,
            errors=list(errors),
            preview=preview,
        )

    @http("GET", "/billing/runs/new")
    @web_page
    def web_billing_run_new(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        form = {"kind": request.args.get("kind", "group"), "selection_id": request.args.get("id", "")}
        form.update({"include_subgroups": "1", "delivery": "print"})
        return self._run_form(request, principal, form)

    @http("POST", "/billing/runs")
    @web_page
    def web_billing_run_start(self, request):
        """The run form's two buttons: "preview" shows who and why not; "start" queues the run."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        form = request.form.to_dict()
        data = run_request(request.form)
        t = Translator(language_of(request))
        try:
            if form.get("action") == "start":
                run = self.call("billing", "start_run", data)
                return see_other(f"/billing/runs/{run['id']}")
            preview = self.call("billing", "preview_run", data)
        except (ValidationFailed, NotFound, Conflict) as exc:
            return self._run_form(request, principal, form, problems(exc, t), status=422)
        return self._run_form(request, principal, form, preview=preview)

    @http("GET", "/billing/runs/<run_id>")
    @web_page
    def web_billing_run(self, request, run_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        run = self.call("billing", "get_run", run_id)
        emails = self.call("billing", "run_email_statuses", run["id"]) if run["status"] == "done" else None
        waiting = bool(emails and emails["counts"].get("queued"))
        pdfs = run.get("pdfs") or {"total": 0, "done": 0, "failed": 0}
        waiting = waiting or pdfs["done"] + pdfs["failed"] < pdfs["total"]  # B2: PDFs still being made
        refresh = REFRESH_SECONDS if run["status"] in ("queued", "running") or waiting else None
        return self._billing_page(
            request, principal, "billing/run.html", run=run, refresh=refresh, emails=emails
        )

    @http("GET", "/billing/runs/<run_id>/email")
    @web_page
    def web_billing_run_email_preview(self, request, run_id):
        """B3: who "send by e-mail" of the run mails and who it leaves out and why, with the button."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        run = self.call("billing", "get_run", run_id)
        preview = self.call("billing", "email_preview", run["id"])
        return self._billing_page(request, principal, "billing/run_email.html", run=run, preview=preview)

    @http("POST", "/billing/runs/<run_id>/email")
    @web_page
    def web_billing_run_email(self, request, run_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        self.call("billing", "send_run_by_email", run_id)
        return see_other(f"/billing/runs/{run_id}#emails")

    def _payments_page(self, request, principal, result=None, errors=(), status=200):
        return self._billing_page(
            request,
            principal,
            "billing/payments.html",
            status=status,
            unmatched=self.call("billing", "list_payments", "unmatched")["items"],
            recent=self.call("billing", "list_payments", "matched", None, 20)["items"],
            result=result,
            errors=list(errors),
        )

    @http("GET", "/billing/payments")
    @web_page
    def web_billing_payments(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._payments_page(request, principal)

    @http("POST", "/billing/bank-files")
    @web_page
    def web_billing_bank_file(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        t = Translator(language_of(request))
        try:
            name, data = bank_file_body(request)  # the same bounded read as the API's
            result = self.call(
                "billing",
                "import_bank_file",
                name,
                base64.b64encode(data).decode(),
                timeout=BANK_FILE_SECONDS,
            )
        except ValidationFailed as exc:
            return self._payments_page(request, principal, errors=problems(exc, t), status=422)
        return self._payments_page(request, principal, result=result)

    @http("POST", "/billing/payments/<payment_id>/match")
    @web_page
    def web_billing_payment_match(self, request, payment_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        t = Translator(language_of(request))
        try:
            invoice = self.call(
                "billing",
                "match_payment",
                payment_id,
                request.form.get("invoice_id") or None,
                request.form.get("invoice_number") or None,
            )
        except PiiriError as exc:
            if not isinstance(exc, (NotFound, Conflict, ValidationFailed)):
                raise
            return self._payments_page(request, principal, errors=problems(exc, t), status=exc.status)
        return see_other(f"/billing/invoices/{invoice['id']}")
