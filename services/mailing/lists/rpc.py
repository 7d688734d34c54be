"""RPC methods of mailing lists (M1), mixed into MailingService: define, change and archive lists, see who
of the audience is left out and why, start a full sync and follow the runs. All need ``mail.send``.

The audience is never stored: each look and each sync asks contacts.mailing_audience anew (consent-gated
for the list's purpose at that moment, in the caller's data scope); the contacts flagged here (M5) are
left out on top of the contacts service's reasons.
"""

from nameko.rpc import rpc
from sqlalchemy import func

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.contacts.mailing_audience.contract import REASONS
from services.mailing import campaign_monitor
from services.mailing.contract import MAIL_SEND, MAILING_REASONS, MailingList, SyncFailure, SyncRun, errors
from services.mailing.core import MailingCore
from services.mailing.flags import storage as flags_storage
from services.mailing.lists import rules, storage
from services.mailing.sync import storage as sync_storage
from services.mailing.sync.queue import queue_run

LIST, RUN, FAILURE = MailingList(), SyncRun(), SyncFailure()
MAX_AUDIENCE_PAGE = 200


WEBHOOK_UNKNOWN = 603  # Campaign Monitor: Invalid WebhookID (deleted there)


def list_view(row, last_run=None):
    view = LIST.dump(
        {**row, "webhook_active": bool(row["webhook_id"]) and row["webhook_deactivated_at"] is None}
    )
    view["last_sync"] = run_view(last_run) if last_run else None
    return view


def run_view(run):
    return RUN.dump(run)


def selection_of(row):
    chosen = {"kind": row["source_kind"], "id": str(row["source_id"])}
    if row["source_kind"] == "group":
        chosen["include_subgroups"] = row["include_subgroups"]
    return chosen


class ListsRpc(MailingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_list(self, data):
        """A new list {name, purpose, source_kind, source_id, include_subgroups, fields}; the purpose, the
        source and the fields are checked against the contacts service (its audience of one contact)."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_input(data)
        self._check_source(values)
        with self.db.transaction() as session:
            if storage.name_taken(session, values["name"]):
                raise Conflict(errors.LIST_NAME_TAKEN, {"name": [errors.LIST_NAME_TAKEN]})
            row = storage.insert_list(
                session, {**values, "actor": actor.to_header(), "created_by": actor.username}
            )
        return list_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_list(self, list_id, changes):
        """Change a list; its members follow at the next sync. The caller becomes the list's actor."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_input(changes, partial=True)
        with self.db.transaction() as session:
            row = self._list(session, list_id, for_update=True)
            merged = {**row, **values}
            if values.keys() & {"purpose", "source_kind", "source_id", "include_subgroups", "fields"}:
                self._check_source(merged)
            if "name" in values and storage.name_taken(session, values["name"], row["id"]):
                raise Conflict(errors.LIST_NAME_TAKEN, {"name": [errors.LIST_NAME_TAKEN]})
            row = storage.update_list(session, row["id"], {**values, "actor": actor.to_header()})
        return list_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def archive_list(self, list_id):
        """Stop following the list (its Campaign Monitor list stays as it is)."""
        self.context.require(MAIL_SEND)
        with self.db.transaction() as session:
            row = self._list(session, list_id, for_update=True)
            if row["archived_at"] is None:
                row = storage.update_list(session, row["id"], {"archived_at": func.now()})
        return list_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_list(self, list_id):
        self.context.require(MAIL_SEND)
        session = self.db.session
        row = self._list(session, list_id)
        last = storage.last_runs(session, [row["id"]]).get(row["id"])
        counts = sync_storage.member_counts(session, row["id"])
        session.rollback()
        view = list_view(row, last)
        view["members"] = counts
        return view

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_lists(self, archived=False):
        self.context.require(MAIL_SEND)
        session = self.db.session
        rows = storage.all_lists(session, bool(archived))
        last = storage.last_runs(session, [row["id"] for row in rows])
        session.rollback()
        return {"items": [list_view(row, last.get(row["id"])) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def audience(self, list_id, reason=None, cursor=None, limit=50):
        """Who of the list's audience may be mailed now and who is left out, per reason (M1): {"items",
        "next_cursor", "total", "reasons" {reason: count}} with the contacts service's reasons (deceased,
        no_email, invalid_email, no_consent), this service's (unsubscribed, bounced) and ``erased`` (the
        members erased since the list began, counted only). ``reason`` lists only those left out for it."""
        self.context.require(MAIL_SEND)
        if reason is not None and reason not in REASONS and reason not in MAILING_REASONS:
            raise ValidationFailed(errors.REASON_INVALID, {"reason": [errors.REASON_INVALID]})
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_AUDIENCE_PAGE:
            raise ValidationFailed(
                errors.LIMIT_INVALID,
                {"limit": [{"code": errors.LIMIT_INVALID, "params": {"max": MAX_AUDIENCE_PAGE}}]},
            )
        session = self.db.session
        row = self._list(session, list_id)
        if reason in MAILING_REASONS:
            flagged = flags_storage.flagged_members(session, row["id"], reason, limit)
            session.rollback()
            if flagged:
                self.audit.read(
                    self.context.actor,
                    "mailing.flags_read",
                    "contact",
                    [item["contact_id"] for item in flagged],
                    fields=["mailing_flags"],
                    details={"list_id": str(row["id"]), "reason": reason},
                )
            items = [
                {"id": str(item["contact_id"]), "excluded": reason, "since": item["occurred_at"].isoformat()}
                for item in flagged
            ]
            return {"items": items, "next_cursor": None, "total": None, "reasons": None}
        session.rollback()
        page = self.contacts.mailing_audience(
            selection_of(row), row["purpose"], [], cursor, limit, reason, None, str(row["id"])
        )
        if page.get("reasons") is not None:
            session = self.db.session
            members = sync_storage.member_counts(session, row["id"])
            session.rollback()
            page["reasons"] = {
                **page["reasons"],
                **{kind: members.get(kind, 0) for kind in MAILING_REASONS},
                "erased": row["erased_count"],
            }
        return page

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def start_sync(self, list_id):
        """Queue a full sync of the list (409 while one is queued or running); the caller becomes the list's
        actor, whose data scope the audience is read in."""
        actor = self.context.require(MAIL_SEND)
        with self.db.transaction() as session:
            row = self._list(session, list_id, for_update=True)
            if row["archived_at"] is not None:
                raise Conflict(errors.LIST_ARCHIVED)
            running = sync_storage.unfinished_run(session, row["id"], "full")
            if running is not None:
                raise Conflict(errors.SYNC_RUNNING, {"run_id": str(running["id"])})
            storage.update_list(session, row["id"], {"actor": actor.to_header()})
            run = sync_storage.insert_run(
                session,
                {
                    "list_id": row["id"],
                    "kind": "full",
                    "actor": actor.to_header(),
                    "requested_by": actor.username,
                },
            )
            queue_run(self.outbox, session, run["id"])
        self.outbox.flush()
        return run_view(run)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def reactivate_webhook(self, list_id):
        """M5: switch the list's webhook on again at Campaign Monitor after it switched it off (errors for a
        week), and clear the alert; a webhook deleted there is made anew (with MAILING_WEBHOOK_BASE_URL).
        409 mailing.webhook_none before the list's first sync made one, 409 mailing.webhook_no_address when
        it was deleted there and Piiri has no public address to make one (the alert stays); Campaign Monitor
        down: 503."""
        self.context.require(MAIL_SEND)
        session = self.db.session
        row = self._list(session, list_id)
        session.rollback()
        if not row["cm_list_id"] or not row["webhook_id"]:
            raise Conflict(errors.WEBHOOK_NONE)
        account = campaign_monitor.configure(self.config)
        cm_list = account.lists(row["cm_list_id"])
        values = {"webhook_deactivated_at": None}
        with campaign_monitor.answered_plainly():
            try:
                account.call(cm_list.activate_webhook, row["webhook_id"])
            except ValidationFailed as exc:
                if (exc.details or {}).get("cm_code") != WEBHOOK_UNKNOWN:
                    raise
                url = rules.remade_webhook_url(self.config.get("MAILING_WEBHOOK_BASE_URL"), row)
                values["webhook_id"] = account.call(cm_list.create_webhook, ["Deactivate"], url, "json")
        with self.db.transaction() as session:
            updated = storage.update_list(session, row["id"], values)
        return list_view(updated)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def sync_runs(self, list_id, limit=20):
        self.context.require(MAIL_SEND)
        session = self.db.session
        row = self._list(session, list_id)
        runs = sync_storage.runs_of(session, row["id"], max(1, min(int(limit), 100)))
        session.rollback()
        return {"items": [run_view(run) for run in runs]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def sync_run(self, run_id):
        """One run with its refused rows (contact id, code, details naming the field): an audited read of
        the contacts refused."""
        actor = self.context.require(MAIL_SEND)
        session = self.db.session
        key = storage.parse_id(run_id)
        run = sync_storage.get_run(session, key) if key else None
        if run is None:
            session.rollback()
            raise NotFound(errors.SYNC_NOT_FOUND, {"id": str(run_id)})
        failures = sync_storage.failures_of(session, run["id"])
        session.rollback()
        if failures:
            self.audit.read(
                actor,
                "mailing.sync_failures_read",
                "contact",
                [item["contact_id"] for item in failures],
                fields=["mailing_sync_failures"],
                details={"run_id": str(run["id"]), "list_id": str(run["list_id"])},
            )
        return {**run_view(run), "failures": [FAILURE.dump(item) for item in failures]}

    def _list(self, session, list_id, for_update=False):
        key = storage.parse_id(list_id)
        row = storage.get_list(session, key, for_update) if key else None
        if row is None:
            session.rollback()
            raise NotFound(errors.LIST_NOT_FOUND, {"id": str(list_id)})
        return row

    def _check_source(self, values):
        """The contacts service checks the purpose, the source (visible to the caller) and the fields."""
        self.contacts.mailing_audience(
            selection_of(values), values["purpose"], values["fields"], None, 1, "deceased"
        )
