"""Linking LimeSurvey surveys to Piiri (Q1), a feature of the surveys service: the installation's surveys, a
link (whose members are the participants, the mapping of questions to contact fields, what responses do),
changing and removing it. Managing links needs contacts.export: participants leave Piiri for LimeSurvey.
"""

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, ValidationFailed
from services.surveys import contract
from services.surveys.core import SurveysCore
from services.surveys.links import storage
from services.surveys.responses import rules as response_rules

MANAGE = "contacts.export"
LINK = contract.SurveyLink()


def link_view(link, counts=None):
    view = LINK.dump({**link, "anonymized": link["anonymized"] == "Y"})
    view["counts"] = counts or {}
    return view


def load(schema, data):
    if not isinstance(data, dict):
        raise ValidationFailed(contract.LINK_INVALID, {"_schema": ["surveys.not_an_object"]})
    try:
        values = schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(contract.LINK_INVALID, exc.normalized_messages()) from None
    errors = response_rules.mapping_errors(values.get("mapping") or {})
    if errors:
        raise ValidationFailed(contract.LINK_INVALID, {"mapping": errors})
    if values.get("selection"):
        values["selection"] = {"kind": values["selection"]["kind"], "id": str(values["selection"]["id"])}
    return values


class LinksRpc(SurveysCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_remote_surveys(self):
        """The LimeSurvey installation's surveys: {"items": [{sid, title, active, linked, link_id}]}."""
        self.context.require(MANAGE)

        def surveys(client):
            try:
                return client.list_surveys()
            except Exception as exc:
                if "No surveys found" in str(exc):
                    return []
                raise

        found = self.limesurvey.run(surveys)
        linked = {link["sid"]: link["id"] for link in storage.all_links(self.db.session)}
        self.db.session.rollback()
        return {
            "items": [
                {
                    "sid": int(item["sid"]),
                    "title": item.get("surveyls_title") or "",
                    "active": item.get("active") == "Y",
                    "linked": int(item["sid"]) in linked,
                    "link_id": str(linked[int(item["sid"])]) if int(item["sid"]) in linked else None,
                }
                for item in found
            ]
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def link_survey(self, data):
        """Link a LimeSurvey survey: checks it exists there and reads its title and anonymity."""
        actor = self.context.require(MANAGE)
        values = load(contract.LinkInput(), data)
        sid = values["sid"]
        properties = self.limesurvey.run(lambda client: client.get_survey_properties(sid, ["anonymized"]))
        title = next(
            (
                item.get("surveyls_title") or ""
                for item in self.limesurvey.run(lambda c: c.list_surveys())
                if int(item["sid"]) == sid
            ),
            "",
        )
        with self.db.transaction() as session:
            if storage.link_of_sid(session, sid) is not None:
                raise Conflict(contract.ALREADY_LINKED, {"sid": sid})
            link = storage.insert_link(
                session,
                {
                    **values,
                    "title": title or str(sid),
                    "anonymized": "Y" if properties.get("anonymized") == "Y" else "N",
                    "actor": actor.to_header(),
                    "created_by": actor.username,
                },
            )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "survey.linked",
                "survey_link",
                [link["id"]],
                details={"sid": sid},
            )
        self.outbox.flush()
        return link_view(link)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_link(self, link_id, data):
        actor = self.context.require(MANAGE)
        values = load(contract.LinkChanges(partial=True), data)
        with self.db.transaction() as session:
            self._link(link_id, for_update=True)
            link = storage.update_link(session, storage.parse_id(link_id), values)
            self.audit.write(
                self.outbox,
                session,
                actor,
                "survey.link_changed",
                "survey_link",
                [link["id"]],
                fields=sorted(values),
            )
        self.outbox.flush()
        return link_view(link)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def unlink_survey(self, link_id):
        """Forget a link with its participants and responses (LimeSurvey keeps its own data)."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            link = self._link(link_id, for_update=True)
            storage.delete_link(session, link["id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "survey.unlinked",
                "survey_link",
                [link["id"]],
                details={"sid": link["sid"]},
            )
        self.outbox.flush()
        return {"id": str(link["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_link(self, link_id):
        self.context.require(MANAGE)
        link = self._link(link_id)
        counts = storage.counts(self.db.session, [link["id"]])[link["id"]]
        self.db.session.rollback()
        return link_view(link, counts)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_links(self):
        self.context.require(MANAGE)
        links = storage.all_links(self.db.session)
        counts = storage.counts(self.db.session, [link["id"] for link in links])
        self.db.session.rollback()
        return {"items": [link_view(link, counts[link["id"]]) for link in links]}
