"""/api/v1/billing reminders (B4): the levels and the reference-rate table, reminder runs (preview, start,
follow), an invoice's reminders and each reminder's PDF, holding an invoice out of reminders, and the
collection list (JSON, CSV or xlsx). Everything needs invoices.manage; the billing service audits reads."""

from gateway.base import int_arg, json_body
from gateway.billing import schemas
from gateway.billing.api import file_answer
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
from gateway.roles import MANAGE_INVOICES
from piiri.errors import ValidationFailed


class RemindersApiRoutes(GatewayCore):
    @api_operation(
        "B4: the reminder levels, fees and interest setting, and the dated reference-rate table",
        permission=MANAGE_INVOICES,
        responses={200: schemas.ReminderSettings},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/reminders/settings")
    def api_billing_reminder_settings(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "reminder_settings"))

    @api_operation(
        (
            "B4: add a half-year's reference rate (Korkolaki 12 §) as Suomen Pankki announced it; "
            "409 for a built-in half-year"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.ReferenceRateInput,
        responses={201: (schemas.ReferenceRate, "Stored")},
        errors=(403, 409, 422),
    )
    @http("POST", "/api/v1/billing/reminders/reference-rates")
    def api_billing_reference_rate_put(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "put_reference_rate", json_body(request)), status=201)

    @api_operation(
        (
            "B4: preview a reminder run: each overdue invoice's level, fee, interest and new total, and "
            "which are left out and why; 409 if the reference-rate table lacks a half-year the interest needs"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.ReminderRunInput,
        responses={200: schemas.ReminderPreview},
        errors=(403, 409, 422),
    )
    @http("POST", "/api/v1/billing/reminder-runs:preview")
    def api_billing_reminder_preview(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "preview_reminder_run", _body(request)))

    @api_operation(
        (
            "B4: start a reminder run (a billing worker sends the reminders; idempotent: one reminder per "
            "invoice and level, resumed after a crash)"
        ),
        permission=MANAGE_INVOICES,
        body=schemas.ReminderRunInput,
        responses={202: (schemas.ReminderRun, "Queued")},
        errors=(403, 409, 422),
    )
    @http("POST", "/api/v1/billing/reminder-runs")
    def api_billing_reminder_run_start(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        run = self.call("billing", "start_reminder_run", _body(request))
        return json_response(
            run, status=202, headers={"Location": f"/api/v1/billing/reminder-runs/{run['id']}"}
        )

    @api_operation(
        "B4: reminder runs newest first",
        permission=MANAGE_INVOICES,
        responses={200: schemas.ReminderRunList},
        errors=(403,),
    )
    @http("GET", "/api/v1/billing/reminder-runs")
    def api_billing_reminder_runs(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "list_reminder_runs"))

    @api_operation(
        "B4: one reminder run, its progress and where its e-invoices stand",
        permission=MANAGE_INVOICES,
        responses={200: schemas.ReminderRunDetail},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/reminder-runs/<run_id>")
    def api_billing_reminder_run(self, request, run_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "get_reminder_run", run_id))

    @api_operation(
        "B4: an invoice's reminders level by level (an audited read)",
        permission=MANAGE_INVOICES,
        responses={200: schemas.ReminderList},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/invoices/<invoice_id>/reminders")
    def api_billing_invoice_reminders(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        return json_response(self.call("billing", "invoice_reminders", invoice_id))

    @api_operation(
        "B4: hold an invoice out of reminders and collection (disputed), or release it",
        permission=MANAGE_INVOICES,
        body=schemas.HoldInput,
        responses={200: schemas.Hold},
        errors=(403, 404, 422),
    )
    @http("PUT", "/api/v1/billing/invoices/<invoice_id>/hold")
    def api_billing_invoice_hold(self, request, invoice_id):
        self.api_principal(request, MANAGE_INVOICES)
        body = json_body(request)
        on_hold = body.get("on_hold") if isinstance(body, dict) else None
        return json_response(self.call("billing", "set_invoice_hold", invoice_id, on_hold))

    @api_operation(
        (
            "B4: the reminder PDF in the payer's language: the original invoice's reference, open amount, "
            "fee, interest, new due date, bank barcode and EPC QR of the new total (an audited read)"
        ),
        permission=MANAGE_INVOICES,
        responses={200: file_response("application/pdf")},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/billing/reminders/<reminder_id>/pdf")
    def api_billing_reminder_pdf(self, request, reminder_id):
        self.api_principal(request, MANAGE_INVOICES)
        return file_answer(self.call("billing", "reminder_pdf", reminder_id))

    @api_operation(
        "B4: invoices past the last reminder level without payment, to hand to collection (an audited read)",
        permission=MANAGE_INVOICES,
        query=schemas.CollectionQuery,
        responses={200: schemas.CollectionList},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/collection")
    def api_billing_collection(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        args = request.args
        return json_response(
            self.call(
                "billing",
                "collection_list",
                limit=int_arg(args, "limit", 100),
                offset=int_arg(args, "offset", 0),
            )
        )

    @api_operation(
        "B4: the collection list as a file for the agency: CSV (semicolons, UTF-8) or xlsx (an audited read)",
        permission=MANAGE_INVOICES,
        query=schemas.CollectionExportQuery,
        responses={
            200: file_response(
                "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        },
        errors=(403, 422),
    )
    @http("GET", "/api/v1/billing/collection/export")
    def api_billing_collection_export(self, request):
        self.api_principal(request, MANAGE_INVOICES)
        return file_answer(self.call("billing", "collection_export", request.args.get("format", "csv")))


def _body(request):
    """The run's JSON body; an empty body is a run today."""
    if not request.get_data(cache=True):
        return {}
    body = json_body(request)
    if not isinstance(body, dict):
        raise ValidationFailed("billing.reminder_run_invalid", {"_schema": ["billing.not_an_object"]})
    return body
