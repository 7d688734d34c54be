"""Reminders (B4), a billing feature (BillingCore): the levels and the reference-rate table, a reminder run
(preview, start: a billing worker runs it, follow), an invoice's reminders and each reminder's PDF
(audited: they hold the payer's name and address), holding an invoice out of reminders (disputed), and the
collection list of invoices past the last level (audited; CSV or xlsx to hand to a collection agency)."""

import base64

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.billing import input_codes
from services.billing.contract import PERMISSION, ReferenceRateInput, ReminderRunInput
from services.billing.core import BillingCore
from services.billing.email_delivery import storage as email_storage
from services.billing.invoices import money
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import PERSONAL_FIELDS
from services.billing.reminders import collection, document, rules, running, storage, views
from services.billing.runs.queue import queue_reminder_run

PAYER_IDS_PAGE = 1000


def load_run(data):
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("billing.reminder_run_invalid", {"_schema": ["billing.not_an_object"]})
    try:
        values = ReminderRunInput().load(data)
    except ValidationError as exc:
        raise ValidationFailed("billing.reminder_run_invalid", input_codes.coded(exc)) from None
    today = clock.today()
    on = values["reminder_date"] or today
    if on > today:
        raise ValidationFailed(
            "billing.reminder_run_invalid", {"reminder_date": ["billing.reminder_date_in_future"]}
        )
    return on


def missing_rate(exc):
    """409 naming the half-year whose reference rate is missing: in the details for a program, in the
    params for the message's text (without them its {valid_from} reached the user unfilled)."""
    half_year = {"valid_from": exc.half_year.isoformat()}
    return Conflict("billing.reference_rate_missing", half_year, half_year)


class RemindersRpc(BillingCore):
    def _fetch_payers(self, ids):
        """{contact id: payer row} of ``ids`` (contacts.payer_page: audited there, in the actor's scope)."""
        found = {}
        for start in range(0, len(ids), PAYER_IDS_PAGE):
            page = self._payer_page({"kind": "ids", "ids": ids[start : start + PAYER_IDS_PAGE]})
            found.update({row["id"]: row for row in page["items"]})
        return found

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def reminder_settings(self):
        """The levels, fees and interest setting, and the reference-rate table."""
        self.context.require(PERMISSION)
        found = storage.list_rates(self.db.session)
        self.db.session.rollback()
        return {
            **views.levels_view(self.settings.reminders),
            "rates": [
                {
                    "valid_from": row["valid_from"].isoformat(),
                    "rate": money.text(row["rate"]),
                    "builtin": row["builtin"],
                }
                for row in found
            ],
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def put_reference_rate(self, data):
        """Add a half-year's reference rate (a built-in one is not changed)."""
        actor = self.context.require(PERMISSION)
        if not isinstance(data, dict):
            raise ValidationFailed("billing.reference_rate_invalid", {"_schema": ["billing.not_an_object"]})
        try:
            values = ReferenceRateInput().load(data)
        except ValidationError as exc:
            raise ValidationFailed("billing.reference_rate_invalid", input_codes.coded(exc)) from None
        if not rules.is_half_year_start(values["valid_from"]):
            raise ValidationFailed(
                "billing.reference_rate_invalid", {"valid_from": ["billing.reference_rate_not_half_year"]}
            )
        try:
            rate = money.parse(values["rate"], allow_zero=True)
        except money.BadAmount as exc:
            raise ValidationFailed("billing.reference_rate_invalid", {"rate": [exc.code]}) from None
        if rate > 20:
            raise ValidationFailed(
                "billing.reference_rate_invalid", {"rate": ["billing.reference_rate_too_high"]}
            )
        with self.db.transaction() as session:
            row = storage.put_rate(session, values["valid_from"], rate)
            if row is None:
                raise Conflict(
                    "billing.reference_rate_builtin", {"valid_from": values["valid_from"].isoformat()}
                )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "reference_rate.set",
                "reference_rate",
                [values["valid_from"].isoformat()],
                (),
                {"rate": money.text(rate)},
            )
        self.outbox.flush()
        return {
            "valid_from": row["valid_from"].isoformat(),
            "rate": money.text(row["rate"]),
            "builtin": False,
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview_reminder_run(self, data=None):
        """What start_reminder_run would do on the day: the invoices, level, fee, interest and total each,
        and which are left out and why (lists cut at 200; counts whole). An audited read of the payers."""
        actor = self.context.require(PERMISSION)
        on = load_run(data)
        try:
            found = running.preview(self.db.session, self._fetch_payers, on, self.settings)
        except rules.MissingRate as exc:
            raise missing_rate(exc) from None
        finally:
            self.db.session.rollback()
        shown = views.subjects(found["items"] + found["excluded_invoices"])
        if shown:
            self.audit.read(
                actor,
                "reminder.previewed",
                "contact",
                shown,
                ("payer_name",),
                {"reminders": found["count"]},
            )
        return found

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def start_reminder_run(self, data=None):
        """Store the run and queue it for a billing worker (checking first that the rates cover it)."""
        actor = self.context.require(PERMISSION)
        on = load_run(data)
        rates = storage.rates(self.db.session)
        self.db.session.rollback()
        if self.settings.reminders.interest:
            oldest = storage.oldest_overdue(self.db.session, on)
            self.db.session.rollback()
            try:
                if oldest is not None:
                    rules.interest_parts(money.parse("1.00"), oldest, on, rates, "consumer")
            except rules.MissingRate as exc:
                raise missing_rate(exc) from None
        with self.db.transaction() as session:
            run = storage.insert_run(
                session,
                {
                    "reminder_date": on,
                    "actor": actor.to_header(),
                    "actor_id": actor.id,
                    "actor_username": actor.username,
                },
            )
            queue_reminder_run(self.outbox, session, run["id"])
        self.outbox.flush()
        return views.run_view(run)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_reminder_run(self, run_id):
        self.context.require(PERMISSION)
        key = invoice_storage.parse_id(run_id)
        run = storage.get_run(self.db.session, key) if key else None
        einvoices = storage.einvoices_of_run(self.db.session, key) if run else None
        self.db.session.rollback()
        if run is None:
            raise NotFound("billing.reminder_run_not_found", {"id": str(run_id)})
        return {**views.run_view(run), "einvoices": views.run_einvoices_view(einvoices)}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_reminder_runs(self):
        self.context.require(PERMISSION)
        runs = storage.list_runs(self.db.session)
        self.db.session.rollback()
        return {"items": [views.run_view(run) for run in runs]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def invoice_reminders(self, invoice_id):
        """The invoice's reminders, level by level, each with its latest e-mailing ({status, at, code} or
        null; B4) (an audited read)."""
        actor = self.context.require(PERMISSION)
        invoice = self._invoice(invoice_id)
        rows = storage.of_invoice(self.db.session, invoice["id"])
        mails = email_storage.of_documents(self.db.session, "reminder", [row["id"] for row in rows])
        self.db.session.rollback()
        if rows:
            self.audit.read(
                actor,
                "reminder.listed",
                "contact",
                views.subjects([invoice]),
                ("delivery_address",),
                {"number": invoice["number"], "reminders": len(rows)},
            )
        return {
            "items": views.reminders_view(rows, invoice, mails),
            "on_hold": invoice["on_hold"],
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def reminder_pdf(self, reminder_id):
        """{"file_name", "content_type", "data" (base64)}: the reminder PDF in the payer's language."""
        actor = self.context.require(PERMISSION)
        key = invoice_storage.parse_id(reminder_id)
        session = self.db.session
        reminder = storage.get(session, key) if key else None
        invoice = invoice_storage.get(session, reminder["invoice_id"]) if reminder else None
        session.rollback()
        if reminder is None or invoice is None:
            raise NotFound("billing.reminder_not_found", {"id": str(reminder_id)})
        self.audit.read(
            actor,
            "reminder.pdf_read",
            "contact",
            views.subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"], "level": reminder["level"]},
        )
        data = document.render(reminder, invoice, self.settings)
        return {
            "file_name": views.file_name(reminder, invoice),
            "content_type": "application/pdf",
            "data": base64.b64encode(data).decode("ascii"),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_invoice_hold(self, invoice_id, on_hold):
        """Hold an invoice out of reminders and collection (disputed), or release it."""
        actor = self.context.require(PERMISSION)
        if not isinstance(on_hold, bool):
            raise ValidationFailed("billing.hold_invalid", {"on_hold": ["billing.not_a_boolean"]})
        key = invoice_storage.parse_id(invoice_id)
        with self.db.transaction() as session:
            invoice = storage.set_hold(session, key, on_hold) if key else None
            if invoice is None or invoice["kind"] != "invoice":
                raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
            self.audit.write(
                self.outbox,
                session,
                actor,
                "invoice.hold_set" if on_hold else "invoice.hold_released",
                "contact",
                views.subjects([invoice]),
                (),
                {"number": invoice["number"]},
            )
        self.outbox.flush()
        return {"invoice_id": str(invoice["id"]), "on_hold": invoice["on_hold"]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def collection_list(self, limit=100, offset=0):
        """Invoices past the last reminder level without payment (an audited read)."""
        actor = self.context.require(PERMISSION)
        collection.check_page(limit, offset)
        rows, total = self._collection(limit, offset)
        if rows:
            self.audit.read(
                actor,
                "collection.listed",
                "contact",
                views.subjects([invoice for invoice, _ in rows]),
                collection.PERSONAL,
                {"invoices": len(rows)},
            )
        return {"items": [collection.item(invoice, reminder) for invoice, reminder in rows], "total": total}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def collection_export(self, file_format="csv"):
        """The whole collection list as a file for the agency: {"file_name", "content_type", "data"}."""
        actor = self.context.require(PERMISSION)
        if file_format not in collection.FORMATS:
            raise ValidationFailed("billing.export_invalid", {"format": ["billing.export_format_unknown"]})
        rows, _ = self._collection(collection.EXPORT_LIMIT, 0)
        items = [collection.item(invoice, reminder) for invoice, reminder in rows]
        self.audit.read(
            actor,
            "collection.exported",
            "contact",
            views.subjects([invoice for invoice, _ in rows]),
            collection.PERSONAL,
            {"invoices": len(rows), "format": file_format},
        )
        made = collection.export(items, file_format, clock.today())
        return {**made, "data": base64.b64encode(made["data"]).decode("ascii")}

    def _collection(self, limit, offset):
        levels = len(self.settings.reminders.levels)
        rows, total = storage.collection(
            self.db.session, clock.today(), self.settings.reminders.collection_days, levels, limit, offset
        )
        self.db.session.rollback()
        return rows, total

    def _invoice(self, invoice_id):
        key = invoice_storage.parse_id(invoice_id)
        invoice = invoice_storage.get(self.db.session, key) if key else None
        self.db.session.rollback()
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        return invoice
