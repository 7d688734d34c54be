"""Participants (Q1), a feature of the surveys service: push a linked group's or saved search's members to
LimeSurvey as participants (tokens) with attributes, send invitations and reminders, read back who was
invited, reminded and completed, and list them (an audited read).

Members come from contacts.survey_recipients_page (members with an e-mail who have not opted out; the
others are counted by reason). Each batch of ``add_participants`` (SURVEY_PUSH_BATCH, default 500) is
recorded in one transaction with its audit record, so a failure half-way leaves the pushed ones known and
the next push continues with the rest. Attributes: attribute_1 the Piiri contact id, attribute_2 the member
number (SURVEY_MEMBER_NUMBER_FIELD, a custom field key), the token's language the contact's.
"""

from collections import Counter

import eventlet
from citric.exceptions import LimeSurveyStatusError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, ValidationFailed
from services.surveys import contract
from services.surveys.core import SurveysCore, checked_page
from services.surveys.participants import states, storage

PUSH = "contacts.export"
VIEW = "contacts.view"
PUSH_BATCH = 500
PAGE = 1000
PARTICIPANT = contract.Participant()


def participant_data(recipient):
    return {
        "email": recipient["email"],
        "firstname": recipient["first_name"],
        "lastname": recipient["last_name"],
        "language": recipient["language"],
        "attribute_1": recipient["id"],
        "attribute_2": recipient.get("member_number") or "",
    }


def add_batch(client, sid, batch):
    """LimeSurvey's answer rows for ``batch``; a survey without a participants table gets one first."""
    data = [participant_data(recipient) for recipient in batch]
    try:
        return client.add_participants(sid, participant_data=data)
    except LimeSurveyStatusError as exc:
        if "participants table" not in str(exc.args[0]):
            raise
    client.activate_tokens(sid, [1, 2])
    return client.add_participants(sid, participant_data=data)


class ParticipantsRpc(SurveysCore):
    def _push_batch_size(self):
        return int(self.config.get("SURVEY_PUSH_BATCH", PUSH_BATCH))

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def push_participants(self, link_id):
        """Push the selection's members not pushed yet: {"added", "already", "skipped": {reason: n},
        "refused": [{"contact_id", "errors"}]}."""
        actor = self.context.require(PUSH)
        link = self._link(link_id)
        self.db.session.rollback()
        if not link["selection"]:
            raise Conflict(contract.NO_SELECTION, {"id": str(link["id"])})
        already = {str(contact_id) for contact_id in storage.pushed_contact_ids(self.db.session, link["id"])}
        self.db.session.rollback()
        skipped, refused, known, size = Counter(), [], 0, self._push_batch_size()
        pending, in_flight, added = [], [], [0]
        options = {
            "opt_out_purpose": self.config.get("SURVEY_OPT_OUT_PURPOSE") or None,
            "member_number_field": self.config.get("SURVEY_MEMBER_NUMBER_FIELD") or None,
        }

        def send(batch):
            """add_participants of ``batch`` runs while the next page of members is read; the batch before
            it is recorded first (its answer is in), so at most one call is in flight."""
            settle()
            in_flight.append(
                (batch, eventlet.spawn(self.limesurvey.run, lambda c: add_batch(c, link["sid"], batch)))
            )

        def settle():
            while in_flight:
                batch, call = in_flight.pop(0)
                added[0] += self._record_pushed(actor, link, batch, call.wait(), refused)

        cursor = None
        try:
            while True:
                page = self.contacts.survey_recipients_page(link["selection"], cursor, PAGE, options)
                for item in page["items"]:
                    if "skipped" in item:
                        skipped[item["skipped"]] += 1
                    elif item["id"] in already:
                        known += 1
                    else:
                        pending.append(item)
                while len(pending) >= size:
                    batch, pending = pending[:size], pending[size:]
                    send(batch)
                cursor = page.get("next_cursor")
                if not cursor:
                    break
            if pending:
                send(pending)
        finally:
            settle()  # a batch LimeSurvey took is recorded even when reading the next page failed
        return {"added": added[0], "already": known, "skipped": dict(skipped), "refused": refused}

    def _record_pushed(self, actor, link, batch, answered, refused):
        """The participant rows LimeSurvey made of ``batch``, with their audit record, in one transaction;
        the rows it refused into ``refused``."""
        rows = []
        for recipient, answer in zip(batch, answered, strict=False):
            if not isinstance(answer, dict) or "errors" in answer or not answer.get("tid"):
                errors = answer.get("errors") if isinstance(answer, dict) else None
                refused.append({"contact_id": recipient["id"], "errors": sorted((errors or {"_": 0}).keys())})
                continue
            rows.append(
                {
                    "link_id": link["id"],
                    "contact_id": recipient["id"],
                    "tid": int(answer["tid"]),
                    "token": answer["token"],
                    "email": recipient["email"],
                    "first_name": recipient["first_name"],
                    "last_name": recipient["last_name"],
                    "language": recipient["language"],
                }
            )
        if rows:
            with self.db.transaction() as session:
                storage.insert_participants(session, rows)
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "survey.participants_pushed",
                    "contact",
                    [row["contact_id"] for row in rows],
                    fields=("first_name", "last_name", "email", "language", "member_number"),
                    details={"sid": link["sid"], "link_id": str(link["id"])},
                )
            self.outbox.flush()
        return len(rows)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def invite_participants(self, link_id):
        """Send the invitations LimeSurvey has not sent yet: {"sent", "left"} (LimeSurvey sends at most its
        maxemails per call; call again while ``left``)."""
        return self._send(link_id, "invite_participants", lambda link: (link["sid"], None, True))

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remind_participants(self, link_id, min_days_between=None, max_reminders=None):
        """Remind the invited who have not completed: {"sent", "left"}."""
        for name, value in (("min_days_between", min_days_between), ("max_reminders", max_reminders)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValidationFailed(contract.LINK_INVALID, {name: ["surveys.whole_number"]})
        return self._send(
            link_id, "remind_participants", lambda link: (link["sid"], min_days_between, max_reminders, None)
        )

    def _send(self, link_id, method, params):
        actor = self.context.require(PUSH)
        link = self._link(link_id)
        self.db.session.rollback()
        sent, left = self.limesurvey.send(method, *params(link))
        states.refresh(self.limesurvey, self.db, link)
        with self.db.transaction() as session:
            self.audit.write(
                self.outbox,
                session,
                actor,
                f"survey.{method}",
                "survey_link",
                [link["id"]],
                details={"sid": link["sid"], "sent": len(sent), "left": left},
            )
        self.outbox.flush()
        return {"sent": len(sent), "left": left}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_participants(self, link_id, limit=100, offset=0):
        """A page of the survey's participants with invited/reminded/completed (an audited read)."""
        actor = self.context.require(VIEW)
        limit, offset = checked_page(limit, offset)
        link = self._link(link_id)
        rows = storage.page(self.db.session, link["id"], limit, offset)
        self.db.session.rollback()
        if rows:
            self.audit.read(
                actor,
                "survey.participants_viewed",
                "contact",
                [row["contact_id"] for row in rows],
                fields=("first_name", "last_name", "email", "language"),
                details={"sid": link["sid"]},
            )
        return {"items": [PARTICIPANT.dump(row) for row in rows], "link_id": str(link["id"])}
