"""Application rounds (Q3), a feature of the surveys service: a round (its form's text fields, what it
releases to reviewers, blind review, phases and deadlines, the survey whose responses become
applications), its scoring rubric, and its applications with their attachments, entered in Piiri or
taken from the linked survey's responses that Q2 tied to a contact.

Managing rounds and entering applications needs contacts.edit; reading applications contacts.view, and
every read of an application is audited against its applicant (subject "contact"), so it appears in
their access report (G2, G3).
"""

import base64

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed
from services.surveys import contract
from services.surveys.applications import review_storage, rules, storage
from services.surveys.core import SurveysCore, checked_page
from services.surveys.limesurvey.exports import export_after
from services.surveys.links import storage as link_storage

MANAGE = "contacts.edit"
VIEW = "contacts.view"
ROUND = contract.Round()
APPLICATION = contract.Application()
ATTACHMENT = contract.Attachment()


def loaded(schema, data, code):
    if not isinstance(data, dict):
        raise ValidationFailed(code, {"_schema": ["surveys.not_an_object"]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(code, rules.schema_codes(exc.normalized_messages())) from None


def round_values(values):
    """A loaded RoundInput as the row's values (JSON-able ids)."""
    values = dict(values)
    if "conflict_group_ids" in values:
        values["conflict_group_ids"] = sorted({str(group) for group in values["conflict_group_ids"]})
    if "released_fields" in values:
        values["released_fields"] = list(dict.fromkeys(values["released_fields"]))
    return values


def round_view(row, criteria=(), counts=None):
    view = ROUND.dump({**row, "criteria": list(criteria)})
    view["counts"] = counts or {}
    return view


def application_view(row, files=()):
    return APPLICATION.dump({**row, "attachments": list(files)})


def submission_closed(round_):
    """Conflict applications.submission_closed when the round's submission deadline is over."""
    if rules.passed(round_["submit_until"], clock.today()):
        return Conflict(contract.SUBMISSION_CLOSED, params={"deadline": round_["submit_until"].isoformat()})
    return None


def late(response, deadline):
    """Whether a survey response was submitted after the day ``deadline`` (LimeSurvey's submitdate
    "Y-m-d H:i:s", the survey server's local time)."""
    submitted = str(response.get("submitdate") or "")[:10]
    return deadline is not None and bool(submitted) and submitted > deadline.isoformat()


class ApplicationsRpc(SurveysCore):
    def _round(self, round_id, for_update=False):
        key = link_storage.parse_id(round_id)
        found = storage.get_round(self.db.session, key, for_update) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.ROUND_NOT_FOUND, {"id": str(round_id)})
        return found

    def _application(self, round_id, application_id, for_update=False):
        key = link_storage.parse_id(application_id)
        found = storage.get_application(self.db.session, round_id, key, for_update) if key else None
        if found is None:
            self.db.session.rollback()
            raise NotFound(contract.APPLICATION_NOT_FOUND, {"id": str(application_id)})
        return found

    def _checked_round(self, values, current=None):
        merged = {**(current or {}), **values}
        errors = rules.round_errors(merged)
        link_id = values.get("link_id")
        if link_id and not storage.link_exists(self.db.session, link_id):
            errors["link_id"] = [contract.LINK_NOT_FOUND]
        if errors:
            self.db.session.rollback()
            raise ValidationFailed(contract.ROUND_INVALID, errors)

    def _applicant_name(self, contact_id):
        """The applicant's display name (kept for rounds that are not blind), or applicant_not_found."""
        try:
            return self.contacts.get_contact(contact_id).get("display_name")
        except NotFound:
            raise ValidationFailed(
                contract.APPLICATION_INVALID, {"contact_id": [contract.APPLICANT_NOT_FOUND]}
            ) from None

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_round(self, data):
        actor = self.context.require(MANAGE)
        values = round_values(loaded(contract.RoundInput(), data, contract.ROUND_INVALID))
        self._checked_round(values)
        with self.db.transaction() as session:
            row = storage.insert_round(session, {**values, "created_by": actor.username})
            self.audit.write(
                self.outbox, session, actor, "application_round.created", "application_round", [row["id"]]
            )
        self.outbox.flush()
        return round_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_round(self, round_id, data):
        actor = self.context.require(MANAGE)
        values = round_values(loaded(contract.RoundChanges(partial=True), data, contract.ROUND_INVALID))
        with self.db.transaction() as session:
            current = self._round(round_id, for_update=True)
            self._checked_round(values, current)
            row = storage.update_round(session, current["id"], values) if values else current
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application_round.changed",
                "application_round",
                [row["id"]],
                fields=sorted(values),
            )
        self.outbox.flush()
        return self.get_round(round_id)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_round(self, round_id):
        """Delete a round with its rubric, applications and attachments."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            found = self._round(round_id, for_update=True)
            storage.delete_round(session, found["id"])
            self.audit.write(
                self.outbox, session, actor, "application_round.deleted", "application_round", [found["id"]]
            )
        self.outbox.flush()
        return {"id": str(found["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_round(self, round_id):
        self.context.require(VIEW)
        found = self._round(round_id)
        criteria = storage.criteria(self.db.session, [found["id"]])[found["id"]]
        counts = storage.state_counts(self.db.session, [found["id"]])[found["id"]]
        self.db.session.rollback()
        return round_view(found, criteria, counts)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_rounds(self):
        self.context.require(VIEW)
        rows = storage.all_rounds(self.db.session)
        ids = [row["id"] for row in rows]
        criteria, counts = storage.criteria(self.db.session, ids), storage.state_counts(self.db.session, ids)
        self.db.session.rollback()
        return {"items": [round_view(row, criteria[row["id"]], counts[row["id"]]) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_rubric(self, round_id, data):
        """Replace the round's criteria: weights positive, minimums within each criterion's scale."""
        actor = self.context.require(MANAGE)
        values = loaded(contract.RubricInput(), data, contract.RUBRIC_INVALID)
        errors = rules.rubric_errors(values["criteria"])
        if errors:
            raise ValidationFailed(contract.RUBRIC_INVALID, errors)
        with self.db.transaction() as session:
            found = self._round(round_id, for_update=True)
            if review_storage.round_has_scores(session, found["id"]):  # scores would lose their criteria
                raise Conflict(contract.RUBRIC_IN_USE, {"id": str(found["id"])})
            storage.replace_criteria(session, found["id"], values["criteria"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application_round.rubric_set",
                "application_round",
                [found["id"]],
                details={"criteria": len(values["criteria"])},
            )
        self.outbox.flush()
        return self.get_round(round_id)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_application(self, round_id, data):
        """Enter an application in Piiri: the applicant (a contact), title, the round's text fields and
        attachments (types ATTACHMENT_TYPES, at most MAX_ATTACHMENT_BYTES each); all or nothing. After
        the round's submission deadline: Conflict applications.submission_closed."""
        actor = self.context.require(MANAGE)
        values = loaded(contract.ApplicationInput(), data, contract.APPLICATION_INVALID)
        found = self._round(round_id)
        self.db.session.rollback()
        closed = submission_closed(found)
        if closed:
            raise closed
        errors = rules.texts_errors(found["form_fields"], values["texts"])
        files, file_errors = rules.attachments(values["attachments"])
        errors.update(file_errors)
        if errors:
            raise ValidationFailed(contract.APPLICATION_INVALID, errors)
        contact_id = str(values["contact_id"])
        applicant_name = self._applicant_name(contact_id)
        row_values = {
            "round_id": found["id"],
            "contact_id": values["contact_id"],
            "title": values["title"],
            "texts": values["texts"],
            "language": values["language"],
            "source": "piiri",
            "applicant_name": applicant_name,
            "created_by": actor.username,
        }
        with self.db.transaction() as session:
            self._round(round_id, for_update=True)
            row, stored = storage.insert_application(session, row_values, files)
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.entered",
                "contact",
                [contact_id],
                fields=sorted(["title", *values["texts"]]),
                details={"round_id": str(found["id"]), "application_id": str(row["id"]), "files": len(files)},
            )
        self.outbox.flush()
        return application_view(row, stored)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def import_applications(self, round_id):
        """Take the linked survey's complete responses that Q2 tied to a contact, not taken before, in as
        applications: the round's question_map gives their title and texts; a response submitted after
        the round's submission deadline is not taken (counted in "late"). {"added", "skipped", "late"}."""
        actor = self.context.require(MANAGE)
        found = self._round(round_id)
        if not found["link_id"]:
            self.db.session.rollback()
            raise ValidationFailed(contract.ROUND_NOT_LINKED, {"link_id": [contract.ROUND_NOT_LINKED]})
        link = self._link(found["link_id"])
        contacts = storage.linked_responses(self.db.session, link["id"])
        done = storage.imported_response_ids(self.db.session, found["id"])
        self.db.session.rollback()
        waiting = {rid: contact for rid, contact in contacts.items() if rid not in done}
        if not waiting:
            return {"added": 0, "skipped": 0, "late": 0}
        responses = self.limesurvey.run(export_after(link["sid"], min(waiting) - 1))
        names = {}
        for response in responses:
            contact_id = waiting.get(response["id"])
            if contact_id is not None and contact_id not in names:
                try:
                    names[contact_id] = self.contacts.get_contact(str(contact_id)).get("display_name")
                except NotFound:  # erased or merged away since: no name to keep
                    names[contact_id] = None
        added, skipped, too_late = 0, 0, 0
        with self.db.transaction() as session:
            self._round(round_id, for_update=True)
            for response in responses:
                contact_id = waiting.get(response["id"])
                if contact_id is None:
                    continue
                if late(response, found["submit_until"]):
                    too_late += 1
                    continue
                title, texts = rules.from_response(found["question_map"], response)
                language = response.get("startlanguage") or "fi"
                values = {
                    "round_id": found["id"],
                    "contact_id": contact_id,
                    "title": title or f"{link['title']} #{response['id']}",
                    "texts": texts,
                    "language": language if language in contract.APPLICATION_LANGUAGES else "fi",
                    "source": "survey",
                    "response_id": response["id"],
                    "applicant_name": names.get(contact_id),
                    "created_by": actor.username,
                }
                row, _ = storage.insert_application(session, values, [])
                added += 1
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "application.imported",
                    "contact",
                    [str(contact_id)],
                    fields=sorted(["title", *texts]),
                    details={
                        "round_id": str(found["id"]),
                        "application_id": str(row["id"]),
                        "sid": link["sid"],
                    },
                )
            skipped = len(waiting) - added - too_late
        self.outbox.flush()
        return {"added": added, "skipped": skipped, "late": too_late}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_applications(self, round_id, limit=100, offset=0):
        """A page of the round's applications (an audited read of their applicants)."""
        actor = self.context.require(VIEW)
        limit, offset = checked_page(limit, offset)
        found = self._round(round_id)
        rows = storage.round_applications(self.db.session, found["id"], limit, offset)
        files = storage.attachments_of(self.db.session, [row["id"] for row in rows])
        self.db.session.rollback()
        applicants = sorted({str(row["contact_id"]) for row in rows if row["contact_id"]})
        if applicants:
            self.audit.read(
                actor,
                "application.list_viewed",
                "contact",
                applicants,
                details={"round_id": str(found["id"])},
            )
        return {"items": [application_view(row, files[row["id"]]) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_application(self, round_id, application_id):
        actor = self.context.require(VIEW)
        found = self._round(round_id)
        row = self._application(found["id"], application_id)
        files = storage.attachments_of(self.db.session, [row["id"]])[row["id"]]
        self.db.session.rollback()
        if row["contact_id"]:
            self.audit.read(
                actor,
                "application.viewed",
                "contact",
                [str(row["contact_id"])],
                fields=sorted(["title", *row["texts"]]),
                details={"round_id": str(found["id"]), "application_id": str(row["id"])},
            )
        return application_view(row, files)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_attachment(self, round_id, application_id, attachment_id):
        """One attachment with its content (base64), audited as a read of the applicant's data."""
        actor = self.context.require(VIEW)
        found = self._round(round_id)
        row = self._application(found["id"], application_id)
        key = link_storage.parse_id(attachment_id)
        item = storage.attachment(self.db.session, row["id"], key) if key else None
        self.db.session.rollback()
        if item is None:
            raise NotFound(contract.ATTACHMENT_NOT_FOUND, {"id": str(attachment_id)})
        if row["contact_id"]:
            self.audit.read(
                actor,
                "application.attachment_viewed",
                "contact",
                [str(row["contact_id"])],
                details={"application_id": str(row["id"]), "attachment_id": str(item["id"])},
            )
        return {**ATTACHMENT.dump(item), "content_base64": base64.b64encode(item["content"]).decode()}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_application(self, round_id, application_id):
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            found = self._round(round_id, for_update=True)
            row = self._application(found["id"], application_id, for_update=True)
            storage.delete_application(session, row["id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "application.deleted",
                "contact",
                [str(row["contact_id"])] if row["contact_id"] else [],
                details={"round_id": str(found["id"]), "application_id": str(row["id"])},
            )
        self.outbox.flush()
        return {"id": str(row["id"]), "deleted": True}
