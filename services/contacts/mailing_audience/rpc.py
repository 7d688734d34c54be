"""mailing_audience (M1), mixed into ContactsService: one page of a mailing list's selection with, for each
contact, whether they may be mailed for the list's processing purpose now and, if not, why.

Needs ``mail.send``. The selection is an export selection (services/contacts/export_rows/selection.py: a
group with or without subgroups, a saved search, …) inside the actor's data scope (C6). A mailable contact
comes with their e-mail and the fields asked for (data minimisation); a contact left out only with their
name and the reason. Every page is one audited read, ``contact.mailing_audience_read``, naming every contact
on it and the fields read.
"""

import uuid

from nameko.rpc import rpc
from sqlalchemy import and_

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts.core import ContactsCore
from services.contacts.export_rows import selection as selections
from services.contacts.export_rows import storage as rows_storage
from services.contacts.export_rows.storage import json_safe
from services.contacts.mailing_audience import rules, storage
from services.contacts.mailing_audience.contract import CUSTOM_PREFIX
from services.contacts.models import contacts
from services.contacts.search import decode_cursor, encode_cursor

MAIL = "mail.send"


class MailingAudienceRpc(ContactsCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def mailing_audience(
        self,
        selection,
        purpose,
        fields=None,
        cursor=None,
        limit=None,
        reason=None,
        only_ids=None,
        list_id=None,
    ):
        """A page of the selection, each contact mailable (``excluded`` None) or left out with the reason:
        {"items", "next_cursor", "total" and "reasons" (first page), "custom_fields"}. ``reason`` keeps only
        the contacts left out for it; ``only_ids`` (≤ 1,000) only those contacts (an incremental sync)."""
        actor = self.context.require(MAIL)
        chosen = selections.check(selection)
        names = rules.checked_fields(fields)
        limit = rules.checked_limit(limit)
        reason = rules.checked_reason(reason)
        only = rules.checked_only_ids(only_ids)
        position = decode_cursor(cursor)
        if position is not None and position.get("m") != "k":
            raise ValidationFailed("mailing.cursor_invalid", {"cursor": ["mailing.cursor_invalid"]})
        session = self.db.session
        found = storage.purpose(session, purpose) if isinstance(purpose, str) else None
        if found is None:
            session.rollback()
            raise ValidationFailed("mailing.purpose_invalid", {"purpose": ["mailing.purpose_invalid"]})
        definitions = rows_storage.active_custom_fields(session)
        wanted = [name[len(CUSTOM_PREFIX) :] for name in names if name.startswith(CUSTOM_PREFIX)]
        unknown = [key for key in wanted if key not in definitions]
        if unknown:
            session.rollback()
            raise ValidationFailed(
                "mailing.field_unknown",
                {
                    "fields": [
                        {"code": "mailing.field_unknown", "params": {"field": f"custom.{key}"}}
                        for key in unknown
                    ]
                },
            )
        parts = [selections.scoped_condition(chosen, session, actor)]
        if only is not None:
            parts.append(contacts.c.id.in_([_uuid(value) for value in only]))
        why = storage.reason(found["code"], found["legal_basis"])
        if reason is not None:
            parts.append(why == reason)
        condition = and_(*parts)
        first = position is None and reason is None and only is None
        counts = (
            storage.reasons_of(session, condition, found["code"], found["legal_basis"]) if first else None
        )
        standard = [name for name in names if not name.startswith(CUSTOM_PREFIX)]
        items, next_position = rows_storage.page(session, condition, limit, position, [*standard, "email"])
        ids = [item["id"] for item in items]
        reasons = storage.reasons_by_id(session, ids, found["code"], found["legal_basis"])
        mailable = [item["id"] for item in items if reasons.get(item["id"]) is None]
        values = rows_storage.custom_values_of(session, mailable, [definitions[key]["id"] for key in wanted])
        tracked = storage.tracking_consented(session, mailable)
        session.rollback()
        rows = [
            _row(item, reasons.get(item["id"]), standard, wanted, definitions, values, tracked)
            for item in items
        ]
        if rows:
            self.audit.read(
                actor,
                "contact.mailing_audience_read",
                "contact",
                [row["id"] for row in rows],
                fields=["email", *names],
                details={
                    "purpose": found["code"],
                    "selection": {
                        key: str(value) if isinstance(value, uuid.UUID) else value
                        for key, value in chosen.items()
                    },
                    **({"list_id": str(list_id)} if list_id else {}),
                },
            )
        return {
            "items": rows,
            "next_cursor": encode_cursor({"m": "k", **next_position}) if next_position else None,
            "total": sum(counts.values()) if counts is not None else None,
            "reasons": {key: value for key, value in counts.items() if key is not None}
            if counts is not None
            else None,
            "custom_fields": {
                key: {name: definitions[key][name] for name in ("label_fi", "label_en", "field_type")}
                for key in wanted
            },
        }


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("mailing.fields_invalid", {"only_ids": ["mailing.ids_invalid"]}) from None


def _row(item, reason, standard, wanted, definitions, values, tracked):
    row = {"id": str(item["id"]), "display_name": item["display_name"], "excluded": reason}
    if reason is not None:
        return row
    row["email"] = item["email"].strip()
    row["consent_to_track"] = item["id"] in tracked
    for name in standard:
        row[name] = json_safe(item.get(name))
    mine = values.get(item["id"], {})
    row["custom"] = {
        key: json_safe(mine[definitions[key]["id"]]) for key in wanted if definitions[key]["id"] in mine
    }
    return row
