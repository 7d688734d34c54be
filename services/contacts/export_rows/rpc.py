"""export_page (I2), a feature of ContactsService: one keyset page of rows of an export selection.

Needs contacts.export. Every path goes through the actor's data scope (C6); partners of couples and
organisations outside the scope are left out of a row. Each page is one audited read,
``contact.exported``, naming every contact on the page and the fields (columns) exported.
"""

import uuid

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, ValidationFailed, coded
from services.contacts.core import ContactsCore
from services.contacts.export_rows import selection as selections
from services.contacts.export_rows import storage
from services.contacts.search import decode_cursor, encode_cursor

EXPORT = "contacts.export"
MAX_PAGE = 2000
CUSTOM_PREFIX = "custom."
MAX_COLUMNS = 200


def page_limit(limit):
    if limit is None:
        return MAX_PAGE
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            "contact.invalid", {"limit": [coded("contact.out_of_range", min=1, max=MAX_PAGE)]}
        )
    return limit


def checked_columns(columns):
    if not isinstance(columns, list) or not columns or len(columns) > MAX_COLUMNS:
        raise ValidationFailed("contact.invalid", {"columns": [coded("value.names", max=MAX_COLUMNS)]})
    if not all(isinstance(name, str) and 0 < len(name) <= 100 for name in columns):
        raise ValidationFailed("contact.invalid", {"columns": ["contact.unknown_field"]})
    return list(dict.fromkeys(columns))


class ExportRowsRpc(ContactsCore):
    """contacts.export_page: rows of a selection for the exports service."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def export_page(self, selection, columns, cursor=None, limit=None, job_id=None):
        """Rows of the selection with the fields of ``columns`` only (data minimisation; plus id, kind
        and the name parts of display_name): {"items", "next_cursor", "total" (first page: contacts in
        the selection), "custom_fields": {key: {label_fi, label_en, field_type}} of the custom columns}.
        Rows as in services/exports/contract/rows.py. Unknown custom fields are refused."""
        actor = self.context.require(EXPORT)
        chosen = selections.check(selection)
        columns = checked_columns(columns)
        limit = page_limit(limit)
        position = decode_cursor(cursor)
        if position is not None and position.get("m") != "k":
            raise ValidationFailed("contact.cursor_invalid", {"cursor": ["contact.cursor_invalid"]})
        session = self.db.session
        definitions = storage.active_custom_fields(session)
        wanted = [name[len(CUSTOM_PREFIX) :] for name in columns if name.startswith(CUSTOM_PREFIX)]
        unknown = [key for key in wanted if key not in definitions]
        if unknown:
            session.rollback()
            raise ValidationFailed(
                "contact.invalid", {"columns": [coded("value.no_custom_field", key=key) for key in unknown]}
            )
        condition = selections.scoped_condition(chosen, session, actor)
        total = storage.count(session, condition) if position is None else None
        fields = [name for name in columns if not name.startswith(CUSTOM_PREFIX)]
        items, next_position = storage.page(session, condition, limit, position, fields)
        rows = storage.export_rows(session, actor, items, [definitions[key] for key in wanted], set(fields))
        session.rollback()
        if rows:
            self.audit.read(
                actor,
                "contact.exported",
                "contact",
                [row["id"] for row in rows],
                fields=columns,
                details={
                    "selection": _audit_selection(chosen),
                    **({"job_id": str(job_id)} if job_id else {}),
                },
            )
        return {
            "items": rows,
            "total": total,
            "next_cursor": encode_cursor({"m": "k", **next_position}) if next_position else None,
            "custom_fields": {
                key: {name: definitions[key][name] for name in ("label_fi", "label_en", "field_type")}
                for key in wanted
            },
        }


def _audit_selection(chosen):
    return {key: (str(value) if isinstance(value, uuid.UUID) else value) for key, value in chosen.items()}
