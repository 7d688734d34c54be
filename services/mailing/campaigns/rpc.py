"""Campaigns (M1, M4), mixed into MailingService: a campaign made from a template for one or more mailing
lists, its preview for a chosen contact, a test send (at most 15 addresses, Campaign Monitor's
send_preview), sending now or at a time, unscheduling, who it was sent to (the ledger: audited reads), a
contact's campaigns (``contact_mailing``: with the contact's flags, the contact page's one call), and its
report pulled from Campaign Monitor on demand (M4), with each recipient's opens and clicks on the ledger
(tracked only for contacts who consented to tracking).

Sending (``send_campaign``) only queues: each list's audience is re-evaluated and synced (a full sync run,
or the one already queued or running), then a mailing worker freezes the recipient ledger and asks
Campaign Monitor to send (campaigns/sending.py). A campaign already on its way is returned as it is, so a
retried request never sends twice. The content Campaign Monitor fetches is served through the gateway
(``campaign_content``, public, authenticated by the campaign's secret).
"""

import secrets

from nameko.rpc import rpc
from sqlalchemy import func

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.mailing import campaign_monitor
from services.mailing.campaigns import at_cm, rules, storage
from services.mailing.contract import MAIL_SEND, Campaign, errors
from services.mailing.core import MailingCore
from services.mailing.flags import bounces
from services.mailing.flags import rules as flag_rules
from services.mailing.flags.reads import read_flags
from services.mailing.lists.storage import parse_id
from services.mailing.mail_templates import rules as template_rules
from services.mailing.mail_templates import storage as template_storage
from services.mailing.mail_templates.preview import preview
from services.mailing.storage import plain
from services.mailing.sync import storage as sync_storage
from services.mailing.sync.queue import queue_run

CAMPAIGN = Campaign()
ON_ITS_WAY = ("syncing", "dispatching", "scheduled", "sent")
RECIPIENTS_PAGE_MAX = 500
TRACKING = ("opens", "clicks", "links", "last_opened_at", "last_clicked_at")  # M4, per recipient


def contact_key(contact_id):
    key = parse_id(contact_id)
    if key is None:
        raise ValidationFailed(errors.CAMPAIGN_INVALID, {"contact_id": [errors.CAMPAIGN_INVALID]})
    return key


def read_timeline(session, audit, actor, key):
    """The campaigns sent to the contact ``key``, newest first; the read is audited when there are any."""
    rows = storage.campaigns_of_contact(session, key)
    session.rollback()
    if rows:
        audit.read(actor, "mailing.campaign_recipients_read", "contact", [key], fields=["mailing_campaigns"])
    return [plain(row) for row in rows]


def campaign_view(row):
    return CAMPAIGN.dump(
        {
            **row,
            "subject": row["template"]["subject"],
            "list_ids": [str(item) for item in row["list_ids"]],
        }
    )


class CampaignsRpc(MailingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_campaign(self, data):
        """A draft {name, template_id, list_ids, from_name, from_email, reply_to}; the template's parts are
        copied (later edits of the template do not change it) and checked as Campaign Monitor gets them."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_input(data)
        with self.db.transaction() as session:
            template = template_storage.get_template(session, parse_id(values["template_id"]))
            if template is None or template["archived_at"] is not None:
                raise NotFound(errors.TEMPLATE_NOT_FOUND, {"template_id": [errors.TEMPLATE_NOT_FOUND]})
            lists = storage.lists_of(session, values["list_ids"])
            unknown = [key for key in values["list_ids"] if parse_id(key) not in lists]
            archived = [key for key, row in lists.items() if row["archived_at"] is not None]
            if unknown or archived:
                raise NotFound(
                    errors.LIST_NOT_FOUND,
                    {
                        "list_ids": [
                            {"code": errors.LIST_NOT_FOUND, "params": {"id": str((unknown or archived)[0])}}
                        ]
                    },
                )
            parts = {part: template[part] for part in template_rules.PARTS}
            template_rules.for_campaign_monitor(parts)
            # M2: a custom.<key> the template merges must be a field of every list
            template_rules.unknown_list_fields(parts, rules.list_fields(lists))
            if storage.name_taken(session, values["name"]):
                raise Conflict(errors.CAMPAIGN_NAME_TAKEN, {"name": [errors.CAMPAIGN_NAME_TAKEN]})
            row = storage.insert_campaign(
                session,
                {
                    **values,
                    "template_id": template["id"],
                    "template": parts,
                    "content_secret": secrets.token_urlsafe(24),
                    "actor": actor.to_header(),
                    "created_by": actor.username,
                },
            )
        return campaign_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_campaigns(self):
        self.context.require(MAIL_SEND)
        rows = storage.all_campaigns(self.db.session)
        self.db.session.rollback()
        return {"items": [campaign_view(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_campaign(self, campaign_id):
        self.context.require(MAIL_SEND)
        row = self._campaign(self.db.session, campaign_id)
        self.db.session.rollback()
        return campaign_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview_campaign(self, campaign_id, contact_id=None):
        """{subject, html, text} for a contact (read through the contacts service: an audited read) or,
        without one, the sample values."""
        self.context.require(MAIL_SEND)
        row = self._campaign(self.db.session, campaign_id)
        self.db.session.rollback()
        if contact_id is not None and parse_id(contact_id) is None:
            raise ValidationFailed(errors.CAMPAIGN_INVALID, {"contact_id": [errors.CAMPAIGN_INVALID]})
        return preview(self.contacts, row["template"], contact_id)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def campaign_content(self, campaign_id, secret, kind):
        """The content Campaign Monitor fetches (``html`` or ``text``) with its personalisation tags; an
        unknown campaign or secret: 404."""
        key = parse_id(campaign_id)
        row = storage.get_campaign(self.db.session, key) if key else None
        self.db.session.rollback()
        if (
            row is None
            or kind not in ("html", "text")
            or not secrets.compare_digest(str(secret), row["content_secret"])
        ):
            raise NotFound(errors.CAMPAIGN_CONTENT_UNKNOWN)
        rendered = template_rules.for_campaign_monitor(row["template"])
        return rendered.html if kind == "html" else rendered.text

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_test(self, campaign_id, addresses):
        """A test send to at most 15 addresses through Campaign Monitor (the draft is made there first if
        needed; its lists must have been synced). Merge fields show their fallbacks."""
        self.context.require(MAIL_SEND)
        chosen = rules.test_addresses(addresses)
        row = self._campaign(self.db.session, campaign_id)
        self.db.session.rollback()
        if row["status"] in ("sent", "dispatching"):
            raise Conflict(errors.CAMPAIGN_STATE, {"status": row["status"]})
        account = campaign_monitor.configure(self.config)
        with campaign_monitor.answered_plainly():
            row = at_cm.ensure_created(self.db, account, self.config, row["id"])
            account.call(account.campaigns(row["cm_campaign_id"]).send_preview, chosen, "fallback")
        return {"sent_to": chosen}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def send_campaign(self, campaign_id, send_at=None):
        """Send now (``send_at`` None) or at a time (ISO 8601, a minute to a year ahead): the lists are
        synced first, then a worker sends. A campaign already on its way is returned unchanged."""
        actor = self.context.require(MAIL_SEND)
        when = rules.send_time(send_at)
        with self.db.transaction() as session:
            row = self._campaign(session, campaign_id, for_update=True)
            if row["status"] in ON_ITS_WAY:
                return campaign_view(row)
            lists = storage.lists_of(session, row["list_ids"])
            if any(item["archived_at"] is not None for item in lists.values()) or len(lists) != len(
                row["list_ids"]
            ):
                raise Conflict(errors.LIST_ARCHIVED)
            run_ids = []
            for key in lists:
                running = sync_storage.unfinished_run(session, key, "full")
                if running is None:
                    running = sync_storage.insert_run(
                        session,
                        {
                            "list_id": key,
                            "kind": "full",
                            "actor": actor.to_header(),
                            "requested_by": actor.username,
                        },
                    )
                    queue_run(self.outbox, session, running["id"])
                run_ids.append(str(running["id"]))
            row = storage.update_campaign(
                session,
                row["id"],
                {
                    "status": "syncing",
                    "send_at": when,
                    "sync_run_ids": run_ids,
                    "requested_by": actor.username,
                    "actor": actor.to_header(),
                    "error": None,
                    "error_details": None,
                },
            )
        self.outbox.flush()
        return campaign_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def unschedule_campaign(self, campaign_id):
        """A scheduled campaign back to a draft (at Campaign Monitor too); one not scheduled: 409."""
        self.context.require(MAIL_SEND)
        with self.db.transaction() as session:
            row = self._campaign(session, campaign_id, for_update=True)
            if row["status"] != "scheduled" or not row["cm_campaign_id"]:
                raise Conflict(errors.CAMPAIGN_STATE, {"status": row["status"]})
            account = campaign_monitor.configure(self.config)
            try:
                with campaign_monitor.answered_plainly():
                    account.call(account.campaigns(row["cm_campaign_id"]).unschedule)
            except ValidationFailed as exc:
                if at_cm.cm_code(exc) != at_cm.NOT_SCHEDULED:
                    raise
                raise Conflict(errors.CAMPAIGN_STATE, {"status": "sent"}) from None
            row = storage.update_campaign(session, row["id"], {"status": "draft", "send_at": None})
        return campaign_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def campaign_recipients(self, campaign_id, limit=100, offset=0):
        """Who the campaign was sent to (the ledger frozen at send time): an audited read."""
        actor = self.context.require(MAIL_SEND)
        limit = max(1, min(int(limit), RECIPIENTS_PAGE_MAX))
        session = self.db.session
        row = self._campaign(session, campaign_id)
        items = storage.recipients_of(session, row["id"], limit, max(int(offset), 0))
        session.rollback()
        named = [item["contact_id"] for item in items if item["contact_id"]]
        if named:
            self.audit.read(
                actor,
                "mailing.campaign_recipients_read",
                "contact",
                named,
                fields=["mailing_campaigns"],
                details={"campaign_id": str(row["id"])},
            )
        keep = ("contact_id", "email", "list_id", "recorded_at", "erased_at", *TRACKING)
        return {
            "total": row["recipients"],
            "items": [plain({key: item[key] for key in keep}) for item in items],
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contact_campaigns(self, contact_id):
        """The campaigns sent to a contact, newest first (their mailing timeline): an audited read."""
        actor = self.context.require(MAIL_SEND)
        return {"items": read_timeline(self.db.session, self.audit, actor, contact_key(contact_id))}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contact_mailing(self, contact_id):
        """The contact page's mailing in one call (M4, M5): {"flags": flags_of's list for the contact,
        "campaigns": contact_campaigns's items, or None for a caller without mail.send}; each read audited
        as those two audit it."""
        actor = self.context.actor
        key = contact_key(contact_id)
        flags = read_flags(self.db.session, self.audit, actor, [key]).get(str(key), [])
        timeline = read_timeline(self.db.session, self.audit, actor, key) if actor.can(MAIL_SEND) else None
        return {"flags": flags, "campaigns": timeline}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def refresh_campaign_report(self, campaign_id):
        """M4: pull the campaign's figures from Campaign Monitor now and keep them on the campaign."""
        self.context.require(MAIL_SEND)
        row = self._campaign(self.db.session, campaign_id)
        self.db.session.rollback()
        if row["status"] not in ("sent", "scheduled") or not row["cm_campaign_id"]:
            raise Conflict(errors.CAMPAIGN_STATE, {"status": row["status"]})
        account = campaign_monitor.configure(self.config)
        with campaign_monitor.answered_plainly():
            figures, bounced, activity = at_cm.report_and_bounces(account, row)
        limit = flag_rules.soft_bounce_limit(self.config)
        with self.db.transaction() as session:
            row = storage.update_campaign(session, row["id"], {"report": figures, "report_at": func.now()})
            storage.note_tracking(session, row["id"], activity)  # M4, per recipient
            bounces.apply_bounces(session, self.audit, self.outbox, row["id"], bounced, limit)  # M5
        self.outbox.flush()
        return campaign_view(row)

    def _campaign(self, session, campaign_id, for_update=False):
        key = parse_id(campaign_id)
        row = storage.get_campaign(session, key, for_update) if key else None
        if row is None:
            session.rollback()
            raise NotFound(errors.CAMPAIGN_NOT_FOUND, {"id": str(campaign_id)})
        return row
