"""Keeping a linked survey in step and taking its responses into the registry (Q1, Q2), mixed into
SurveysService.

``sync_survey`` (on demand; the timer in service.py does every link as its linking user) re-reads the
survey's anonymity, the participants' invited/reminded/completed, and the complete responses after the
last one taken in. Each response, by its mapped answers:

- an anonymised survey: never linked to anyone (outcome ``anonymous``, no answers kept);
- a known participant's (token): compared with the contact (contacts.get_contact, an audited read); what
  differs becomes a proposed change, or with ``known_mode`` "apply" is written at once through
  contacts.update_contact (the contact's own audit and events);
- anyone else's: through contacts.upsert_batch, the imports' duplicate matching and write (created,
  updated, skipped by ``new_people``; optionally added to ``new_people_group_id``); ``ignore`` takes none.

A response that cannot be used (a bad e-mail, a date in the wrong format) is kept as ``error`` with the
field errors; the rest of the batch goes on. Each response is stored once (link, response id).
"""

import logging
import uuid

from nameko.rpc import rpc
from nameko.timer import timer

from piiri.context import Actor
from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, PiiriError, ValidationFailed
from services.surveys import contract
from services.surveys.core import SurveysCore, checked_page
from services.surveys.limesurvey.exports import export_after
from services.surveys.links import storage as link_storage
from services.surveys.participants import states as participant_states
from services.surveys.participants import storage as participant_storage
from services.surveys.responses import rules, storage

log = logging.getLogger(__name__)

SYNC = "contacts.import"
SYNC_CHECK_SECONDS = 10  # how often the timer looks for links whose SURVEY_SYNC_SECONDS have passed
VIEW = "contacts.view"
DECIDE = "contacts.edit"
UPSERT_CHUNK = 1000  # responses per contacts.upsert_batch call
CHUNKS_IN_FLIGHT = 2  # the next chunk is checked while the one before it is written (as the import worker)
RESPONSE = contract.ResponseRow()
PROPOSAL = contract.Proposal()


class ResponsesRpc(SurveysCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def sync_survey(self, link_id):
        """Bring one link in step with LimeSurvey now: {"participants", "responses": {outcome: n}}."""
        self.context.require(SYNC)
        link = self._link(link_id)
        self.db.session.rollback()
        return self._sync(link)

    @timer(interval=SYNC_CHECK_SECONDS)
    def scheduled_sync(self):
        """Every SURVEY_SYNC_SECONDS, every link in step (each as its linking user; errors recorded on it)."""
        every = int(self.config.get("SURVEY_SYNC_SECONDS", 900) or 0)
        if every <= 0 or not self.config.get("LIMESURVEY_URL"):
            return
        done = self.sync_due_as_their_users(every)
        if done:
            log.info("surveys: %d linked surveys brought in step with LimeSurvey", done)

    def sync_due_as_their_users(self, every_seconds):
        """Every link not synced within ``every_seconds``, each as the user who linked it; a failing one
        records its error code and the rest go on."""
        links = link_storage.links_due(self.db.session, every_seconds)
        self.db.session.rollback()
        done = 0
        for link in links:
            self.context.act_as(Actor.from_header(link["actor"]))
            try:
                self._sync(link)
                done += 1
            except PiiriError:
                continue  # _sync recorded the error code on the link
        return done

    def _sync(self, link):
        try:
            properties = self.limesurvey.run(
                lambda client: client.get_survey_properties(link["sid"], ["anonymized"])
            )
            anonymized = "Y" if properties.get("anonymized") == "Y" else "N"
            participants = (
                participant_states.refresh(self.limesurvey, self.db, link) if link["selection"] else 0
            )
            responses = self.limesurvey.run(export_after(link["sid"], link["last_response_id"]))
            outcomes = self._take_in({**link, "anonymized": anonymized}, responses)
        except PiiriError as exc:
            with self.db.transaction() as session:
                link_storage.record_sync(session, link["id"], error_code=str(exc))
            raise
        with self.db.transaction() as session:
            last = max([link["last_response_id"], *(response["id"] for response in responses)])
            link_storage.record_sync(session, link["id"], last_response_id=last, anonymized=anonymized)
        return {"participants": participants, "responses": outcomes}

    def _take_in(self, link, responses):
        outcomes = {}

        def count(outcome):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

        if link["anonymized"] == "Y":
            self._store_many(link, [(response, None, {}, "anonymous", None) for response in responses])
            outcomes["anonymous"] = len(responses) if responses else 0
            return {key: value for key, value in outcomes.items() if value}
        tokens = {response.get("token") for response in responses if response.get("token")}
        known = participant_storage.contacts_by_token(self.db.session, link["id"], tokens)
        self.db.session.rollback()
        newcomers, ignored = [], []
        for response in responses:
            values = rules.mapped_values(response, link["mapping"] or {})
            contact_id = known.get(response.get("token"))
            if contact_id is not None:
                count(self._known(link, response, contact_id, values))
            elif link["new_people"] == "ignore" or not values:
                ignored.append((response, None, {}, "skipped", None))
                count("skipped")
            else:
                newcomers.append((response, values))
        self._store_many(link, ignored)
        for outcome in self._newcomers(link, newcomers):
            count(outcome)
        return outcomes

    def _known(self, link, response, contact_id, values):
        try:
            contact = self.contacts.get_contact(str(contact_id))
        except NotFound:
            self._store(link, response, None, {}, "skipped")
            return "skipped"
        changes = rules.changes_for(contact, values)
        if not changes:
            self._store(link, response, contact_id, rules.flat(values), "unchanged")
            return "unchanged"
        if link["known_mode"] == "apply":
            try:
                self.contacts.update_contact(str(contact_id), rules.update_of(changes))
            except ValidationFailed as exc:
                self._store(link, response, contact_id, rules.flat(values), "error", exc.details)
                return "error"
            self._store(link, response, contact_id, rules.flat(values), "applied")
            return "applied"
        self._store(link, response, contact_id, rules.flat(values), "proposed", proposal=changes)
        return "proposed"

    def _newcomers(self, link, newcomers):
        """The imports' matching and write for responses from people who were not pushed: one import of
        numbered chunks (contacts.upsert_batch commits them in order), two in flight; each chunk's
        responses are stored when its answer is in (every sent chunk is recorded, even after a failure)."""
        import_id, outcomes, in_flight = str(uuid.uuid4()), [], []
        options = self._newcomer_options(link)

        def settle(keep):
            while len(in_flight) > keep:
                chunk, reply = in_flight.pop(0)
                outcomes.extend(self._record_newcomers(link, chunk, reply.result()))

        chunks = [newcomers[start : start + UPSERT_CHUNK] for start in range(0, len(newcomers), UPSERT_CHUNK)]
        try:
            for number, chunk in enumerate(chunks, start=1):
                rows = [{"row": response["id"], "values": values} for response, values in chunk]
                in_flight.append(
                    (chunk, self.contacts.upsert_batch.call_async(import_id, number, rows, options))
                )
                settle(CHUNKS_IN_FLIGHT - 1)
        finally:
            settle(0)
        return outcomes

    def _newcomer_options(self, link):
        return {
            "on_duplicate": link["new_people"],
            "group_id": str(link["new_people_group_id"]) if link["new_people_group_id"] else None,
            "commit_mode": "valid_rows",
            "source": "api",
            "file_name": f"LimeSurvey {link['sid']}",
        }

    def _record_newcomers(self, link, chunk, result):
        by_row = {item["row"]: item for item in result["rows"]}
        stored = []
        for response, values in chunk:
            item = by_row.get(response["id"], {"action": "error", "errors": {"_": ["surveys.no_result"]}})
            action = item["action"] if item["action"] in contract.OUTCOMES else "updated"
            contact_id = item.get("contact_id") if action != "error" else None
            errors = item.get("errors") if action == "error" else None
            stored.append((response, contact_id, rules.flat(values) if contact_id else {}, action, errors))
        self._store_many(link, stored)
        return [action for _, _, _, action, _ in stored]

    def _store_many(self, link, stored):
        """Responses ``(response, contact id, answers, outcome, errors)`` in one transaction, with one audit
        record naming the contacts they were taken into; those stored before are left as they are."""
        if not stored:
            return
        rows = [
            {
                "link_id": link["id"],
                "response_id": response["id"],
                "contact_id": contact_id,
                "submitted_at": response.get("submitdate"),
                "answers": answers,
                "outcome": outcome,
                "errors": errors,
            }
            for response, contact_id, answers, outcome, errors in stored
        ]
        contacts = sorted({str(contact_id) for _, contact_id, _, _, _ in stored if contact_id})
        with self.db.transaction() as session:
            inserted = storage.insert_responses(session, rows)
            if inserted and contacts:
                self.audit.write(
                    self.outbox,
                    session,
                    self.context.actor,
                    "survey.responses_taken_in",
                    "contact",
                    contacts,
                    fields=sorted({field for _, _, answers, _, _ in stored for field in answers}),
                    details={"sid": link["sid"], "responses": len(inserted)},
                )
        self.outbox.flush()

    def _store(self, link, response, contact_id, answers, outcome, errors=None, proposal=None):
        """One response's row (and its proposal), with the audit record of the change, in one transaction;
        a response already stored is left as it is."""
        with self.db.transaction() as session:
            try:
                with session.begin_nested():
                    row_id = storage.insert_response(
                        session,
                        {
                            "link_id": link["id"],
                            "response_id": response["id"],
                            "contact_id": contact_id,
                            "submitted_at": response.get("submitdate"),
                            "answers": answers,
                            "outcome": outcome,
                            "errors": errors,
                        },
                    )
            except Exception as exc:  # the unique (link, response id): taken in by an earlier sync
                if "survey_responses_response" in str(exc):
                    return
                raise
            if proposal:
                storage.insert_proposal(
                    session,
                    {
                        "response_row_id": row_id,
                        "link_id": link["id"],
                        "contact_id": contact_id,
                        "changes": proposal,
                    },
                )
            if contact_id is not None:
                self.audit.write(
                    self.outbox,
                    session,
                    self.context.actor,
                    "survey.response_taken_in",
                    "contact",
                    [contact_id],
                    fields=sorted(answers),
                    details={"sid": link["sid"], "response_id": response["id"], "outcome": outcome},
                )
        self.outbox.flush()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_responses(self, link_id, limit=100, offset=0):
        """A page of the responses taken in, with their mapped answers and outcome (an audited read)."""
        actor = self.context.require(VIEW)
        limit, offset = checked_page(limit, offset)
        link = self._link(link_id)
        rows = storage.page(self.db.session, link["id"], limit, offset)
        self.db.session.rollback()
        linked = [row["contact_id"] for row in rows if row["contact_id"]]
        if linked:
            self.audit.read(actor, "survey.responses_viewed", "contact", linked, details={"sid": link["sid"]})
        return {"items": [RESPONSE.dump(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_proposals(self, link_id=None, state="open", limit=100):
        """Changes that responses propose to contacts (an audited read)."""
        actor = self.context.require(VIEW)
        if state is not None and state not in contract.PROPOSAL_STATES:
            raise ValidationFailed(contract.LINK_INVALID, {"state": ["surveys.proposal_state_invalid"]})
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ValidationFailed(contract.LINK_INVALID, {"limit": ["surveys.number_out_of_range"]})
        key = self._link(link_id)["id"] if link_id else None
        rows = storage.proposals(self.db.session, key, state, limit)
        self.db.session.rollback()
        if rows:
            self.audit.read(actor, "survey.proposals_viewed", "contact", [row["contact_id"] for row in rows])
        return {"items": [PROPOSAL.dump(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def decide_proposal(self, proposal_id, accept):
        """Accept (the change is written through contacts.update_contact) or reject a proposed change."""
        actor = self.context.require(DECIDE)
        if not isinstance(accept, bool):
            raise ValidationFailed(contract.LINK_INVALID, {"accept": ["surveys.true_or_false"]})
        key = link_storage.parse_id(proposal_id)
        proposal = storage.get_proposal(self.db.session, key) if key else None
        self.db.session.rollback()
        if proposal is None:
            raise NotFound(contract.PROPOSAL_NOT_FOUND, {"id": str(proposal_id)})
        if proposal["state"] != "open":
            raise Conflict(contract.PROPOSAL_DECIDED, {"state": proposal["state"]})
        if accept:
            self.contacts.update_contact(str(proposal["contact_id"]), rules.update_of(proposal["changes"]))
        with self.db.transaction() as session:
            current = storage.get_proposal(session, proposal["id"], for_update=True)
            if current is None or current["state"] != "open":
                raise Conflict(contract.PROPOSAL_DECIDED, {"state": current["state"] if current else "gone"})
            decided = storage.decide(
                session, proposal["id"], "accepted" if accept else "rejected", actor.username
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "survey.proposal_decided",
                "contact",
                [proposal["contact_id"]],
                fields=sorted(proposal["changes"]),
                details={"proposal_id": str(proposal["id"]), "state": decided["state"]},
            )
        self.outbox.flush()
        return PROPOSAL.dump(decided)
