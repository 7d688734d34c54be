"""Paid-up membership (B4, issue 15), a feature of ContactsService: it follows billing's ``invoice_paid``
and ``invoice_credited`` (idempotent by invoice and member: a redelivered event changes nothing), keeps
the free or honorary membership flag (``contacts.edit``, audited, with a reason), and publishes every
change of a member's paid-up status as ``membership_paid_changed`` (automations and mailing lists follow
it). The status is read with the contact (its ``paid_membership`` part) and searched by the ``paid_up``
and ``not_paid_up`` filters."""

import datetime
import uuid

from nameko.events import event_handler
from nameko.rpc import rpc
from sqlalchemy import func, select

from piiri.context import SYSTEM
from piiri.dead_letters import Unprocessable
from piiri.errors import EXPECTED_ERRORS, NotFound
from services.contacts.core import ContactsCore
from services.contacts.paid_membership import rules, storage
from services.contacts.paid_membership.contract import MembershipFlag, MembershipFlagInput
from services.contacts.person.rules import load
from services.contacts.validation.contract import invalid

EDIT = "contacts.edit"
FLAG = MembershipFlag()


def invoice_of(payload):
    """(invoice id, membership period or None, [member ids]) of a billing invoice event."""
    payload = payload if isinstance(payload, dict) else {}
    try:
        invoice_id = uuid.UUID(str(payload.get("invoice_id")))
    except ValueError:
        raise Unprocessable("billing invoice event without invoice_id") from None
    return invoice_id, rules.valid_period(payload.get("membership_period")), rules.member_ids(payload)


def _date(value):
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class PaidMembershipRpc(ContactsCore):
    """Payments and credits from billing into paid periods; the free or honorary flag."""

    @event_handler("billing", "invoice_paid", requeue_on_error=True)
    def paid_membership_on_invoice_paid(self, payload):
        invoice_id, period, named = invoice_of(payload)
        if period is None:
            return 0
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            members = storage.existing_members(session, named)
            if not members:
                return 0
            storage.lock_members(session, members)
            before = {key: self._paid_state(session, key) for key in members}
            new = storage.record_payment(session, invoice_id, members, period, _date(payload.get("paid_on")))
            self._announce(session, new, before, "payment", period, invoice_id)
        self.outbox.flush()
        return len(new)

    @event_handler("billing", "invoice_credited", requeue_on_error=True)
    def paid_membership_on_invoice_credited(self, payload):
        invoice_id, period, named = invoice_of(payload)
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            members = storage.existing_members(session, named)
            holders = list(dict.fromkeys([*members, *storage.live_holders(session, invoice_id)]))
            storage.lock_members(session, holders)
            before = {key: self._paid_state(session, key) for key in holders}
            # An invoice credited unpaid can be paid no more: only a paid one leaves withdrawn rows, so
            # that its invoice_paid arriving after the credit (out of order) changes nothing.
            late_guard = members if payload.get("was_paid") is not False else []
            withdrawn = storage.withdraw(session, invoice_id, late_guard, period)
            self._announce(session, withdrawn, before, "credit", period, invoice_id)
        self.outbox.flush()
        return len(withdrawn)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_membership_flag(self, contact_id, data):
        """Mark the membership free or honorary (paid up for every period), with the reason."""
        actor = self.context.require(EDIT)
        values = load(MembershipFlagInput(), data)
        values["reason"] = values["reason"].strip()
        if not values["reason"]:
            raise invalid({"reason": ["contacts.membership_flag_reason_required"]})
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            previous = storage.flag_of(session, contact["id"])
            flag = storage.set_flag(
                session, contact["id"], values["kind"], values["reason"], actor.username or actor.id
            )
            self.audit.write(
                self.outbox, session, actor, "contact.membership_flag_set", "contact", [contact["id"]],
                fields=["paid_membership"], details={"kind": values["kind"], "reason": values["reason"]},
            )  # fmt: skip
            if previous is None or previous["kind"] != flag["kind"]:
                self._publish(session, contact["id"], "flag_set", None, True, None)
        self.outbox.flush()
        return FLAG.dump(flag)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def clear_membership_flag(self, contact_id):
        """Remove the free or honorary flag: paid up again only for the periods paid."""
        actor = self.context.require(EDIT)
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            removed = storage.clear_flag(session, contact["id"])
            if removed is None:
                raise NotFound("contacts.membership_flag_not_found", {"id": str(contact_id)})
            self.audit.write(
                self.outbox, session, actor, "contact.membership_flag_cleared", "contact", [contact["id"]],
                fields=["paid_membership"], details={"kind": removed["kind"]},
            )  # fmt: skip
            self._publish(session, contact["id"], "flag_cleared", None, False, None)
        self.outbox.flush()
        return {"cleared": removed["kind"]}

    # --- helpers ----------------------------------------------------------------------------------------

    def _paid_state(self, session, contact_id):
        return storage.payments_of(session, contact_id), storage.flag_of(session, contact_id)

    def _announce(self, session, changed, before, cause, period, invoice_id):
        """Audit the system's change of each member's paid periods; publish where the status changed."""
        if not changed:
            return
        self.audit.write(
            self.outbox, session, SYSTEM, f"contact.membership_{cause}", "contact", changed,
            fields=["paid_membership"], details={"invoice_id": str(invoice_id), "period": period},
        )  # fmt: skip
        for key in changed:
            earlier = before.get(key)
            was = rules.paid_up(*earlier, period) if earlier else False
            payments, flag = self._paid_state(session, key)
            now = rules.paid_up(payments, flag, period)
            if was != now:
                self._publish(session, key, cause, period, now, invoice_id)

    def _publish(self, session, contact_id, cause, period, paid_up, invoice_id):
        payments, flag = self._paid_state(session, contact_id)
        self.outbox.event(
            session,
            "membership_paid_changed",
            {
                "contact_id": str(contact_id),
                "cause": cause,
                "period": period,
                "paid_up": paid_up,
                "invoice_id": str(invoice_id) if invoice_id else None,
                "paid_periods": rules.paid_periods(payments),
                "membership_flag": flag["kind"] if flag else None,
                "occurred_at": session.execute(select(func.now())).scalar_one().isoformat(),
            },
        )
