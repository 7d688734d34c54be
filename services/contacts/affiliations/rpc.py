"""RPC methods of person-organisation links (C2), a feature of ContactsService: validate, apply the rules,
write through storage, audit and publish in one transaction."""

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed, coded
from services.contacts import scopes
from services.contacts import storage as contact_storage
from services.contacts.affiliations import details, rules, storage
from services.contacts.affiliations.contract import (
    Affiliation,
    AffiliationChanges,
    AffiliationInput,
    PeoplePage,
    PeopleQuery,
)
from services.contacts.core import ContactsCore
from services.contacts.validation.contract import invalid

AFFILIATION, PEOPLE_PAGE = Affiliation(), PeoplePage()


def _load(schema, data, partial=False):
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None


class AffiliationsRpc(ContactsCore):
    """C2: a person's links to organisations with a role, title, dates and one primary link."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_affiliations(self, person_id):
        """A person's organisations (every link, primary first), audited as a read of the person."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        person = self._existing(session, person_id)
        links = storage.organisations_of(
            session, person["id"], scopes.conditions(session, actor, storage.ORGANISATION.c.id)
        )
        session.rollback()
        subjects = [person["id"], *sorted({link["organisation_id"] for link in links}, key=str)]
        self.audit.read(actor, "contact.affiliations_viewed", "contact", subjects, fields=["affiliations"])
        return AFFILIATION.dump(links, many=True)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_organisation_people(
        self, organisation_id, limit=None, cursor=None, role=None, include_ended=False
    ):
        """One page of an organisation's people in name order (keyset cursor), optionally of one role
        and with ended links; the organisation and the page's people are audited as one read."""
        actor = self.context.require("contacts.view")
        query = _load(
            PeopleQuery(),
            {
                key: value
                for key, value in {
                    "limit": limit, "cursor": cursor, "role": role or None, "include_ended": include_ended,
                }.items()
                if value is not None
            },
        )  # fmt: skip
        session = self.db.session
        organisation = self._existing(session, organisation_id)
        if organisation["kind"] != "organisation":
            raise ValidationFailed(
                "err.affiliation_not_organisation",
                {
                    "organisation_id": [
                        coded("err.affiliation_not_organisation", name=organisation["display_name"])
                    ]
                },
                {"name": organisation["display_name"]},
            )
        # C6: only the people the actor may see.
        page = details.people_view(
            session, organisation["id"], query["limit"], query["cursor"], query["role"],
            query["include_ended"], scopes.conditions(session, actor, storage.PERSON.c.id),
        )  # fmt: skip
        session.rollback()
        people = list(dict.fromkeys(link["person_id"] for link in page["items"]))
        self.audit.read(
            actor, "contact.affiliations_listed", "contact", [organisation["id"], *people],
            fields=["affiliations"],
            details={"organisation_id": str(organisation["id"]), "role": query["role"],
                     "include_ended": query["include_ended"]},
        )  # fmt: skip
        return PEOPLE_PAGE.dump(page)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_affiliation(self, person_id, data):
        actor = self.context.require("contacts.edit")
        values = _load(AffiliationInput(), data)
        with self.db.transaction() as session:
            person = self._existing(session, person_id, for_update=True)
            organisation = self._existing(session, values.pop("organisation_id"))
            problems = rules.link_problems(person, organisation)
            if problems:
                raise ValidationFailed("contact.invalid", problems)
            self._refuse_duplicate(session, person, organisation, values["role"])
            if values["is_primary"]:
                self._unset_primaries(session, actor, person["id"])
            link = storage.insert_link(
                session, {**values, "person_id": person["id"], "organisation_id": organisation["id"]}
            )
            self._link_changed(session, actor, "added", link, sorted(values))
        self.outbox.flush()
        return AFFILIATION.dump(link)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_affiliation(self, affiliation_id, data):
        """Change a link's role, title, dates or primary mark (ending it: ``{"ends_on": a date}``)."""
        actor = self.context.require("contacts.edit")
        values = _load(AffiliationChanges(), data, partial=True)
        with self.db.transaction() as session:
            current = self._existing_link(session, affiliation_id)  # the person first, then the link,
            self._existing(session, current["person_id"], for_update=True)  # as add_affiliation locks
            self._existing(session, current["organisation_id"])  # (C6: both must be in the actor's scope)
            current = self._existing_link(session, affiliation_id, for_update=True)
            merged = {**current, **values}
            problem = rules.dates_problem(merged["starts_on"], merged["ends_on"])
            if problem:
                raise invalid(problem)
            changed = sorted(key for key, value in values.items() if current[key] != value)
            if not changed:
                return AFFILIATION.dump(current)
            if "role" in changed and storage.exists_link(
                session, current["person_id"], current["organisation_id"], values["role"], current["id"]
            ):
                raise self._duplicate_error(
                    current["person_name"], current["organisation_name"], values["role"]
                )
            if values.get("is_primary"):
                self._unset_primaries(session, actor, current["person_id"], except_id=current["id"])
            link = storage.update_link(session, current["id"], {key: values[key] for key in changed})
            self._link_changed(session, actor, "changed", link, changed)
        self.outbox.flush()
        return AFFILIATION.dump(link)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_affiliation(self, affiliation_id):
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            link = self._existing_link(session, affiliation_id)
            self._existing(session, link["person_id"], for_update=True)  # C6: both in the actor's scope
            self._existing(session, link["organisation_id"])
            link = self._existing_link(session, affiliation_id, for_update=True)
            storage.delete_link(session, link["id"])
            self._link_changed(session, actor, "removed", link, ["affiliations"])
        self.outbox.flush()
        return AFFILIATION.dump(link)

    # --- helpers ------------------------------------------------------------------------------

    def _existing_link(self, session, affiliation_id, for_update=False):
        parsed = contact_storage.parse_id(affiliation_id)
        link = storage.get(session, parsed, for_update) if parsed else None
        if link is None:
            raise NotFound(f"No affiliation {affiliation_id}.", {"affiliation_id": str(affiliation_id)})
        return link

    def _refuse_duplicate(self, session, person, organisation, role):
        if storage.exists_link(session, person["id"], organisation["id"], role):
            raise self._duplicate_error(person["display_name"], organisation["display_name"], role)

    @staticmethod
    def _duplicate_error(person_name, organisation_name, role):
        """The person already has this role at the organisation: a Conflict naming both and the role."""
        duplicate = coded("err.affiliation_duplicate", organisation=organisation_name)
        return Conflict(
            "err.affiliation_duplicate",
            {"role": [duplicate]},
            {"person": person_name, "organisation": organisation_name, "role": role},
        )

    def _unset_primaries(self, session, actor, person_id, except_id=None):
        """A person has one primary organisation: the old primary link loses the mark (and says so)."""
        for link_id in storage.other_primaries(session, person_id, except_id):
            link = storage.update_link(session, link_id, {"is_primary": False})
            self._link_changed(session, actor, "changed", link, ["is_primary"])

    def _link_changed(self, session, actor, what, link, fields):
        answer = AFFILIATION.dump(link)
        self.audit.write(
            self.outbox, session, actor, f"contact.affiliation_{what}", "contact",
            [link["person_id"], link["organisation_id"]], fields=fields,
            details={"affiliation_id": answer["id"], "role": link["role"]},
        )  # fmt: skip
        payload = {"affiliation": answer}
        if what == "changed":
            payload["changed_fields"] = list(fields)
        self.outbox.event(session, f"affiliation_{what}", payload)
