"""Reminders in the web UI (B4): the reminders page (levels and fees, the reference-rate table with a form
for a new half-year, a run's preview and start, earlier runs), a run's page following the worker, a
reminder's PDF, holding an invoice out of reminders, and the collection list with its CSV/xlsx export.
Everything needs invoices.manage; the billing service audits every read of the payers' data."""

import base64

from werkzeug.wrappers import Response

from gateway.billing.api import file_answer
from gateway.billing.web import REFRESH_SECONDS, problems
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_INVOICES
from gateway.web_helpers import language_of, require_csrf, see_other, web_page
from piiri.errors import Conflict, ValidationFailed


class RemindersWebRoutes(GatewayCore):
    def _reminders_page(
        self, request, principal, form=None, preview=None, errors=(), rate_errors=(), status=200
    ):
        return self.web_render(
            request,
            principal,
            "billing/reminders.html",
            status=status,
            settings=self.call("billing", "reminder_settings"),
            runs=self.call("billing", "list_reminder_runs")["items"][:20],
            form=form or {},
            preview=preview,
            errors=list(errors),
            rate_errors=list(rate_errors),
        )

    @http("GET", "/billing/reminders")
    @web_page
    def web_billing_reminders(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        return self._reminders_page(request, principal)

    @http("POST", "/billing/reminders")
    @web_page
    def web_billing_reminders_run(self, request):
        """The run form's two buttons: "preview" lists each invoice's level, fee, interest and who is left
        out and why; "start" queues the run for a billing worker."""
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        form = request.form.to_dict()
        data = {"reminder_date": form["reminder_date"]} if form.get("reminder_date") else {}
        try:
            if form.get("action") == "start":
                run = self.call("billing", "start_reminder_run", data)
                return see_other(f"/billing/reminder-runs/{run['id']}")
            preview = self.call("billing", "preview_reminder_run", data)
        except (ValidationFailed, Conflict) as exc:
            t = Translator(language_of(request))
            return self._reminders_page(request, principal, form, errors=problems(exc, t), status=exc.status)
        return self._reminders_page(request, principal, form, preview=preview)

    @http("POST", "/billing/reminders/rates")
    @web_page
    def web_billing_reference_rate(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        data = {name: request.form.get(name, "") for name in ("valid_from", "rate")}
        try:
            self.call("billing", "put_reference_rate", data)
        except (ValidationFailed, Conflict) as exc:
            t = Translator(language_of(request))
            return self._reminders_page(request, principal, rate_errors=problems(exc, t), status=exc.status)
        return see_other("/billing/reminders#rates")

    @http("GET", "/billing/reminder-runs/<run_id>")
    @web_page
    def web_billing_reminder_run(self, request, run_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        run = self.call("billing", "get_reminder_run", run_id)
        refresh = REFRESH_SECONDS if run["status"] in ("queued", "running") else None
        return self.web_render(request, principal, "billing/reminder_run.html", run=run, refresh=refresh)

    @http("GET", "/billing/reminders/<reminder_id>/pdf")
    @web_page
    def web_billing_reminder_pdf(self, request, reminder_id):
        self.web_principal(request, MANAGE_INVOICES)
        made = self.call("billing", "reminder_pdf", reminder_id)
        headers = {
            "Content-Disposition": f'inline; filename="{made["file_name"]}"',
            "Cache-Control": "no-store",
        }
        return Response(base64.b64decode(made["data"]), content_type=made["content_type"], headers=headers)

    @http("POST", "/billing/invoices/<invoice_id>/hold")
    @web_page
    def web_billing_invoice_hold(self, request, invoice_id):
        principal = self.web_principal(request, MANAGE_INVOICES)
        require_csrf(request, principal)
        self.call("billing", "set_invoice_hold", invoice_id, request.form.get("on_hold") == "1")
        return see_other(f"/billing/invoices/{invoice_id}#reminders")

    @http("GET", "/billing/collection")
    @web_page
    def web_billing_collection(self, request):
        principal = self.web_principal(request, MANAGE_INVOICES)
        found = self.call("billing", "collection_list", limit=500)
        return self.web_render(
            request, principal, "billing/collection.html", items=found["items"], total=found["total"]
        )

    @http("GET", "/billing/collection/export")
    @web_page
    def web_billing_collection_export(self, request):
        self.web_principal(request, MANAGE_INVOICES)
        return file_answer(self.call("billing", "collection_export", request.args.get("format", "csv")))
