"""Invoice runs (B1), a billing feature (BillingCore): preview a run (who, how many, what total, who is left
out and why), start it (a billing worker runs it: runs/running.py), follow it (with its stored PDFs made
so far, B2)."""

from datetime import timedelta

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed
from services.billing import input_codes
from services.billing.contract import PERMISSION, SELECTION_KINDS, RunInput
from services.billing.core import BillingCore
from services.billing.fee_types import storage as fee_storage
from services.billing.invoice_pdfs import storage as pdf_storage
from services.billing.invoices import money, rules
from services.billing.invoices import storage as invoice_storage
from services.billing.runs import running, storage
from services.billing.runs.queue import queue_run

RUN_FIELDS = (
    "id",
    "fee_type_id",
    "selection",
    "per_couple",
    "invoice_date",
    "due_date",
    "delivery",
    "actor_username",
    "status",
    "pages_done",
    "invoices_created",
    "total",
    "excluded",
    "error",
    "attempts",
    "created_at",
    "started_at",
    "finished_at",
)


def run_view(run):
    view = {}
    for name in RUN_FIELDS:
        value = run.get(name)
        if name == "total":
            value = money.text(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif name in ("id", "fee_type_id"):
            value = str(value)
        view[name] = value
    return view


def load_run(data, payment_days):
    if not isinstance(data, dict):
        raise ValidationFailed("billing.run_invalid", {"_schema": ["billing.not_an_object"]})
    # Every field's problem at once (issue 13 item 9): the schema's, the selection's and the dates' together.
    errors = {}
    try:
        values = RunInput().load(data)
    except ValidationError as exc:
        errors = dict(input_codes.coded(exc, data))
        values = dict(exc.valid_data)
    selection = values.get("selection")
    if isinstance(selection, dict) and selection.get("kind") not in SELECTION_KINDS:
        errors["selection.kind"] = ["billing.selection_kind_unknown"]
    if "invoice_date" in values and "due_date" in values:
        values["invoice_date"] = values["invoice_date"] or clock.today()
        values["due_date"] = values["due_date"] or values["invoice_date"] + timedelta(days=payment_days)
        if values["due_date"] < values["invoice_date"]:
            errors["due_date"] = ["billing.due_before_invoice_date"]
    if errors:
        raise ValidationFailed("billing.run_invalid", errors)
    return values


class RunsRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview_run(self, data):
        """What start_run would do now: {"count", "amount_each", "total", "payers", "excluded": {reason:
        count}, "excluded_contacts"} (the lists cut at 200; the counts whole). Reads the selection's
        contacts (contacts.payer_page, audited there)."""
        self.context.require(PERMISSION)
        values = load_run(data, self.settings.payment_days)
        session = self.db.session
        fee_type = fee_storage.active_fee_type(session, values["fee_type_id"])
        try:
            return running.preview(
                session,
                lambda cursor: self._payer_page(values["selection"], cursor),
                fee_type,
                values,
                invoice_storage.rates(session),
            )
        except rules.BadInvoice as exc:
            raise ValidationFailed("billing.run_invalid", {exc.field: [exc.code]}) from None
        finally:
            session.rollback()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def start_run(self, data):
        """Store the run and queue it for a billing worker; the selection is checked by reading its first
        page now (a bad group or saved search fails here, not in the worker)."""
        actor = self.context.require(PERMISSION)
        values = load_run(data, self.settings.payment_days)
        fee_type = fee_storage.active_fee_type(self.db.session, values["fee_type_id"])
        self.db.session.rollback()
        self._payer_page(values["selection"], None, limit=1)
        with self.db.transaction() as session:
            run = storage.insert_run(
                session,
                {
                    "fee_type_id": fee_type["id"],
                    "selection": values["selection"],
                    "per_couple": values["per_couple"],
                    "invoice_date": values["invoice_date"],
                    "due_date": values["due_date"],
                    "delivery": values["delivery"],
                    "actor": actor.to_header(),
                    "actor_id": actor.id,
                    "actor_username": actor.username,
                },
            )
            queue_run(self.outbox, session, run["id"])
        self.outbox.flush()
        return run_view(run)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_run(self, run_id):
        self.context.require(PERMISSION)
        key = invoice_storage.parse_id(run_id)
        run = storage.get(self.db.session, key) if key else None
        pdfs = pdf_storage.progress(self.db.session, key) if run else None
        self.db.session.rollback()
        if run is None:
            raise NotFound("billing.run_not_found", {"id": str(run_id)})
        return {**run_view(run), "pdfs": pdfs}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_runs(self):
        self.context.require(PERMISSION)
        runs = storage.list_runs(self.db.session)
        self.db.session.rollback()
        return {"items": [run_view(run) for run in runs]}
