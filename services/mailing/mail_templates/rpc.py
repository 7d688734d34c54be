"""Mail templates (M2), mixed into MailingService: create, change, list and archive templates, check one
without saving it, and preview one rendered for the sample values or for a chosen contact (read through
contacts.get_contact in the caller's scope: an audited read). Saving a template with an error is refused
with every problem (part, line, field); all need mail.send."""

from nameko.rpc import rpc
from sqlalchemy import func

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound
from services.mailing.contract import MAIL_SEND, MERGE_FIELDS, MailTemplate, errors
from services.mailing.core import MailingCore
from services.mailing.lists.storage import parse_id
from services.mailing.mail_templates import rules, storage
from services.mailing.mail_templates.preview import preview, rendered_view

TEMPLATE = MailTemplate()


def template_view(row):
    return TEMPLATE.dump(row)


class TemplatesRpc(MailingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_template(self, data):
        """A new template {name, subject, mjml, text}; refused (422) with its problems if it has any."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_input(data)
        rules.check(values)
        with self.db.transaction() as session:
            if storage.name_taken(session, values["name"]):
                raise Conflict(errors.TEMPLATE_NAME_TAKEN, {"name": [errors.TEMPLATE_NAME_TAKEN]})
            row = storage.insert_template(
                session, {**values, "created_by": actor.username, "updated_by": actor.username}
            )
        return template_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_template(self, template_id, changes):
        """Change a template (campaigns made from it keep the parts they were made with)."""
        actor = self.context.require(MAIL_SEND)
        values = rules.checked_input(changes, partial=True)
        with self.db.transaction() as session:
            row = self._template(session, template_id, for_update=True)
            rules.check({**row, **values})
            if "name" in values and storage.name_taken(session, values["name"], row["id"]):
                raise Conflict(errors.TEMPLATE_NAME_TAKEN, {"name": [errors.TEMPLATE_NAME_TAKEN]})
            row = storage.update_template(session, row["id"], {**values, "updated_by": actor.username})
        return template_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def archive_template(self, template_id):
        self.context.require(MAIL_SEND)
        with self.db.transaction() as session:
            row = self._template(session, template_id, for_update=True)
            if row["archived_at"] is None:
                row = storage.update_template(session, row["id"], {"archived_at": func.now()})
        return template_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_template(self, template_id):
        self.context.require(MAIL_SEND)
        row = self._template(self.db.session, template_id)
        self.db.session.rollback()
        return template_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_templates(self):
        self.context.require(MAIL_SEND)
        rows = storage.all_templates(self.db.session)
        self.db.session.rollback()
        return {"items": [template_view(row) for row in rows], "merge_fields": list(MERGE_FIELDS)}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def check_template(self, data):
        """Check a template without saving it: {subject, html, text} rendered with the sample values, or
        422 mailing.template_invalid with every problem (part, line, field)."""
        self.context.require(MAIL_SEND)
        values = rules.checked_input(data)
        return rendered_view(rules.check(values))

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview_template(self, template_id, contact_id=None):
        """The saved template rendered for a contact (an audited read of them) or the sample values."""
        self.context.require(MAIL_SEND)
        row = self._template(self.db.session, template_id)
        self.db.session.rollback()
        return preview(self.contacts, row, contact_id)

    def _template(self, session, template_id, for_update=False):
        key = parse_id(template_id)
        row = storage.get_template(session, key, for_update) if key else None
        if row is None:
            session.rollback()
            raise NotFound(errors.TEMPLATE_NOT_FOUND, {"id": str(template_id)})
        return row
