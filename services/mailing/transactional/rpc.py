"""Transactional mail (B3, issue 14), a feature of MailingService: ``queue_mail`` takes one mail for one
recipient into the durable queue (idempotent by the caller's key; the mailing workers send it, sending.py),
``mail_statuses`` tells a caller how its mails fared (no personal data), ``list_mails`` is the message log
(recipient and subject: an audited read), and ``receive_dsn`` takes a delivery status notification
(RFC 3464) that the bounce webhook passes on, marks its mail bounced and flags the contact (M5)."""

import base64
import binascii
import hmac
import uuid

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, Conflict, PermissionDenied, ValidationFailed
from services.mailing.contract import (
    ATTACHMENT_INLINE_MAX,
    MAIL_QUEUE_PERMISSIONS,
    MAIL_SEND,
    MAIL_STATUSES,
    MailRequest,
    errors,
)
from services.mailing.core import MailingCore
from services.mailing.lists.storage import parse_id
from services.mailing.transactional import outcomes, rules, storage
from services.mailing.transactional.views import mail_view

MAX_REFERENCES = 1000
MAX_DSN_BYTES = 1024 * 1024
STATUS_FIELDS = ("id", "key", "status", "attempts", "code", "reference", "queued_at", "next_attempt_at",
                 "sent_at", "bounced_at", "failed_at")  # fmt: skip


def checked_request(data):
    """The request's values; ValidationFailed(mailing.mail_invalid) with a code per bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed(errors.MAIL_INVALID, {"_schema": [errors.NOT_AN_OBJECT]})
    try:
        values = MailRequest().load(data)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        raise ValidationFailed(
            errors.MAIL_INVALID, {name: [errors.MAIL_INVALID] for name in messages}
        ) from None
    for position, attachment in enumerate(values["attachments"]):
        if bool(attachment["data"]) == bool(attachment["source"]):
            raise ValidationFailed(errors.MAIL_INVALID, {f"attachments.{position}": [errors.MAIL_INVALID]})
        if attachment["data"]:
            try:
                size = len(base64.b64decode(attachment["data"], validate=True))
            except (binascii.Error, ValueError):
                size = None
            if size is None or size > ATTACHMENT_INLINE_MAX:
                raise ValidationFailed(
                    errors.MAIL_INVALID, {f"attachments.{position}": [errors.MAIL_INVALID]}
                )
    return values


class TransactionalMailRpc(MailingCore):
    def _smtp_settings(self):
        try:
            return rules.settings_from(self.config)
        except rules.NotConfigured as exc:
            raise Conflict(errors.MAIL_NOT_CONFIGURED, {"setting": exc.args[0]}) from None

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def queue_mail(self, request):
        """Queue one mail (contract.MailRequest); the same ``key`` again returns the mail queued first
        (a different recipient under a used key is a Conflict). The mail as contract.Mail."""
        actor = self.context.actor
        if not any(actor.can(permission) for permission in MAIL_QUEUE_PERMISSIONS):
            actor.require(MAIL_QUEUE_PERMISSIONS[0])  # refused with the permission named
        values = checked_request(request)
        settings = self._smtp_settings()
        mail_id = uuid.uuid4()
        reference = values["reference"] or {}
        attachments = [
            {
                "file_name": item["file_name"],
                "content_type": item["content_type"],
                "data": item["data"],
                "source": item["source"],
            }
            for item in values["attachments"]
        ]
        with self.db.transaction() as session:
            row, new = storage.queue(
                session,
                {
                    "id": mail_id,
                    "key": values["key"],
                    "contact_id": values["contact_id"],
                    "recipient": values["to"],
                    "subject": values["subject"],
                    "body": values["body"],
                    "language": values["language"],
                    "attachments": attachments,
                    "disclosed_fields": values["disclosed_fields"],
                    "reference_kind": reference.get("kind"),
                    "reference_id": reference.get("id"),
                    "message_id": rules.new_message_id(mail_id, settings.from_address.rsplit("@", 1)[1]),
                    "actor": actor.to_header(),
                },
            )
            if not new and (row["recipient"] or "").lower() != values["to"].lower():
                raise Conflict(errors.MAIL_KEY_CONFLICT, {"key": values["key"]})
            if new and values["contact_id"]:
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "mailing.mail_queued",
                    "contact",
                    [values["contact_id"]],
                    fields=["email"],
                    details={"mail_id": str(mail_id), "reference": reference or None},
                )
        self.outbox.flush()
        return mail_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def mail_statuses(self, reference_kind, reference_ids):
        """{reference id: [mail status, oldest first]} of the mails queued for these references: status,
        attempts, code and times, no address or text (not personal data)."""
        actor = self.context.actor
        if not any(actor.can(permission) for permission in MAIL_QUEUE_PERMISSIONS):
            actor.require(MAIL_QUEUE_PERMISSIONS[0])  # refused with the permission named
        if not isinstance(reference_ids, list) or len(reference_ids) > MAX_REFERENCES:
            raise ValidationFailed(errors.MAIL_INVALID, {"reference_ids": [errors.LIMIT_INVALID]})
        rows = storage.of_reference(self.db.session, str(reference_kind), [str(key) for key in reference_ids])
        self.db.session.rollback()
        found = {}
        for row in rows:
            view = mail_view(row)
            found.setdefault(row["reference_id"], []).append({name: view[name] for name in STATUS_FIELDS})
        return found

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_mails(self, contact_id=None, status=None, limit=50, offset=0):
        """The message log (recipient, subject, status) of one contact, or the latest mails, ``limit`` after
        the first ``offset`` ({"items", "more": whether a next page has some}): an audited read (mail.send)
        naming the contact asked about and every contact shown."""
        actor = self.context.require(MAIL_SEND)
        if status is not None and status not in MAIL_STATUSES:
            raise ValidationFailed(errors.MAIL_INVALID, {"status": [errors.MAIL_INVALID]})
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 200:
            raise ValidationFailed(errors.MAIL_INVALID, {"limit": [errors.LIMIT_INVALID]})
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValidationFailed(errors.MAIL_INVALID, {"offset": [errors.MAIL_INVALID]})
        key = parse_id(contact_id) if contact_id else None
        if contact_id and key is None:
            raise ValidationFailed(errors.MAIL_INVALID, {"contact_id": [errors.MAIL_INVALID]})
        rows = storage.latest(self.db.session, key, status, limit + 1, offset)
        self.db.session.rollback()
        more, rows = len(rows) > limit, rows[:limit]
        named = sorted(
            {str(row["contact_id"]) for row in rows if row["contact_id"]} | ({str(key)} if key else set())
        )
        if named:
            self.audit.read(
                actor, "mailing.mails_read", "contact", named, fields=["email"], details={"mails": len(rows)}
            )
        return {"items": [mail_view(row) for row in rows], "more": more}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def receive_dsn(self, secret, message):
        """A delivery status notification (the raw message, base64) that the bounce webhook passes on:
        each hard bounce (Action failed, Status 5.x.x) of a mail of ours marks it bounced and flags its
        contact. {"bounced": n, "ignored": n}. A wrong secret: PermissionDenied (403); not a DSN: 400."""
        expected = str(self.config.get("MAILING_DSN_SECRET") or "")
        if not expected or not hmac.compare_digest(str(secret), expected):
            raise PermissionDenied(errors.DSN_SECRET_UNKNOWN)
        try:
            raw = base64.b64decode(str(message), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(errors.DSN_INVALID, {"body": [errors.DSN_INVALID]}) from None
        if len(raw) > MAX_DSN_BYTES:
            raise ValidationFailed(errors.DSN_INVALID, {"body": [errors.DSN_INVALID]})
        try:
            reports = rules.parse_dsn(raw)
        except ValueError:
            raise ValidationFailed(errors.DSN_INVALID, {"body": [errors.DSN_INVALID]}) from None
        self.context.act_as(SYSTEM)
        bounced = ignored = 0
        for report in reports:
            if not report.hard or report.mail_id is None:
                ignored += 1
                continue
            with self.db.transaction() as session:
                row = storage.get(session, report.mail_id, lock=True)
                same = row is not None and (row["recipient"] or "").lower() == report.recipient.lower()
                detail = f"{report.status} {report.diagnostic}".strip()
                row = (
                    storage.bounce_sent(session, report.mail_id, errors.MAIL_DSN_BOUNCE, detail)
                    if same
                    else None
                )
                if row is None:
                    ignored += 1
                    continue
                outcomes.announce(self.outbox, self.audit, session, row, source="dsn")
                bounced += 1
        self.outbox.flush()
        return {"bounced": bounced, "ignored": ignored}
