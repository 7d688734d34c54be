"""RPC methods of person details, a feature of ContactsService: validate, call storage, audit, publish."""

from nameko.rpc import rpc
from sqlalchemy import update

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.core import ContactsCore
from services.contacts.models import contacts
from services.contacts.person import details, rules, storage
from services.contacts.person.contract import (
    AltName,
    AltNameInput,
    Couple,
    CoupleInput,
    DeceasedInput,
    Status,
    StatusInput,
    StatusKind,
    StatusKindInput,
)
from services.contacts.person.rules import load, parse_uuid
from services.contacts.validation.contract import invalid

ALT_NAME, STATUS, STATUS_KIND, COUPLE = AltName(), Status(), StatusKind(), Couple()


def require_person(contact):
    if contact["kind"] != "person":
        raise ValidationFailed(
            "Only a person has alternative names, statuses, a death date or a partner.",
            {"contact_id": ["err.person_organisation"]},
        )


class PersonRpc(ContactsCore):
    """C12 alternative names, C9 statuses, C14 deceased, C10 couples."""

    # --- helpers ------------------------------------------------------------------------------

    def _person_change(self, session, actor, action, event_type, contact_ids, fields, payload, details=None):
        self.audit.write(
            self.outbox, session, actor, action, "contact", contact_ids, fields=fields, details=details
        )
        self.outbox.event(session, event_type, payload)

    # --- alternative names (C12) --------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_alt_names(self, contact_id):
        names = self._contact_part_read(contact_id, ["alternative_names"], storage.names_of)
        return ALT_NAME.dump(names, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_alt_name(self, contact_id, data):
        actor = self.context.require("contacts.edit")
        values = load(AltNameInput(), data)
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            require_person(contact)
            name = ALT_NAME.dump(storage.insert_name(session, contact["id"], values))
            self._sync_alt_names(session, contact["id"])
            self._person_change(
                session, actor, "contact.name_added", "contact_name_added", [contact["id"]],
                ["alternative_names"], {"contact_id": str(contact["id"]), "name": name},
            )  # fmt: skip
        self.outbox.flush()
        return name

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_alt_name(self, contact_id, name_id):
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            removed = storage.delete_name(session, contact["id"], parse_uuid(name_id, "name_id"))
            if removed is None:
                raise NotFound(f"No alternative name {name_id} on this contact.", {"name_id": str(name_id)})
            name = ALT_NAME.dump(removed)
            self._sync_alt_names(session, contact["id"])
            self._person_change(
                session, actor, "contact.name_removed", "contact_name_removed", [contact["id"]],
                ["alternative_names"], {"contact_id": str(contact["id"]), "name": name},
            )  # fmt: skip
        self.outbox.flush()
        return name

    def _sync_alt_names(self, session, contact_id):
        """contacts.alt_names_text follows contact_names in the same transaction (search sees them)."""
        text = rules.alt_names_text(storage.names_of(session, contact_id))
        session.execute(update(contacts).where(contacts.c.id == contact_id).values(alt_names_text=text))

    # --- statuses (C9) ------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_statuses(self, contact_id):
        statuses = self._contact_part_read(contact_id, ["statuses"], storage.statuses_of)
        return STATUS.dump(statuses, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_status_kinds(self):
        """The kinds a status can have (no personal data: not audited)."""
        self.context.require("contacts.view")
        kinds = storage.status_kinds_all(self.db.session)
        self.db.session.rollback()
        return STATUS_KIND.dump(kinds, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_status_kind(self, data):
        actor = self.context.require("users.manage")
        values = load(StatusKindInput(), data)
        with self.db.transaction() as session:
            if storage.status_kind(session, values["code"]):
                raise Conflict(
                    f"A status kind {values['code']} exists already.", {"code": ["contact.code_taken"]}
                )
            kind = STATUS_KIND.dump(storage.insert_status_kind(session, values))
            self.audit.write(
                self.outbox, session, actor, "status_kind.created", "status_kind", [kind["code"]],
                fields=sorted(values),
            )  # fmt: skip
            self.outbox.event(session, "status_kind_created", {"status_kind": kind})
        self.outbox.flush()
        return kind

    def _check_kind(self, session, kind):
        if not storage.status_kind(session, kind):
            raise ValidationFailed(
                "au.err_no_status_kind", {"kind": [coded("au.err_no_status_kind", kind=kind)]}
            )

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_status(self, contact_id, data):
        actor = self.context.require("contacts.edit")
        values = load(StatusInput(), data)
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            require_person(contact)
            self._check_kind(session, values["kind"])
            status = STATUS.dump(storage.insert_status(session, contact["id"], values))
            self._status_changed(session, actor, "added", contact["id"], status, sorted(values))
        self.outbox.flush()
        return status

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_status(self, contact_id, status_id, changes):
        """Change a status's kind, dates or note; ending one now is ``{"ends_on": today}``."""
        actor = self.context.require("contacts.edit")
        values = load(StatusInput(), changes, partial=True)
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            current = self._existing_status(session, contact["id"], status_id)
            merged = {**current, **values}
            if merged["ends_on"] is not None and merged["ends_on"] < merged["starts_on"]:
                raise invalid({"ends_on": ["err.person_dates"]})
            if "kind" in values:
                self._check_kind(session, values["kind"])
            changed = {key: value for key, value in values.items() if current.get(key) != value}
            if not changed:
                return STATUS.dump(current)
            status = STATUS.dump(storage.update_status(session, current["id"], changed))
            self._status_changed(session, actor, "changed", contact["id"], status, sorted(changed))
        self.outbox.flush()
        return status

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_status(self, contact_id, status_id):
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            current = STATUS.dump(self._existing_status(session, contact["id"], status_id))
            storage.delete_status(session, current["id"])
            self._status_changed(session, actor, "removed", contact["id"], current, ["statuses"])
        self.outbox.flush()
        return current

    def _existing_status(self, session, contact_id, status_id):
        status = storage.get_status(session, contact_id, parse_uuid(status_id, "status_id"), for_update=True)
        if status is None:
            raise NotFound(f"No status {status_id} on this contact.", {"status_id": str(status_id)})
        return status

    def _status_changed(self, session, actor, what, contact_id, status, fields):
        self._person_change(
            session, actor, f"contact.status_{what}", f"contact_status_{what}", [contact_id],
            fields, {"contact_id": str(contact_id), "status": status}, details={"status_id": status["id"]},
        )  # fmt: skip

    # --- deceased (C14) -----------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def mark_deceased(self, contact_id, data):
        actor = self.context.require("contacts.edit")
        deceased_on = load(DeceasedInput(), data)["deceased_on"]
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            require_person(contact)
            problem = rules.deceased_date_problem(deceased_on, contact.get("birth_date"), clock.today())
            if problem:
                raise invalid({"deceased_on": [problem]})
            if contact.get("deceased_on") == deceased_on:
                return self._deceased_answer(contact)
            contact = contact_storage.update_contact(session, contact["id"], {"deceased_on": deceased_on})
            payload = {"contact_id": str(contact["id"]), "deceased_on": deceased_on.isoformat()}
            self._person_change(
                session, actor, "contact.marked_deceased", "contact_deceased", [contact["id"]],
                ["deceased_on"], payload, details={"deceased_on": deceased_on.isoformat()},
            )  # fmt: skip
        self.outbox.flush()
        return self._deceased_answer(contact)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def unmark_deceased(self, contact_id):
        """Undo a mistaken death mark; audited as its own action (the earlier date is kept in the log)."""
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            previous = contact.get("deceased_on")
            if previous is None:
                return self._deceased_answer(contact)
            contact = contact_storage.update_contact(session, contact["id"], {"deceased_on": None})
            payload = {"contact_id": str(contact["id"]), "deceased_on": previous.isoformat()}
            self._person_change(
                session, actor, "contact.unmarked_deceased", "contact_deceased_unmarked", [contact["id"]],
                ["deceased_on"], payload, details={"previous_deceased_on": previous.isoformat()},
            )  # fmt: skip
        self.outbox.flush()
        return self._deceased_answer(contact)

    @staticmethod
    def _deceased_answer(contact):
        deceased_on = contact.get("deceased_on")
        return {
            "contact_id": str(contact["id"]),
            "deceased_on": deceased_on.isoformat() if deceased_on else None,
        }

    # --- couples (C10) ------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def link_couple(self, data):
        actor = self.context.require("contacts.edit")
        ids = load(CoupleInput(), data)["contact_ids"]
        if ids[0] == ids[1]:
            raise ValidationFailed("err.person_self_couple", rules.SELF_COUPLE)
        with self.db.transaction() as session:
            people = [self._existing(session, contact_id, for_update=True) for contact_id in sorted(ids)]
            problems = rules.couple_problems(*people)
            if problems:
                raise ValidationFailed("contact.invalid", problems)
            taken = [
                person["display_name"] for person in people if storage.couple_id_of(session, person["id"])
            ]
            if taken:
                raise Conflict(
                    "A person can be in one couple only.",
                    {"contact_ids": [coded("err.person_in_couple", name=name) for name in taken]},
                )
            couple_id = storage.insert_couple(session, [person["id"] for person in people])
            couple = self._couple_answer(session, couple_id)
            self._couple_changed(session, actor, "linked", couple)
        self.outbox.flush()
        return couple

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def unlink_couple(self, couple_id):
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            parsed = parse_uuid(couple_id, "couple_id")
            if storage.lock_couple(session, parsed) is None:
                raise NotFound(f"No couple {couple_id}.", {"couple_id": str(couple_id)})
            couple = self._couple_answer(session, parsed)
            if actor.scoped and len(
                scopes.visible_ids(session, actor, [m["id"] for m in couple["members"]])
            ) < len(
                couple["members"]
            ):  # C6: a couple with someone out of scope is not theirs to see or change
                raise NotFound(f"No couple {couple_id}.", {"couple_id": str(couple_id)})
            storage.delete_couple(session, parsed)
            self._couple_changed(session, actor, "unlinked", couple)
        self.outbox.flush()
        return couple

    @staticmethod
    def _couple_answer(session, couple_id):
        return COUPLE.dump(details.couple_view(session, couple_id))

    def _couple_changed(self, session, actor, what, couple):
        member_ids = [member["id"] for member in couple["members"]]
        self._person_change(
            session, actor, f"contact.couple_{what}", f"couple_{what}", member_ids, ["couple"],
            {"couple_id": couple["id"], "contact_ids": member_ids}, details={"couple_id": couple["id"]},
        )  # fmt: skip
