"""survey_recipients_page (Q1), a feature of the contacts service: one keyset page of the members of a
group or saved search as survey participants, for the surveys service to push to LimeSurvey.

Needs contacts.export (the participants leave Piiri for LimeSurvey). The actor's data scope (C6) applies.
Each page is one audited read, ``contact.survey_recipients_read``, naming every contact on the page and
the fields given out (name, e-mail, language, member number).
"""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts.consents import storage as consent_storage
from services.contacts.core import ContactsCore
from services.contacts.export_rows import selection as selections
from services.contacts.export_rows import storage as rows_storage
from services.contacts.search import decode_cursor, encode_cursor
from services.contacts.survey_recipients import rules, storage
from services.contacts.survey_recipients.contract import DEFAULT_OPT_OUT_PURPOSE, MAX_PAGE, SELECTION_KINDS

EXPORT = "contacts.export"
FIELDS = [
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "email",
    "language",
    "deceased_on",
]
GIVEN_OUT = ("first_name", "last_name", "email", "language", "member_number")


def _limit(limit):
    if limit is None:
        return MAX_PAGE
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            "surveys.limit_invalid", {"limit": [{"code": "surveys.limit_range", "params": {"max": MAX_PAGE}}]}
        )
    return limit


class SurveyRecipientsRpc(ContactsCore):
    """contacts.survey_recipients_page."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def survey_recipients_page(self, selection, cursor=None, limit=None, options=None):
        """{"items": [recipient …], "next_cursor", "total" (first page)}; ``options``: opt_out_purpose
        (default member_communication), member_number_field (a custom field key, or none)."""
        actor = self.context.require(EXPORT)
        if not isinstance(selection, dict) or selection.get("kind") not in SELECTION_KINDS:
            raise ValidationFailed(
                "surveys.selection_invalid", {"selection.kind": ["surveys.selection_kind"]}
            )
        chosen = selections.check(selection)
        options = options if isinstance(options, dict) else {}
        purpose = options.get("opt_out_purpose") or DEFAULT_OPT_OUT_PURPOSE
        number_key = options.get("member_number_field") or None
        limit = _limit(limit)
        position = decode_cursor(cursor)
        if position is not None and position.get("m") != "k":
            raise ValidationFailed("surveys.cursor_invalid", {"cursor": ["surveys.cursor_invalid"]})
        session = self.db.session
        if consent_storage.purpose(session, purpose) is None:
            session.rollback()
            raise ValidationFailed("surveys.opt_out_purpose_unknown", {"opt_out_purpose": [purpose]})
        number_field = None
        if number_key:
            number_field = rows_storage.active_custom_fields(session).get(number_key)
            if number_field is None:
                session.rollback()
                raise ValidationFailed(
                    "surveys.member_number_field_unknown", {"member_number_field": [number_key]}
                )
        condition = selections.scoped_condition(chosen, session, actor)
        total = rows_storage.count(session, condition) if position is None else None
        items, next_position = rows_storage.page(session, condition, limit, position, FIELDS)
        ids = [item["id"] for item in items]
        opted_out = storage.opted_out(session, ids, purpose)
        numbers = {}
        if number_field:
            values = rows_storage.custom_values_of(session, ids, [number_field["id"]])
            numbers = {contact_id: found.get(number_field["id"]) for contact_id, found in values.items()}
        session.rollback()
        recipients = [
            rules.recipient(item, item["id"] in opted_out, numbers.get(item["id"])) for item in items
        ]
        if recipients:
            self.audit.read(
                actor,
                "contact.survey_recipients_read",
                "contact",
                [item["id"] for item in recipients],
                fields=GIVEN_OUT,
                details={"selection": {"kind": chosen["kind"], "id": str(chosen["id"])}},
            )
        return {
            "items": recipients,
            "total": total,
            "next_cursor": encode_cursor({"m": "k", **next_position}) if next_position else None,
        }
