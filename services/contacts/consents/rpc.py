"""RPC methods of G1, a feature of ContactsService: processing purposes, consents (append-only history),
person-specific legal bases and the per-person data protection view; reads audited, changes published."""

from datetime import UTC, datetime

from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.contacts import storage as contact_storage
from services.contacts.consents import rules, storage
from services.contacts.consents.contract import (
    Consent,
    ConsentInput,
    DataProtectionView,
    LegalBasis,
    LegalBasisEnd,
    LegalBasisInput,
    Purpose,
    PurposeChanges,
    PurposeInput,
)
from services.contacts.core import ContactsCore
from services.contacts.person.rules import load, parse_uuid
from services.contacts.retention import rules as retention_rules
from services.contacts.retention import storage as retention_storage
from services.contacts.validation.contract import invalid

GDPR_OFFICER = "gdpr.officer"
PURPOSE, CONSENT, LEGAL_BASIS, VIEW = Purpose(), Consent(), LegalBasis(), DataProtectionView()
VIEW_FIELDS = ["consents", "legal_bases", "memberships", "mailing_permissions", "retention"]


def purpose_out(row):
    return PURPOSE.dump({**row, "mailing": row["code"] in rules.MAILING_PURPOSES})


def with_current(history):
    """Consent rows newest first, each flagged ``current`` if it is the latest of its purpose."""
    current = {row["id"] for row in rules.current_consents(history).values()}
    return [{**row, "current": row["id"] in current} for row in history]


def consents_out(history):
    return CONSENT.dump(with_current(history), many=True)


class ConsentsRpc(ContactsCore):
    """G1: purposes, consents, legal bases, the data protection view."""

    # --- purposes --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_processing_purposes(self):
        """Every purpose (no personal data: not audited)."""
        self.context.require("contacts.view")
        purposes = storage.purposes_all(self.db.session)
        self.db.session.rollback()
        return [purpose_out(row) for row in purposes]

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_processing_purpose(self, data):
        actor = self.context.require(GDPR_OFFICER)
        values = load(PurposeInput(), data)
        with self.db.transaction() as session:
            if storage.purpose(session, values["code"]):
                raise Conflict(
                    "contact.code_taken", {"code": ["contact.code_taken"]}, {"code": values["code"]}
                )
            purpose = purpose_out(storage.insert_purpose(session, values))
            self._purpose_changed(session, actor, "created", purpose, sorted(values))
        self.outbox.flush()
        return purpose

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_processing_purpose(self, code, changes):
        """Change a purpose's labels, description or default legal basis; its code never changes."""
        actor = self.context.require(GDPR_OFFICER)
        if isinstance(changes, dict) and "code" in changes:
            raise ValidationFailed("A purpose's code cannot be changed.", {"code": ["contact.fixed"]})
        values = load(PurposeChanges(), changes, partial=True)
        with self.db.transaction() as session:
            current = storage.purpose(session, str(code), for_update=True)
            if current is None:
                raise NotFound(f"No processing purpose {code}.", {"code": str(code)})
            changed = {key: value for key, value in values.items() if current.get(key) != value}
            if not changed:
                return purpose_out(current)
            purpose = purpose_out(storage.update_purpose(session, current["code"], changed))
            self._purpose_changed(session, actor, "changed", purpose, sorted(changed))
        self.outbox.flush()
        return purpose

    def _purpose_changed(self, session, actor, what, purpose, fields):
        self.audit.write(
            self.outbox, session, actor, f"processing_purpose.{what}", "processing_purpose",
            [purpose["code"]], fields=fields,
        )  # fmt: skip
        self.outbox.event(session, f"processing_purpose_{what}", {"purpose": purpose})

    def _existing_purpose(self, session, code, field="purpose"):
        purpose = storage.purpose(session, code)
        if purpose is None:
            raise ValidationFailed("err.dp_unknown_purpose", {field: ["err.dp_unknown_purpose"]})
        return purpose

    # --- consents --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def record_consent(self, contact_id, data):
        """Append a consent given or withdrawn; the latest row per purpose is the current state."""
        actor = self.context.require("contacts.edit")
        values = load(ConsentInput(), data)
        now = datetime.now(UTC)
        recorded_at = values.get("recorded_at") or now
        problem = rules.consent_time_problem(recorded_at, now)
        if problem:
            raise invalid({"recorded_at": [problem]})
        source = values.get("source") or ("api" if actor.kind == "token" else "staff")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            self._existing_purpose(session, values["purpose"])
            if storage.consent_at(session, contact["id"], values["purpose"], recorded_at):
                raise Conflict("err.dp_same_time", {"recorded_at": ["err.dp_same_time"]})
            row = storage.insert_consent(
                session,
                {
                    "contact_id": contact["id"],
                    "purpose": values["purpose"],
                    "given": values["given"],
                    "recorded_at": recorded_at,
                    "source": source,
                    "text_version": values.get("text_version"),
                    "note": values.get("note"),
                    "recorded_by": actor.username or actor.id,
                },
            )
            latest = storage.latest_consent(session, contact["id"], values["purpose"])
            consent = CONSENT.dump({**row, "current": latest["id"] == row["id"]})
            what = "given" if row["given"] else "withdrawn"
            self.audit.write(
                self.outbox, session, actor, f"contact.consent_{what}", "contact", [contact["id"]],
                fields=["consents"], details={"purpose": row["purpose"], "source": source,
                                              "recorded_at": consent["recorded_at"]},
            )  # fmt: skip
            self.outbox.event(
                session,
                f"consent_{what}",
                {
                    "contact_id": str(contact["id"]),
                    "purpose": row["purpose"],
                    "consent": consent,
                    "current_given": bool(latest["given"]),
                },
            )
        self.outbox.flush()
        return consent

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_consents(self, contact_id):
        """{"current": latest row per purpose, "history": every row newest first} (audited read)."""
        history = self._contact_part_read(contact_id, ["consents"], storage.consent_history)
        items = consents_out(history)
        return {"current": [item for item in items if item["current"]], "history": items}

    # --- legal bases -----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_legal_bases(self, contact_id):
        bases = self._contact_part_read(contact_id, ["legal_bases"], storage.legal_bases_of)
        return LEGAL_BASIS.dump(bases, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_legal_basis(self, contact_id, data):
        actor = self.context.require("contacts.edit")
        values = load(LegalBasisInput(), data)
        problem = rules.legal_basis_dates_problem(values.get("starts_on"), values.get("ends_on"))
        if problem:
            raise invalid({"ends_on": [problem]})
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            self._existing_purpose(session, values["purpose"])
            row = storage.insert_legal_basis(
                session, {**values, "contact_id": contact["id"], "recorded_by": actor.username or actor.id}
            )
            basis = LEGAL_BASIS.dump(row)
            self._basis_changed(session, actor, "added", contact["id"], basis)
        self.outbox.flush()
        return basis

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def end_legal_basis(self, contact_id, basis_id, data=None):
        """End a person-specific legal basis on ``ends_on`` (default today)."""
        actor = self.context.require("contacts.edit")
        ends_on = load(LegalBasisEnd(), data or {}).get("ends_on") or clock.today()
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            current = self._existing_basis(session, contact["id"], basis_id)
            problem = rules.legal_basis_dates_problem(current.get("starts_on"), ends_on)
            if problem:
                raise invalid({"ends_on": [problem]})
            if current.get("ends_on") == ends_on:
                return LEGAL_BASIS.dump(current)
            basis = LEGAL_BASIS.dump(storage.end_legal_basis(session, current["id"], ends_on))
            self._basis_changed(session, actor, "ended", contact["id"], basis)
        self.outbox.flush()
        return basis

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_legal_basis(self, contact_id, basis_id):
        """Remove a mistaken legal basis (an ended one is kept with its end date: end it instead)."""
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            basis = LEGAL_BASIS.dump(self._existing_basis(session, contact["id"], basis_id))
            storage.delete_legal_basis(session, basis["id"])
            self._basis_changed(session, actor, "removed", contact["id"], basis)
        self.outbox.flush()
        return basis

    def _existing_basis(self, session, contact_id, basis_id):
        row = storage.get_legal_basis(session, contact_id, parse_uuid(basis_id, "legal_basis_id"), True)
        if row is None:
            raise NotFound(f"No legal basis {basis_id} on this contact.", {"legal_basis_id": str(basis_id)})
        return row

    def _basis_changed(self, session, actor, what, contact_id, basis):
        self.audit.write(
            self.outbox, session, actor, f"contact.legal_basis_{what}", "contact", [contact_id],
            fields=["legal_bases"], details={"legal_basis_id": basis["id"], "purpose": basis["purpose"]},
        )  # fmt: skip
        self.outbox.event(
            session, f"legal_basis_{what}", {"contact_id": str(contact_id), "legal_basis": basis}
        )

    # --- the data protection view ----------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def data_protection_view(self, contact_id):
        """Everything bearing on the lawful basis of processing one person (G1), audited as one read."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        contact = self._existing(session, contact_id)
        contact_key = contact["id"]
        purposes = storage.purposes_all(session)
        history = storage.consent_history(session, contact_key)
        bases = storage.legal_bases_of(session, contact_key)
        member_rows = storage.memberships_of(session, contact_key)
        enabled = retention_storage.rules_all(session, enabled_only=True)
        facts = retention_storage.facts_of(session, [contact_key]).get(contact_key)
        requested_at = storage.erasure_requested_at(session, contact_key)
        session.rollback()
        self.audit.read(actor, "contact.data_protection_viewed", "contact", [contact_key], fields=VIEW_FIELDS)
        return VIEW.dump(
            self._dp_view(contact, purposes, history, bases, member_rows, enabled, facts, requested_at)
        )

    @staticmethod
    def _dp_view(contact, purposes, history, bases, member_rows, enabled, facts, requested_at):
        today = clock.today()
        current = rules.current_consents(history)
        states = []
        for purpose in purposes:
            consent = current.get(purpose["code"])
            state = rules.effective_basis(purpose, bases, consent, today)
            states.append(
                {
                    **state,
                    "purpose": {**purpose, "mailing": purpose["code"] in rules.MAILING_PURPOSES},
                    "consent": {**consent, "current": True} if consent else None,
                }
            )
        mailing = [
            {
                "purpose": state["purpose"]["code"],
                "basis": state["basis"],
                "allowed": state["lawful"],
                "consent_given": state["consent_given"],
            }
            for state in states
            if state["purpose"]["code"] in rules.MAILING_PURPOSES
        ]
        for row in bases:
            row["active"] = rules.basis_active(row, today)
        return {
            "contact_id": contact["id"],
            "display_name": contact_storage.display_name(contact),
            "purposes": states,
            "consent_history": with_current(history),
            "legal_bases": bases,
            "memberships": member_rows,
            "mailing": {"permissions": mailing, "note": rules.MAILING_NOTE},
            "retention": retention_rules.retention_dates(enabled, facts, today) if facts else [],
            "erasure_requested_at": requested_at,
        }
