"""Running one sync of a mailing list to Campaign Monitor (M1), in a mailing worker.

Full sync: make sure the Campaign Monitor list, its Deactivate webhook and the custom fields of the list's
fields exist (created on demand); read who unsubscribed or bounced at Campaign Monitor since the last sync
and flag them (the webhooks are unsigned and may be off, so the API is the reconciliation); page the
audience anew (contacts.mailing_audience: consent-gated for the list's purpose, in the list's actor's
scope); import the mailable, unflagged contacts in calls of at most 1,000, reading a code 210 answer row by
row; then delete at Campaign Monitor the members no longer in the audience. Every import call is an audited
disclosure (``mailing.subscribers_disclosed``, through the outbox in the same transaction that records
the members). A row over a Campaign Monitor limit is not sent: it is a failure naming the contact and
field. The position (cursor) and the counts are saved after every page, so a run stopped by a dead worker
or a Campaign Monitor outage resumes where it stopped.

Incremental sync: the same for the contacts named by contact events (at most 1,000 per run).
"""

import logging
import time
import uuid
from datetime import UTC, datetime

from piiri.context import SYSTEM
from piiri.errors import PiiriError
from services.mailing.campaign_monitor import CampaignMonitorDown
from services.mailing.contract import errors
from services.mailing.flags import storage as flags_storage
from services.mailing.lists import storage as lists_storage
from services.mailing.lists.rules import webhook_url
from services.mailing.sync import rules, storage

log = logging.getLogger(__name__)

PAGE = 1000
DISCLOSED = "mailing.subscribers_disclosed"
REMOVED = "mailing.subscribers_removed"
RECIPIENT = "Campaign Monitor"


class RunGone(Exception):
    """The list was archived or the run removed while it ran."""


class SyncRunner:
    """One run. ``kit``: db, account (campaign_monitor.Account), audience (the contacts RPC as the list's
    actor), audit, outbox, actor (the list's), webhook_base (URL or None), retries, backoff_first,
    reconcile_since (a date text or "")."""

    def __init__(self, kit, mailing_list, run):
        self.kit = kit
        self.list = mailing_list
        self.run = run
        self.counts = dict(run.get("counts") or {})
        self.counts.setdefault("excluded", {})
        for name in ("audience", "pushed", "new", "existing", "failed", "removed"):
            self.counts.setdefault(name, 0)
        self.cm_types = None

    def learn(self, page):
        """The Campaign Monitor data type of each list field (custom fields' types come with the page), then
        the list, webhook and custom fields at Campaign Monitor, made if missing."""
        if self.cm_types is None:
            custom_types = {
                key: value["field_type"] for key, value in (page.get("custom_fields") or {}).items()
            }
            self.cm_types = {field: rules.cm_data_type(field, custom_types) for field in self.list["fields"]}
            self.ensure_list()

    # --- Campaign Monitor calls with retries --------------------------------------------------------------

    def cm(self, function, *args, **kwargs):
        """One client call; Campaign Monitor down, slow, 429 or 5xx: tried again with a growing pause, then
        CampaignMonitorDown (the run fails retryably and resumes from its saved position)."""
        attempt = 0
        while True:
            try:
                return self.kit.account.call(function, *args, **kwargs)
            except CampaignMonitorDown:
                attempt += 1
                if attempt > self.kit.retries:
                    raise
                time.sleep(rules.backoff(attempt, self.kit.backoff_first))

    # --- set-up -------------------------------------------------------------------------------------------

    def ensure_list(self):
        account = self.kit.account
        values = {}
        if not self.list["cm_list_id"]:
            title = f"{self.list['name']} ({str(self.list['id'])[:8]})"
            values["cm_list_id"] = self.cm(account.lists().create, account.client_id, title, "", False, "")
            self.list["cm_list_id"] = values["cm_list_id"]
        if not self.list["webhook_id"] and self.kit.webhook_base:
            base = self.kit.webhook_base.rstrip("/")
            url = webhook_url(base, self.list)
            lists = account.lists(self.list["cm_list_id"])
            values["webhook_id"] = self.cm(lists.create_webhook, ["Deactivate"], url, "json")
            self.list["webhook_id"] = values["webhook_id"]
        elif self.list["webhook_id"]:
            hooks = self.cm(account.lists(self.list["cm_list_id"]).webhooks)
            active = any(
                hook.WebhookID == self.list["webhook_id"] and hook.Status == "Active" for hook in hooks
            )
            if not active and self.list["webhook_deactivated_at"] is None:
                values["webhook_deactivated_at"] = datetime.now(UTC)  # M5: the alert on the list's page
            elif active and self.list["webhook_deactivated_at"] is not None:
                values["webhook_deactivated_at"] = None  # switched on again at Campaign Monitor: no alert
        cm_fields = dict(self.list["cm_fields"] or {})
        missing = [field for field in self.list["fields"] if field not in cm_fields]
        if missing:
            lists = account.lists(self.list["cm_list_id"])
            existing = {item.FieldName: item.Key for item in self.cm(lists.custom_fields)}
            for field in missing:
                name = rules.cm_field_name(field)
                if name not in existing:
                    existing[name] = self.cm(lists.create_custom_field, name, self.cm_types[field])
                cm_fields[field] = existing[name]
            values["cm_fields"] = cm_fields
            self.list["cm_fields"] = cm_fields
        if values:
            with self.kit.db.transaction() as session:
                lists_storage.update_list(session, self.list["id"], values)

    def reconcile(self):
        """Flag the members who unsubscribed or bounced at Campaign Monitor since the list's last sync."""
        lists = self.kit.account.lists(self.list["cm_list_id"])
        since = self.kit.reconcile_since or ""
        for kind, read in (("unsubscribed", lists.unsubscribed), ("bounced", lists.bounced)):
            page = 1
            while True:
                answer = self.cm(read, since, page, 1000)
                emails = {item.EmailAddress: item.Date for item in answer.Results}
                with self.kit.db.transaction() as session:
                    known = storage.contacts_by_email(session, self.list["id"], list(emails))
                    flagged = []
                    for email, when in emails.items():
                        contact_id = known.get(email.lower())
                        if contact_id is not None:
                            if flags_storage.set_flag(
                                session, contact_id, kind, email, self.list["id"], "reconcile", f"{when}+00"
                            ):
                                flagged.append(contact_id)
                            storage.set_member_state(session, self.list["id"], [contact_id], kind)
                    if flagged:  # a new flag changes the person's data: audited as the webhook's are
                        self.kit.audit.write(
                            self.kit.outbox,
                            session,
                            SYSTEM,
                            f"mailing.contact_{kind}",
                            "contact",
                            flagged,
                            fields=["mailing_flags"],
                            details={"list_id": str(self.list["id"]), "source": "reconcile"},
                        )
                self.kit.outbox.flush()
                if page >= answer.NumberOfPages:
                    break
                page += 1

    # --- the audience -------------------------------------------------------------------------------------

    def selection(self):
        kind = self.list["source_kind"]
        chosen = {"kind": kind, "id": str(self.list["source_id"])}
        if kind == "group":
            chosen["include_subgroups"] = self.list["include_subgroups"]
        return chosen

    def full(self):
        cursor = self.counts.get("cursor")
        first = cursor is None
        page = self.kit.audience(
            self.selection(), self.list["purpose"], self.list["fields"], cursor, self.kit.page, None
        )
        while True:
            self.learn(page)
            if not self.counts.get("reconciled"):
                self.reconcile()
                self.counts["reconciled"] = True
            if first:
                self.counts["excluded"] = dict(page.get("reasons") or {})
                self.counts["audience"] = page.get("total") or 0
                first = False
            cursor = page.get("next_cursor")
            # the next page is read by the contacts service while this one goes to Campaign Monitor
            ahead = (
                self.kit.audience_ahead(
                    self.selection(), self.list["purpose"], self.list["fields"], cursor, self.kit.page, None
                )
                if cursor
                else None
            )
            self.push(page["items"])
            self.counts["cursor"] = cursor
            self.save_progress()
            if ahead is None:
                break
            page = ahead.result()
        self.remove_departed()
        self.counts.pop("cursor", None)

    def incremental(self):
        if not self.list["cm_list_id"]:
            return  # never synced: the first full sync will take everyone
        ids = list(dict.fromkeys(str(value) for value in self.run["contact_ids"]))
        if not ids:
            return
        page = self.kit.audience(self.selection(), self.list["purpose"], self.list["fields"], None, PAGE, ids)
        self.learn(page)
        self.push(page["items"])
        mailable = {item["id"] for item in page["items"] if item["excluded"] is None}
        with self.kit.db.transaction() as session:
            members = storage.members_of(session, self.list["id"], [uuid.UUID(value) for value in ids])
        leaving = [
            member
            for key, member in members.items()
            if str(key) not in mailable and member["state"] == "active"
        ]
        self.delete_at_cm(leaving)

    def push(self, items):
        """Import the mailable and unflagged contacts of a page; count the rest."""
        wanted = [item["id"] for item in items if item["excluded"] is None]
        with self.kit.db.transaction() as session:
            flags = flags_storage.first_flag_kinds(session, wanted)
        rows, row_contacts, failures, moved = [], {}, [], []
        for item in items:
            if item["excluded"] is not None:
                continue
            reason = flags.get(item["id"])
            if reason is not None:
                self.counts["excluded"][reason] = self.counts["excluded"].get(reason, 0) + 1
                continue
            key = uuid.UUID(item["id"])
            try:
                row = rules.subscriber_row(item, self.list["fields"], self.cm_types)
            except rules.RowProblem as problem:
                failures.append({"contact_id": key, "code": problem.code, "details": problem.params})
                continue
            rows.append(row)
            row_contacts[item["email"].lower()] = (key, item["email"])
        for batch in rules.batches(rows):
            moved += self.import_batch(batch, row_contacts, failures)
        if failures:
            self.counts["failed"] += len(failures)
            with self.kit.db.transaction() as session:
                storage.record_failures(session, self.run["id"], failures)
        self.delete_at_cm(moved, keep_members=True)  # an address changed: the old one leaves the list

    def import_batch(self, batch, row_contacts, failures):
        """One import call; the members pushed and the disclosure recorded. The members whose address
        changed (their old address is to be deleted at Campaign Monitor) are returned."""
        subscribers = self.kit.account.subscribers()
        result = self.cm(subscribers.import_subscribers, self.list["cm_list_id"], batch, True)
        refused = {}
        for item in result.FailureDetails or []:
            refused[item.EmailAddress.lower()] = {"cm_code": item.Code, "cm_message": item.Message}
        pushed, addresses = {}, {}
        for row in batch:
            key, email = row_contacts[row["EmailAddress"].lower()]
            addresses[key] = email
            problem = refused.get(email.lower())
            if problem is not None:
                failures.append({"contact_id": key, "code": errors.CM_REJECTED, "details": problem})
            else:
                pushed[key] = email
        self.counts["pushed"] += len(pushed)
        self.counts["new"] += result.TotalNewSubscribers or 0
        self.counts["existing"] += result.TotalExistingSubscribers or 0
        with self.kit.db.transaction() as session:
            moved = storage.moved_members(session, self.list["id"], addresses)
            storage.upsert_members(session, self.list["id"], pushed)
            if pushed:
                self.kit.audit.write(
                    self.kit.outbox,
                    session,
                    self.kit.actor,
                    DISCLOSED,
                    "contact",
                    list(pushed),
                    fields=["email", "display_name", *self.list["fields"]],
                    details={
                        "list_id": str(self.list["id"]),
                        "cm_list_id": self.list["cm_list_id"],
                        "recipient": RECIPIENT,
                        "run_id": str(self.run["id"]),
                    },
                )
        self.kit.outbox.flush()
        return moved

    def remove_departed(self):
        """Delete at Campaign Monitor the active members this run did not push: they left the audience."""
        since = self.run["started_at"]
        while True:
            with self.kit.db.transaction() as session:
                leaving = storage.members_not_pushed_since(session, self.list["id"], since)
            if not leaving:
                return
            self.delete_at_cm(leaving)

    def delete_at_cm(self, members, keep_members=False):
        """Delete the members' addresses at Campaign Monitor (one already gone is fine) and mark them
        removed (unless ``keep_members``: an address change, whose new address is already recorded)."""
        if not members:
            return
        for member in members:
            subscriber = self.kit.account.subscribers(self.list["cm_list_id"], member["email"])
            try:
                self.cm(subscriber.delete)
            except PiiriError as exc:
                if exc.details.get("cm_code") != 203:  # not in the list or already removed
                    raise
        with self.kit.db.transaction() as session:
            if not keep_members:
                storage.set_member_state(
                    session, self.list["id"], [member["contact_id"] for member in members], "removed"
                )
                self.counts["removed"] += len(members)
            self.kit.audit.write(
                self.kit.outbox,
                session,
                self.kit.actor,
                REMOVED,
                "contact",
                [member["contact_id"] for member in members],
                fields=["email"],
                details={
                    "list_id": str(self.list["id"]),
                    "cm_list_id": self.list["cm_list_id"],
                    "recipient": RECIPIENT,
                },
            )
        self.kit.outbox.flush()

    def save_progress(self):
        with self.kit.db.transaction() as session:
            if lists_storage.get_list(session, self.list["id"]) is None:
                raise RunGone()
            storage.heartbeat(session, self.run["id"], self.counts)
