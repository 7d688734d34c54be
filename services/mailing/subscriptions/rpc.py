"""Subscription forms (M3, issue 14), a feature of MailingService.

Staff (``mail.send``): ``subscription_form`` (made the first time it is asked for: off, a public token,
consent text version 1) and ``update_subscription_form`` (on/off, consent texts: a change is a new
version). The public hosted page and the embeddable form (the gateway acts as the system for them):
``public_subscription_form`` shows a form that is on; ``submit_subscription`` holds a pending
subscription and queues the confirmation mail through the transactional SMTP path, answering the same
``{"status": "accepted"}`` whatever happened (rate limited, mailed a moment ago, already subscribed: never
revealed); ``subscription_link`` says what a confirmation link is now and ``confirm_subscription`` uses
it once: it records the consent for the list's purpose (with the text's version, source ``form``, note
"subscription form <list>"), creates or matches the contact (duplicate matching as in imports, the
e-mail first) and adds them to the list's group, acting as FORM_ACTOR. ``purge_subscriptions`` deletes
the pending subscriptions past expiry (with their mails' text) and the rate limits' old attempts."""

import logging
from datetime import UTC, datetime

from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import func, select

from piiri.context import SYSTEM, Actor
from piiri.errors import (
    EXPECTED_ERRORS,
    Conflict,
    NotFound,
    PiiriError,
    ServiceUnavailable,
    ValidationFailed,
)
from services.mailing.contract import MAIL_SEND, errors
from services.mailing.contract import subscriptions as contract
from services.mailing.core import MailingCore
from services.mailing.lists import storage as lists_storage
from services.mailing.subscriptions import rules, storage
from services.mailing.transactional import rules as mail_rules
from services.mailing.transactional import storage as mail_storage

log = logging.getLogger(__name__)

# Who confirms a subscription in the contacts service: recorded as the consent's and the contact's
# author; its permissions are exactly what a confirmation does there.
FORM_ACTOR = Actor(
    id="subscription-form",
    username="subscription-form",
    kind="system",
    permissions=("contacts.view", "contacts.edit", "contacts.import", "mail.send"),
)
ACCEPTED = {"status": "accepted"}
PURGE_INTERVAL = 60
FORM = contract.SubscriptionForm()


class SubscriptionsRpc(MailingCore):
    # --- staff ------------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def subscription_form(self, list_id):
        """The list's form (contract.SubscriptionForm) with its pending and confirmed counts."""
        actor = self.context.require(MAIL_SEND)
        with self.db.transaction() as session:
            mailing_list, form = self._form(session, list_id, actor)
            view = self._form_view(session, mailing_list, form)
        return view

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_subscription_form(self, list_id, changes):
        """Switch the form on or off and change its consent texts (a change: the next version)."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_form(changes)
        with self.db.transaction() as session:
            mailing_list, form = self._form(session, list_id, actor, for_update=True)
            if values.get("enabled") and mailing_list["archived_at"] is not None:
                raise Conflict(errors.LIST_ARCHIVED)
            update = {"updated_by": actor.username}
            if "enabled" in values:
                update["enabled"] = values["enabled"]
            texts = values.get("consent_texts")
            if texts is not None and texts != storage.texts_of(
                session, form["list_id"], form["consent_version"]
            ):
                update["consent_version"] = form["consent_version"] + 1
                storage.add_texts(session, form["list_id"], update["consent_version"], texts, actor.username)
            form = storage.update_form(session, form["list_id"], update)
            view = self._form_view(session, mailing_list, form)
        return view

    def _form(self, session, list_id, actor, for_update=False):
        key = lists_storage.parse_id(list_id)
        mailing_list = lists_storage.get_list(session, key) if key else None
        if mailing_list is None:
            raise NotFound(errors.LIST_NOT_FOUND, {"id": str(list_id)})
        form = storage.form_of(session, key, for_update)
        if form is None:
            texts = rules.default_texts(mailing_list["name"])
            form = storage.create_form(session, key, rules.new_token(), texts, actor.username)
            if for_update:
                form = storage.form_of(session, key, True)
        return mailing_list, form

    def _form_view(self, session, mailing_list, form):
        versions = storage.versions_of(session, form["list_id"])
        current = [item["texts"] for item in versions if item["version"] == form["consent_version"]]
        return FORM.dump(
            {
                **form,
                "list_name": mailing_list["name"],
                "source_kind": mailing_list["source_kind"],
                "consent_texts": dict(current[0]) if current else {},
                "versions": versions,
                "counts": storage.counts(session, form["list_id"]),
            }
        )

    # --- the public page --------------------------------------------------------------------------------

    def _public(self, session, token):
        form = storage.form_by_token(session, token)
        if form is None or not form["enabled"] or form["archived_at"] is not None:
            raise NotFound(contract.NOT_AVAILABLE, {"token": str(token)[:100]})
        return form

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def public_subscription_form(self, token, language="fi"):
        """What the hosted page shows (contract.PublicForm); NotFound for a form that is off or unknown."""
        language = language if language in contract.LANGUAGES else "fi"
        session = self.db.session
        try:
            form = self._public(session, token)
            texts = storage.texts_of(session, form["list_id"], form["consent_version"])
        finally:
            session.rollback()
        return {
            "token": form["token"],
            "list_name": form["name"],
            "purpose": rules.purpose_label(self._purpose(form["purpose"]), language),
            "consent_text": rules.in_language(texts, language),
            "consent_version": form["consent_version"],
            "language": language,
        }

    def _purpose(self, code):
        self.context.act_as(FORM_ACTOR)
        try:
            found = [item for item in self.contacts.list_processing_purposes() if item["code"] == code]
        except ServiceUnavailable:
            found = []
        return found[0] if found else {"code": code}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def submit_subscription(self, token, data, client_address, base_url):
        """Hold a pending subscription and queue its confirmation mail; always {"status": "accepted"} (a
        bad address: ValidationFailed naming the field; a form that is off: NotFound)."""
        values = rules.checked_submission(data)
        settings = rules.settings_from(self.config)
        try:
            smtp = mail_rules.settings_from(self.config)
        except mail_rules.NotConfigured as exc:
            raise Conflict(errors.MAIL_NOT_CONFIGURED, {"setting": exc.args[0]}) from None
        email = values["email"]
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            form = self._public(session, token)
            session.execute(
                select(func.pg_advisory_xact_lock(func.hashtext(f"{form['list_id']}:{email.lower()}")))
            )
            keys = [
                ("ip", rules.digest(self.config, "ip", str(client_address or "-"))),
                ("email", rules.digest(self.config, "email", rules.normal_email(email))),
            ]
            since = rules.cutoff(now)
            ip_count, email_count = (storage.attempts_since(session, kind, key, since) for kind, key in keys)
            storage.record_attempts(session, keys)
            if rules.over_limit(ip_count, settings.ip_per_hour) or rules.over_limit(
                email_count, settings.email_per_hour
            ):
                log.info("mailing: a subscription to list %s was rate limited", form["list_id"])
                return ACCEPTED
            last = storage.latest_pending(session, form["list_id"], email, for_update=True)
            if last is not None and rules.resend_too_soon(last["created_at"], now, settings):
                return ACCEPTED
            if last is not None:
                storage.delete_pending(session, [last["id"]])  # one pending per address and list
            code = rules.new_code()
            expires_at = now + settings.expiry
            row = storage.insert_pending(
                session,
                {
                    "list_id": form["list_id"],
                    "code_hash": rules.code_hash(code),
                    "email": email,
                    "first_name": values["first_name"] or None,
                    "last_name": values["last_name"] or None,
                    "language": values["language"],
                    "consent_version": form["consent_version"],
                    "expires_at": expires_at,
                },
            )
            subject, body = rules.confirmation_mail(
                values["language"],
                form["name"],
                rules.confirm_link(base_url, form["token"], code, values["language"]),
                expires_at,
                smtp.from_name,
            )
            mail, _ = mail_storage.queue(
                session,
                {
                    "key": f"subscription-{row['id']}",
                    "contact_id": None,
                    "recipient": email,
                    "subject": subject,
                    "body": body,
                    "language": values["language"],
                    "attachments": [],
                    "disclosed_fields": [],
                    "reference_kind": "subscription",
                    "reference_id": str(row["id"]),
                    "message_id": mail_rules.new_message_id(row["id"], smtp.from_address.rsplit("@", 1)[1]),
                    "actor": FORM_ACTOR.to_header(),
                },
            )
            storage.set_mail(session, row["id"], mail["id"])
        return ACCEPTED

    # --- the confirmation link --------------------------------------------------------------------------

    def _link(self, session, token, code, for_update=False):
        row = storage.by_code_hash(session, rules.code_hash(code), for_update)
        form = storage.form_by_token(session, token)
        if row is not None and (form is None or row["list_id"] != form["list_id"]):
            row = None  # a code of another list's link: unknown here
        return row, form

    def _answer(self, state, form):
        return {
            "state": state,
            "list_name": form["name"] if form else None,
            "form_open": bool(form and form["enabled"] and form["archived_at"] is None),
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def subscription_link(self, token, code):
        """What a confirmation link is now: {"state": pending | already_confirmed | expired, "list_name",
        "form_open"} (expired: past its time, replaced by a newer one, or unknown)."""
        session = self.db.session
        try:
            row, form = self._link(session, token, code)
        finally:
            session.rollback()
        return self._answer(rules.link_state(row, datetime.now(UTC)), form)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def confirm_subscription(self, token, code):
        """Use a confirmation link: the consent, the contact, the group; {"state": confirmed} the first
        time, already_confirmed after, expired for a link past its time (or unknown)."""
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            row, form = self._link(session, token, code, for_update=True)
            state = rules.link_state(row, now)
            if state != contract.PENDING:
                return self._answer(state, form)
            mailing_list = lists_storage.get_list(session, row["list_id"])
            self.context.act_as(FORM_ACTOR)
            contact_id = self._contact_for(row)
            self._record_consent(contact_id, mailing_list, row, now)
            if mailing_list["source_kind"] == "group":
                self._join_group(contact_id, mailing_list)
            storage.confirmed(session, row["id"], contact_id)
            self.audit.write(
                self.outbox,
                session,
                FORM_ACTOR,
                "mailing.subscription_confirmed",
                "contact",
                [contact_id],
                fields=["email", "consents"],
                details={
                    "list_id": str(mailing_list["id"]),
                    "purpose": mailing_list["purpose"],
                    "consent_version": row["consent_version"],
                },
            )
        self.outbox.flush()
        return self._answer(contract.CONFIRMED, form)

    def _contact_for(self, row):
        """The contact the address matches (as an import matches a row: the e-mail first), or a new one."""
        values = {
            "email": row["email"],
            "first_name": row["first_name"],
            # a person needs a name: the address until staff know more
            "last_name": row["last_name"] or (None if row["first_name"] else row["email"]),
            "language": row["language"],
        }
        values = {key: value for key, value in values.items() if value}
        found = self.contacts.match_import_rows(
            [{"row": 1, "values": values}], {"match_on": ["email"], "on_duplicate": "update_fill"}
        )["rows"][0]
        if found["invalid"]:
            raise ValidationFailed(contract.SUBSCRIPTION_INVALID, {"email": [contract.EMAIL_INVALID]})
        if found["contact_id"]:
            return found["contact_id"]
        return self.contacts.create_contact(values)["id"]

    def _record_consent(self, contact_id, mailing_list, row, now):
        self.contacts.record_consent(
            contact_id,
            {
                "purpose": mailing_list["purpose"],
                "given": True,
                "source": contract.CONSENT_SOURCE,
                "text_version": f"{mailing_list['id']}:{row['consent_version']}"[:60],
                "note": rules.consent_note(mailing_list["name"]),
                "recorded_at": now.isoformat(),
            },
        )

    def _join_group(self, contact_id, mailing_list):
        try:
            self.contacts.add_members(str(mailing_list["source_id"]), [contact_id])
        except PiiriError as exc:  # the group archived meanwhile: the consent stands, staff see the count
            log.warning(
                "mailing: subscriber not added to group %s: %s", mailing_list["source_id"], exc.message
            )

    # --- upkeep -----------------------------------------------------------------------------------------

    @timer(interval=PURGE_INTERVAL)
    def purge_subscriptions(self):
        """Delete pending subscriptions past expiry (their mails emptied) and attempts older than a day."""
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            gone, attempts = storage.purge(session)
        if gone:
            log.info("mailing: %s expired subscriptions deleted", gone)
