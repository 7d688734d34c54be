"""RPC methods of bounce and unsubscribe flags (M5), mixed into MailingService.

``receive_webhook`` takes a Campaign Monitor webhook post that the gateway passes on unread: the list's
secret in its URL must match (else PermissionDenied: the gateway answers 403), a malformed body is a 400,
and each Deactivate event is confirmed through the API (the posts are unsigned) before the contact is
flagged (an address Campaign Monitor does not have on the list, or a list never synced, is ignored, so
one stray event does not make Campaign Monitor post the whole batch again); the flag is a change of
personal data, audited through the outbox. ``flags_of`` gives the flags of contacts (an audited read) for
the pages that show the warning symbol.
"""

import hmac

from nameko.rpc import rpc

from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, PermissionDenied, ValidationFailed
from services.mailing import campaign_monitor
from services.mailing.contract import FLAGS_OF_MAX, errors
from services.mailing.core import MailingCore
from services.mailing.flags import reads, rules, storage
from services.mailing.lists import storage as lists_storage
from services.mailing.sync import storage as sync_storage


class FlagsRpc(MailingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def receive_webhook(self, list_id, secret, body):
        """Flag the contacts whose Deactivate (Unsubscribed, Bounced) Campaign Monitor confirms:
        {"flagged": n, "ignored": n}."""
        key = lists_storage.parse_id(list_id)
        session = self.db.session
        row = lists_storage.get_list(session, key) if key else None
        session.rollback()
        if row is None or not hmac.compare_digest(str(secret), row["webhook_secret"]):
            raise PermissionDenied(errors.WEBHOOK_SECRET_UNKNOWN)
        events = rules.deactivations(body)
        if row["cm_list_id"] is None:  # never synced: nothing at Campaign Monitor to confirm against
            return {"flagged": 0, "ignored": len(events)}
        account = campaign_monitor.configure(self.config)
        flagged = ignored = 0
        for email, kind, when in events:
            try:
                subscriber = account.call(account.subscribers().get, row["cm_list_id"], email)
            except ValidationFailed:  # not on the list there (code 203): nothing to confirm
                ignored += 1
                continue
            if rules.STATE_FLAGS.get(subscriber.State) != kind:
                ignored += 1  # not what Campaign Monitor says now: an old or forged event
                continue
            with self.db.transaction() as session:
                contact_id = sync_storage.contacts_by_email(session, row["id"], [email]).get(email.lower())
                if contact_id is None:
                    ignored += 1
                    continue
                if storage.set_flag(session, contact_id, kind, email, row["id"], "webhook", when):
                    sync_storage.set_member_state(session, row["id"], [contact_id], kind)
                    self.audit.write(
                        self.outbox,
                        session,
                        SYSTEM,
                        f"mailing.contact_{kind}",
                        "contact",
                        [contact_id],
                        fields=["mailing_flags"],
                        details={"list_id": str(row["id"]), "source": "webhook"},
                    )
                    flagged += 1
        self.outbox.flush()
        return {"flagged": flagged, "ignored": ignored}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def flags_of(self, contact_ids):
        """{contact id: [{kind, since, list_id}]} of the contacts that have flags (M5), an audited read."""
        actor = self.context.actor  # any signed-in caller who sees the contact sees its warning symbol
        if not isinstance(contact_ids, list) or len(contact_ids) > FLAGS_OF_MAX:
            raise ValidationFailed(errors.FIELDS_INVALID, {"contact_ids": [errors.FIELDS_INVALID]})
        keys = [key for key in (lists_storage.parse_id(value) for value in contact_ids) if key]
        return reads.read_flags(self.db.session, self.audit, actor, keys)
